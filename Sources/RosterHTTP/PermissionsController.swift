import Hummingbird
import RosterModel
import RosterService

/// Roster's own endpoints that explain effective permissions, answered by the same decision enforcement makes:
/// `GET /v1/organization/users/{user_id}/permissions` and `POST /v1/organization/permission_checks`.
struct PermissionsController {
    let organization: Organization

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
        // `{"user_id", "permission", "project_id"?}`, read without `Decodable`: every check pays for the body.
        let body = try await request.bodyFields(context: context)
        let (rawUserID, permission, rawProjectID) = (try body.string("user_id"), try body.string("permission"), try body.optionalString("project_id"))
        guard let userID = Identifier(rawUserID, kind: .user) else { throw APIError.notFound(.user, rawUserID) }
        let projectID = try rawProjectID.map { raw in
            guard let id = Identifier(raw, kind: .project) else { throw APIError.notFound(.project, raw) }
            return id
        }
        return .json(Wire.permissionCheck(try await organization.check(userID: userID, permission: permission, projectID: projectID)))
    }
}
