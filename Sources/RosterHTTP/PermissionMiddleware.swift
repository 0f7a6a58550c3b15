import Hummingbird
import RosterModel
import RosterService

/// Lets a request through only when the user its key belongs to holds what `OperationPermissions` says the route needs:
/// the organization permission, or for a route under a project the project permission inside the project named by
/// the `project_id` path parameter. Anything else is a 403 (`missing_permission`) naming the permission, in the
/// envelope of the API the path belongs to. Runs after `AuthMiddleware`; a route missing from the table is refused.
struct PermissionMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext
    let organization: Organization

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller = try context.requireCaller()
        let path = context.endpointPath ?? request.uri.path
        let operation = "\(request.method.rawValue) \(path)"
        guard let requirement = OperationPermissions.requirement(request.method, path) else {
            throw APIError(.forbidden, "\(operation) has no permission defined for it, so no key may call it.", code: "missing_permission")
        }
        let projectID = context.parameters.get("project_id").flatMap { Identifier($0, kind: .project) }
        try await organization.authorize(caller, requirement, projectID: projectID, operation: operation)
        return try await next(request, context)
    }
}
