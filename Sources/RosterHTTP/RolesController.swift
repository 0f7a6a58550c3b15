import Hummingbird
import RosterModel
import RosterService

/// `/v1/organization/roles…`: organization roles.
struct RolesController {
    let organization: Organization

    struct CreateBody: Decodable {
        let role_name: String
        let permissions: [String]
        let description: String?
    }

    struct UpdateBody: Decodable {
        let role_name: String?
        let permissions: [String]?
        let description: String?
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("roles", use: list)
        router.post("roles", use: create)
        router.get("roles/:role_id", use: retrieve)
        router.post("roles/:role_id", use: update)
        router.delete("roles/:role_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.roles(page: request.pageRequest(ListRules(defaultLimit: 1000, cursorKind: .role)))
        return .json(Wire.list(page, id: \.id, Wire.role))
    }

    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await request.decode(CreateBody.self, context: context)
        let role = try await organization.createRole(
            name: body.role_name, permissions: body.permissions, description: body.description, by: context.requireCaller())
        return .json(Wire.role(role))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.role(try await organization.role(id: context.identifier("role_id", .role))))
    }

    @Sendable func update(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("role_id", .role)
        let body = try await request.decode(UpdateBody.self, context: context)
        let role = try await organization.updateRole(
            id: id, name: body.role_name, permissions: body.permissions, description: body.description, by: context.requireCaller())
        return .json(Wire.role(role))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("role_id", .role)
        try await organization.deleteRole(id: id, by: context.requireCaller())
        return .json(Wire.deleted("role.deleted", id: id))
    }
}
