import Hummingbird
import RosterModel
import RosterService

/// `/v1/organization/admin_api_keys…`: the organization's admin API keys.
struct KeysController {
    let organization: Organization

    /// OpenAI's `name` and `expires_in_seconds`, and Roster's `user_id` (whose key; the caller's by default) and
    /// `scopes` (the permissions the key is limited to; all of its user's when absent).
    struct CreateBody: Decodable {
        let name: String
        let expires_in_seconds: Int?
        let user_id: String?
        let scopes: [String]?
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("admin_api_keys", use: list)
        router.post("admin_api_keys", use: create)
        router.get("admin_api_keys/:key_id", use: retrieve)
        router.delete("admin_api_keys/:key_id", use: delete)
    }

    /// Pages as OpenAI's reference says: 20 by default, oldest first unless `order=desc`.
    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let rules = ListRules(defaultLimit: 20, limitRange: 1...100, cursorKind: .adminKey)
        let page = try await organization.adminKeys(page: request.pageRequest(rules))
        return .json(Wire.rangeList(page, id: \.key.id, Wire.adminKey))
    }

    /// The key belongs to `user_id`, or else the caller's user; the answer is the only one that carries its secret.
    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.decode(CreateBody.self, context: context)
        var userID: Identifier?
        if let raw = body.user_id {
            guard let id = Identifier(raw, kind: .user) else { throw APIError.notFound(.user, raw) }
            userID = id
        }
        let created = try await organization.createAdminKey(
            name: body.name, expiresInSeconds: body.expires_in_seconds, userID: userID, scopes: body.scopes, by: caller)
        return .json(Wire.createdAdminKey(created))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.adminKey(try await organization.adminKey(id: context.identifier("key_id", .adminKey))))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("key_id", .adminKey)
        try await organization.deleteAdminKey(id: id, by: context.requireCaller())
        return .json(Wire.deleted("organization.admin_api_key.deleted", id: id))
    }
}
