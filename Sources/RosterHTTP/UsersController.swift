import Hummingbird
import RosterModel
import RosterService
import RosterStore

/// `/v1/organization/users…`: organization users and their organization roles.
struct UsersController {
    let organization: Organization

    struct ModifyBody: Decodable {
        let role: String?
        let role_id: String?
        let technical_level: String?
        let developer_persona: String?
    }


    /// The most addresses one `emails` filter may list.
    static let maximumEmailFilter = 1000

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("users", use: list)
        router.get("users/:user_id", use: retrieve)
        router.post("users/:user_id", use: modify)
        router.delete("users/:user_id", use: delete)
        router.get("users/:user_id/roles", use: listRoles)
        router.post("users/:user_id/roles", use: assignRole)
        router.get("users/:user_id/roles/:role_id", use: retrieveRole)
        router.delete("users/:user_id/roles/:role_id", use: unassignRole)
    }

    /// `emails[]=…` (the SDK's form) and `emails=…` are both accepted, repeated.
    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let rules = ListRules(defaultLimit: 20, limitRange: 1...100, cursorKind: .user, acceptsOrder: false)
        let pageRequest = try request.pageRequest(rules)
        let emails = request.queryValues("emails")
        guard emails.count <= Self.maximumEmailFilter else {
            throw APIError.invalid("'emails' takes at most \(Self.maximumEmailFilter) addresses; got \(emails.count).", param: "emails")
        }
        let includesProjects = try Self.includesProjects(request)
        let page = try await organization.users(emails: emails.isEmpty ? nil : emails, page: pageRequest)
        guard includesProjects else { return .json(Wire.rangeList(page, id: \.id, Wire.user)) }
        let projects = try await organization.projects(ofUsers: page.items.map(\.id))
        return .json(Wire.rangeList(page, id: \.id) { Wire.user($0, projects: projects[$0.id] ?? []) })
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let includesProjects = try Self.includesProjects(request)
        let user = try await organization.user(id: context.identifier("user_id", .user))
        guard includesProjects else { return .json(Wire.user(user)) }
        return .json(Wire.user(user, projects: try await organization.projects(ofUsers: [user.id])[user.id] ?? []))
    }

    /// Whether `include[]=projects` (the SDK's form) or `include=projects` asks for each user's `projects`;
    /// any other value of `include` is a 400.
    static func includesProjects(_ request: Request) throws -> Bool {
        let values = request.queryValues("include")
        if let other = values.first(where: { $0 != "projects" }) {
            throw APIError.invalid("'include' accepts only 'projects'; got '\(other)'.", param: "include")
        }
        return !values.isEmpty
    }

    @Sendable func modify(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("user_id", .user)
        let body = try await request.decode(ModifyBody.self, context: context)
        let changes = Organization.UserChanges(
            role: body.role, roleID: body.role_id, technicalLevel: body.technical_level, developerPersona: body.developer_persona)
        return .json(Wire.user(try await organization.modifyUser(id: id, changes, by: context.requireCaller())))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("user_id", .user)
        try await organization.deleteUser(id: id, by: context.requireCaller())
        return .json(Wire.deleted("organization.user.deleted", id: id))
    }

    @Sendable func listRoles(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.roles(
            ofUser: context.identifier("user_id", .user), page: request.pageRequest(ListRules(defaultLimit: 100, cursorKind: .role)))
        return .json(Wire.list(page, id: \.role.id, Wire.assignedRole))
    }

    @Sendable func assignRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let userID = try context.identifier("user_id", .user)
        let roleID = try await request.assignedRoleID(context: context)
        let (user, role) = try await organization.assignRole(roleID, toUser: userID, by: context.requireCaller())
        return .json(Wire.userRoleAssignment(user, role))
    }

    @Sendable func retrieveRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let assigned = try await organization.role(context.identifier("role_id", .role), ofUser: context.identifier("user_id", .user))
        return .json(Wire.assignedRole(assigned))
    }

    @Sendable func unassignRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.unassignRole(
            context.identifier("role_id", .role), fromUser: context.identifier("user_id", .user), by: context.requireCaller())
        return .json(Wire.deleted("user.role.deleted"))
    }
}
