import Hummingbird
import RosterModel
import RosterService

/// `/v1/organization/invites…`: invitations to the organization and its projects.
struct InvitesController {
    let organization: Organization

    struct CreateBody: Decodable {
        struct ProjectEntry: Decodable {
            let id: String
            let role: String
        }

        let email: String
        let role: String
        let projects: [ProjectEntry]?
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("invites", use: list)
        router.post("invites", use: create)
        router.get("invites/:invite_id", use: retrieve)
        router.delete("invites/:invite_id", use: delete)
    }

    /// Pages as OpenAI's reference says: 1…100, 20 by default, oldest first, no `order`.
    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let rules = ListRules(defaultLimit: 20, limitRange: 1...100, cursorKind: .invite, acceptsOrder: false)
        let page = try await organization.invites(page: request.pageRequest(rules))
        return .json(Wire.rangeList(page, id: \.id) { Wire.invite($0, status: organization.status(of: $0)) })
    }

    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await request.decode(CreateBody.self, context: context)
        let invite = try await organization.createInvite(
            email: body.email, role: body.role, projects: (body.projects ?? []).map { (id: $0.id, role: $0.role) },
            by: context.requireCaller())
        return .json(Wire.invite(invite, status: organization.status(of: invite)))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let invite = try await organization.invite(id: context.identifier("invite_id", .invite))
        return .json(Wire.invite(invite, status: organization.status(of: invite)))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("invite_id", .invite)
        try await organization.deleteInvite(id: id, by: context.requireCaller())
        return .json(Wire.deleted("organization.invite.deleted", id: id))
    }
}
