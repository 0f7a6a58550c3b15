import Foundation
import HTTPTypes
import Hummingbird
import RosterModel
import RosterSCIM
import RosterService

/// `/scim/v2…`: Roster's SCIM 2.0 service provider (RFC 7644) for identity providers.
struct SCIMController {
    let organization: Organization
    let settings: HTTPSettings

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("ServiceProviderConfig") { request, _ in Self.json(SCIMDiscovery.serviceProviderConfig(baseURL: self.baseURL(request))) }
        router.get("ResourceTypes") { request, _ in Self.json(Self.listAll(SCIMDiscovery.resourceTypes(baseURL: self.baseURL(request)))) }
        router.get("ResourceTypes/:id") { request, context in
            let id = Self.id(context)
            guard let type = SCIMDiscovery.resourceType(id: id, baseURL: self.baseURL(request)) else {
                throw SCIMError.notFound("There is no resource type '\(id)'.")
            }
            return Self.json(type)
        }
        router.get("Schemas") { request, _ in Self.json(Self.listAll(SCIMDiscovery.schemas(baseURL: self.baseURL(request)))) }
        router.get("Schemas/:id") { request, context in
            let id = Self.id(context)
            guard let schema = SCIMDiscovery.schema(id: id, baseURL: self.baseURL(request)) else {
                throw SCIMError.notFound("There is no schema '\(id)'.")
            }
            return Self.json(schema)
        }

        router.get("Users", use: listUsers)
        router.post("Users/.search", use: searchUsers)
        router.post("Users", use: createUser)
        router.get("Users/:id", use: getUser)
        router.put("Users/:id", use: replaceUser)
        router.patch("Users/:id", use: patchUser)
        router.delete("Users/:id", use: deleteUser)

        router.get("Groups", use: listGroups)
        router.post("Groups/.search", use: searchGroups)
        router.post("Groups", use: createGroup)
        router.get("Groups/:id", use: getGroup)
        router.put("Groups/:id", use: replaceGroup)
        router.patch("Groups/:id", use: patchGroup)
        router.delete("Groups/:id", use: deleteGroup)

        router.post(".search", use: searchAll)
    }

    // MARK: Users

    @Sendable func listUsers(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await list(try SCIMQuery(query: request), request, users: true, groups: false)
    }

    @Sendable func searchUsers(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await list(try SCIMQuery(searchBody: try await Self.body(request, context)), request, users: true, groups: false)
    }

    @Sendable func createUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let resource = try await organization.scimCreateUser(
            try await Self.body(request, context), self.scimRequest(request), by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.user, query: try SCIMQuery(query: request), status: .created)
    }

    @Sendable func getUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let resource = try await organization.scimUser(id: Self.id(context), self.scimRequest(request))
        return Self.resource(resource, type: SCIMResourceTypes.user, query: try SCIMQuery(query: request))
    }

    @Sendable func replaceUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await Self.body(request, context)
        let resource = try await organization.scimReplaceUser(
            id: Self.id(context), with: body, self.scimRequest(request), by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.user, query: try SCIMQuery(query: request))
    }

    @Sendable func patchUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let operations = try Self.patchOperations(try await Self.body(request, context))
        let resource = try await organization.scimPatchUser(
            id: Self.id(context), operations: operations, self.scimRequest(request), by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.user, query: try SCIMQuery(query: request))
    }

    @Sendable func deleteUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.scimDeleteUser(id: Self.id(context), self.scimRequest(request), by: context.requireCaller())
        return Response(status: .noContent)
    }

    // MARK: Groups

    @Sendable func listGroups(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await list(try SCIMQuery(query: request), request, users: false, groups: true)
    }

    @Sendable func searchGroups(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await list(try SCIMQuery(searchBody: try await Self.body(request, context)), request, users: false, groups: true)
    }

    @Sendable func createGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let resource = try await organization.scimCreateGroup(
            try await Self.body(request, context), self.scimRequest(request), by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.group, query: try SCIMQuery(query: request), status: .created)
    }

    @Sendable func getGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let query = try SCIMQuery(query: request)
        let resource = try await organization.scimGroup(id: Self.id(context), includeMembers: query.includesMembers, self.scimRequest(request))
        return Self.resource(resource, type: SCIMResourceTypes.group, query: query)
    }

    @Sendable func replaceGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await Self.body(request, context)
        let resource = try await organization.scimReplaceGroup(
            id: Self.id(context), with: body, self.scimRequest(request), by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.group, query: try SCIMQuery(query: request))
    }

    @Sendable func patchGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let query = try SCIMQuery(query: request)
        let operations = try Self.patchOperations(try await Self.body(request, context))
        let resource = try await organization.scimPatchGroup(
            id: Self.id(context), operations: operations, includeMembers: query.includesMembers, self.scimRequest(request),
            by: context.requireCaller())
        return Self.resource(resource, type: SCIMResourceTypes.group, query: query)
    }

    @Sendable func deleteGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.scimDeleteGroup(id: Self.id(context), self.scimRequest(request), by: context.requireCaller())
        return Response(status: .noContent)
    }

    /// `POST /.search`: users, then groups.
    @Sendable func searchAll(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await list(try SCIMQuery(searchBody: try await Self.body(request, context)), request, users: true, groups: true)
    }

    // MARK: Shared

    private func list(_ query: SCIMQuery, _ request: Request, users: Bool, groups: Bool) async throws -> Response {
        let scimRequest = self.scimRequest(request)
        // Searching both types, a filter naming an attribute only one type has matches nothing of the other
        // (RFC 7644 §3.4.2); it is an error only when neither type takes it.
        let searchingBoth = users && groups
        var rejections: [SCIMError] = []
        func read(_ body: () async throws -> SCIMList) async throws -> SCIMList? {
            do {
                return try await body()
            } catch let error as SCIMError where searchingBoth && error.scimType == "invalidFilter" {
                rejections.append(error)
                return nil
            }
        }
        var resources: [JSON] = []
        var total = 0
        if users, let page = try await read({ try await organization.scimUsers(query.listQuery, scimRequest) }) {
            resources += page.resources.map { query.project($0, type: SCIMResourceTypes.user) }
            total += page.totalResults
        }
        if groups {
            var groupQuery = query.listQuery
            if users {
                // After users, the groups' part of the window starts where the users ran out.
                groupQuery = SCIMListQuery(
                    filter: groupQuery.filter, startIndex: max(1, query.listQuery.startIndex - total),
                    count: query.listQuery.count - resources.count, includeMembers: groupQuery.includeMembers)
            }
            if let page = try await read({ try await organization.scimGroups(groupQuery, scimRequest) }) {
                resources += page.resources.map { query.project($0, type: SCIMResourceTypes.group) }
                total += page.totalResults
            }
        }
        if rejections.count == 2, let rejection = rejections.first { throw rejection }
        return Self.json(
            SCIMDiscovery.listResponse(resources, totalResults: total, startIndex: query.listQuery.startIndex, itemsPerPage: resources.count))
    }

    static func resource(_ resource: SCIMResource, type: SCIMResourceType, query: SCIMQuery, status: HTTPResponse.Status = .ok) -> Response {
        var response = json(query.project(resource.json, type: type), status: status)
        response.headers[.eTag] = SCIMRequest.etag(resource.version)
        if status == .created, let location = resource.json[member: "meta"]?[member: "location"]?.stringValue {
            response.headers[.location] = location
        }
        return response
    }

    static func json(_ body: JSON, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: scimMediaType], body: .init(byteBuffer: ByteBuffer(json: body)))
    }

    static let scimMediaType = "application/scim+json"

    static func listAll(_ resources: [JSON]) -> JSON {
        SCIMDiscovery.listResponse(resources, totalResults: resources.count, startIndex: 1, itemsPerPage: resources.count)
    }

    static func id(_ context: RosterRequestContext) -> String { context.parameters.get("id") ?? "" }

    /// The base URL clients reach the SCIM endpoints at (`HTTPSettings.baseURL(for:)`).
    func baseURL(_ request: Request) -> String {
        settings.baseURL(for: request.head) + "/scim/v2"
    }

    func scimRequest(_ request: Request) -> SCIMRequest {
        SCIMRequest(baseURL: baseURL(request), ifMatch: request.headers[.ifMatch])
    }

    /// The request body as JSON; anything else (invalid UTF-8 included) is `invalidSyntax`. A string with a control
    /// character other than tab and line breaks, or longer than `Validation.maximumTextLength` Unicode scalars, is
    /// `invalidValue`.
    static func body(_ request: Request, _ context: RosterRequestContext) async throws -> JSON {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body: JSON
        do {
            body = try JSON.parse(Array(buffer.readableBytesView))
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON.")
        }
        if let path = Validation.firstUnacceptableString(in: body) {
            throw SCIMError.invalidValue(
                "'\(path)' must be at most \(Validation.maximumTextLength) characters with no control characters.")
        }
        return body
    }

    /// The `Operations` of a PatchOp request (RFC 7644 §3.5.2).
    static func patchOperations(_ body: JSON) throws -> [SCIMPatchOperation] {
        try SCIMPatch.operations(in: body)
    }
}
