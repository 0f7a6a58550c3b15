import Foundation
import HTTPTypes
import Testing

/// The URNs and media type the SCIM handler tests read and write (RFC 7643, RFC 7644).
enum SCIM {
    static let mediaType = "application/scim+json"
    static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let errorURN = "urn:ietf:params:scim:api:messages:2.0:Error"
    static let listResponseURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    static let searchRequestURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

    /// A PatchOp body carrying `operations`, the JSON text of the `Operations` array's elements.
    static func patch(_ operations: String...) -> String {
        #"{"schemas": ["\#(patchOpURN)"], "Operations": [\#(operations.joined(separator: ", "))]}"#
    }

    /// `path` with a query whose values are percent-encoded as a careful client encodes them (spaces as `%20`).
    static func query(_ path: String, _ parameters: KeyValuePairs<String, String>) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = parameters.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
        return path + "?" + pairs.joined(separator: "&")
    }

    /// A JSON string literal holding `text`.
    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }
}

extension Fixture {
    /// Sends a SCIM request to `/scim/v2<path>`, its body as `application/scim+json`, with `If-Match` when given.
    func scim(
        _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil, ifMatch: String? = nil, key: String? = Fixture.key
    ) async throws -> Reply {
        var headers: HTTPFields = [:]
        if json != nil { headers[.contentType] = SCIM.mediaType }
        if let ifMatch { headers[.ifMatch] = ifMatch }
        return try await send(method, "/scim/v2" + path, json: json, key: key, headers: headers)
    }

    /// Creates a SCIM User from `json` and returns the resource Roster answered with.
    @discardableResult
    func createSCIMUser(_ json: String) async throws -> [String: Any] {
        let reply = try await scim(.post, "/Users", json)
        guard reply.status == .created else { throw FixtureError("creating a SCIM user answered \(reply.status): \(reply.text)") }
        return try reply.object()
    }

    /// Creates a SCIM User with `userName` (and the given other members, JSON text without braces) and returns its id.
    func createSCIMUser(userName: String, _ members: String = "") async throws -> String {
        let extra = members.isEmpty ? "" : ", " + members
        let user = try await createSCIMUser(#"{"schemas": ["\#(SCIM.userURN)"], "userName": \#(SCIM.quoted(userName))\#(extra)}"#)
        guard let id = user["id"] as? String else { throw FixtureError("the created user has no id: \(user)") }
        return id
    }

    /// Creates a SCIM Group named `displayName` with `members` (user ids) and returns its id.
    func createSCIMGroup(_ displayName: String, members: [String] = []) async throws -> String {
        let list = members.map { #"{"value": "\#($0)"}"# }.joined(separator: ", ")
        let reply = try await scim(
            .post, "/Groups", #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": \#(SCIM.quoted(displayName)), "members": [\#(list)]}"#)
        guard reply.status == .created, let id = try reply.object()["id"] as? String else {
            throw FixtureError("creating SCIM group \(displayName) answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// The ids of the users `GET /v1/organization/users` lists (one page of up to 100).
    func adminUserIDs() async throws -> [String] {
        try await get("/v1/organization/users?limit=100").ids()
    }

    /// The ids of the members `GET /v1/organization/groups/{id}/users` lists.
    func adminMemberIDs(_ groupID: String) async throws -> [String] {
        try await get("/v1/organization/groups/\(groupID)/users").ids()
    }

    /// The `value`s of a SCIM Group's `members`, as `GET /scim/v2/Groups/{id}` reads them.
    func scimMemberIDs(_ groupID: String) async throws -> [String] {
        let group = try await scim(.get, "/Groups/\(groupID)").object()
        return (group["members"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
    }
}

extension Reply {
    /// The `Resources` of a ListResponse.
    func resources(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let object = try object(sourceLocation: sourceLocation)
        return try #require(object["Resources"] as? [[String: Any]], "no Resources array in: \(text)", sourceLocation: sourceLocation)
    }

    /// The `userName`s of a ListResponse's resources, in order.
    func userNames(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        try resources(sourceLocation: sourceLocation).map { $0["userName"] as? String ?? "<no userName>" }
    }

    /// Whether the body has `member` as a JSON integer (not a string, not a fraction) equal to `value`.
    func hasInteger(_ member: String, _ value: Int) -> Bool {
        text.range(of: #""\#(member)"\s*:\s*\#(value)\s*[,}]"#, options: .regularExpression) != nil
    }
}

/// Checks that `reply` is a SCIM error (RFC 7644 §3.12) with `status`: `application/scim+json`, and a body of exactly
/// `schemas` (the Error URN), `status` (the code as a string), `detail` (a sentence) and, when `scimType` is given,
/// that `scimType` (`.some(nil)` asks for none). Returns the body for further checks.
@discardableResult
func expectSCIMError(
    _ reply: Reply, _ status: HTTPResponse.Status, scimType: String?? = .none, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: Any] {
    #expect(reply.status == status, "expected \(status.code), got \(reply.status.code): \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.headers[.contentType] == SCIM.mediaType, "content type \(reply.headers[.contentType] ?? "none")", sourceLocation: sourceLocation)
    let body = try reply.object(sourceLocation: sourceLocation)
    #expect(body["schemas"] as? [String] == [SCIM.errorURN], "schemas: \(reply.text)", sourceLocation: sourceLocation)
    #expect(body["status"] as? String == String(status.code), "status must be the code as a string: \(reply.text)", sourceLocation: sourceLocation)
    #expect((body["detail"] as? String)?.isEmpty == false, "no detail: \(reply.text)", sourceLocation: sourceLocation)
    let allowed: Set<String> = ["schemas", "status", "scimType", "detail"]
    #expect(Set(body.keys).isSubset(of: allowed), "unexpected members: \(reply.text)", sourceLocation: sourceLocation)
    switch scimType {
    case .none: break
    case .some(.none): #expect(body["scimType"] == nil, "scimType should be absent: \(reply.text)", sourceLocation: sourceLocation)
    case .some(.some(let type)): #expect(body["scimType"] as? String == type, "scimType: \(reply.text)", sourceLocation: sourceLocation)
    }
    return body
}
