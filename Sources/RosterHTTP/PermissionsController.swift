import Hummingbird
import RosterModel
import RosterService

/// Roster's own endpoints that explain effective permissions, answered by the same decision enforcement makes:
/// `GET /v1/organization/users/{user_id}/permissions` and `POST /v1/organization/permission_checks`.
struct PermissionsController {
    let organization: Organization

    struct CheckBody: Decodable {
        let user_id: String
        let permission: String
        let project_id: String?
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("users/:user_id/permissions", use: list)
        router.post("permission_checks", use: check)
    }

    /// Every permission the user holds in the organization and, with `project_id`, in that project, each with the
    /// chains that grant it.
    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let userID = try context.identifier("user_id", .user)
        let projectID = try request.uri.queryParameters.get("project_id").map { raw in
            guard let id = Identifier(raw, kind: .project) else { throw APIError.notFound(.project, raw) }
            return id
        }
        let grants = try await organization.permissions(of: userID, projectID: projectID)
        return .json(Wire.permissionList(userID: userID, projectID: projectID, grants))
    }

    @Sendable func check(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await request.decode(CheckBody.self, context: context)
        guard let userID = Identifier(body.user_id, kind: .user) else { throw APIError.notFound(.user, body.user_id) }
        let projectID = try body.project_id.map { raw in
            guard let id = Identifier(raw, kind: .project) else { throw APIError.notFound(.project, raw) }
            return id
        }
        return .json(Wire.permissionCheck(try await organization.check(userID: userID, permission: body.permission, projectID: projectID)))
    }
}
