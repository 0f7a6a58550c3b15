import HTTPTypes
import RosterModel

/// The one table of what every operation needs: for each route Roster serves behind a key (method and path pattern,
/// as OpenAPI writes it), the organization permission that allows it and, for a route under a project, the project
/// permission that allows it inside that project. `AccessMiddleware` enforces it, the README's permission table
/// documents it, and a test fails when a served route has no entry.
///
/// The rule it follows: a family's `.read` permission for `GET` and SCIM searches, its `.write` one for changes;
/// assigning roles is `api.role_assignments.*`; everything under `/projects/{project_id}` is `api.projects.read` /
/// `.write` in the organization or the project permission of its family in that project; Roster's permission
/// explanations reveal role assignments, so they need `api.role_assignments.read`.
public enum OperationPermissions {
    /// One operation and what it needs.
    public struct Entry: Sendable, Hashable {
        public let method: HTTPRequest.Method
        /// The path pattern, such as `/v1/organization/groups/{group_id}`.
        public let path: String
        public let requirement: PermissionRequirement

        /// `GET /v1/organization/groups/{group_id}`.
        public var operation: String { "\(method.rawValue) \(path)" }
    }

    /// Every operation, by family.
    public static let entries: [Entry] = organization + projects + scim

    /// What the operation `method` `path` (a path pattern) needs, or nil when the table does not list it.
    public static func requirement(_ method: HTTPRequest.Method, _ path: String) -> PermissionRequirement? {
        byPath[path]?[method]
    }

    private static let byPath: [String: [HTTPRequest.Method: PermissionRequirement]] = {
        var table: [String: [HTTPRequest.Method: PermissionRequirement]] = [:]
        for entry in entries where table[entry.path]?[entry.method] == nil { table[entry.path, default: [:]][entry.method] = entry.requirement }
        return table
    }()

    private static func entry(
        _ method: HTTPRequest.Method, _ path: String, _ permission: String, inProject projectPermission: String? = nil
    ) -> Entry {
        Entry(method: method, path: path, requirement: PermissionRequirement(permission, inProject: projectPermission))
    }

    private static let org = "/v1/organization"

    private static let organization: [Entry] = [
        entry(.get, "\(org)/groups", "api.groups.read"),
        entry(.post, "\(org)/groups", "api.groups.write"),
        entry(.get, "\(org)/groups/{group_id}", "api.groups.read"),
        entry(.post, "\(org)/groups/{group_id}", "api.groups.write"),
        entry(.delete, "\(org)/groups/{group_id}", "api.groups.write"),
        entry(.get, "\(org)/groups/{group_id}/users", "api.groups.read"),
        entry(.post, "\(org)/groups/{group_id}/users", "api.groups.write"),
        entry(.get, "\(org)/groups/{group_id}/users/{user_id}", "api.groups.read"),
        entry(.delete, "\(org)/groups/{group_id}/users/{user_id}", "api.groups.write"),
        entry(.get, "\(org)/groups/{group_id}/roles", "api.role_assignments.read"),
        entry(.post, "\(org)/groups/{group_id}/roles", "api.role_assignments.write"),
        entry(.get, "\(org)/groups/{group_id}/roles/{role_id}", "api.role_assignments.read"),
        entry(.delete, "\(org)/groups/{group_id}/roles/{role_id}", "api.role_assignments.write"),

        entry(.get, "\(org)/roles", "api.roles.read"),
        entry(.post, "\(org)/roles", "api.roles.write"),
        entry(.get, "\(org)/roles/{role_id}", "api.roles.read"),
        entry(.post, "\(org)/roles/{role_id}", "api.roles.write"),
        entry(.delete, "\(org)/roles/{role_id}", "api.roles.write"),

        entry(.get, "\(org)/users", "api.users.read"),
        entry(.get, "\(org)/users/{user_id}", "api.users.read"),
        entry(.post, "\(org)/users/{user_id}", "api.users.write"),
        entry(.delete, "\(org)/users/{user_id}", "api.users.write"),
        entry(.get, "\(org)/users/{user_id}/roles", "api.role_assignments.read"),
        entry(.post, "\(org)/users/{user_id}/roles", "api.role_assignments.write"),
        entry(.get, "\(org)/users/{user_id}/roles/{role_id}", "api.role_assignments.read"),
        entry(.delete, "\(org)/users/{user_id}/roles/{role_id}", "api.role_assignments.write"),
        entry(.get, "\(org)/users/{user_id}/permissions", "api.role_assignments.read"),
        entry(.post, "\(org)/permission_checks", "api.role_assignments.read"),

        entry(.get, "\(org)/projects", "api.projects.read"),
        entry(.post, "\(org)/projects", "api.projects.write"),
        entry(.get, "\(org)/projects/{project_id}", "api.projects.read"),
        entry(.post, "\(org)/projects/{project_id}", "api.projects.write"),
        entry(.post, "\(org)/projects/{project_id}/archive", "api.projects.write"),
        entry(.get, "\(org)/projects/{project_id}/users", "api.projects.read", inProject: "api.project.users.read"),
        entry(.post, "\(org)/projects/{project_id}/users", "api.projects.write", inProject: "api.project.users.write"),
        entry(.get, "\(org)/projects/{project_id}/users/{user_id}", "api.projects.read", inProject: "api.project.users.read"),
        entry(.post, "\(org)/projects/{project_id}/users/{user_id}", "api.projects.write", inProject: "api.project.users.write"),
        entry(.delete, "\(org)/projects/{project_id}/users/{user_id}", "api.projects.write", inProject: "api.project.users.write"),
        entry(.get, "\(org)/projects/{project_id}/groups", "api.projects.read", inProject: "api.project.groups.read"),
        entry(.post, "\(org)/projects/{project_id}/groups", "api.projects.write", inProject: "api.project.groups.write"),
        entry(.get, "\(org)/projects/{project_id}/groups/{group_id}", "api.projects.read", inProject: "api.project.groups.read"),
        entry(.delete, "\(org)/projects/{project_id}/groups/{group_id}", "api.projects.write", inProject: "api.project.groups.write"),
        entry(
            .get, "\(org)/projects/{project_id}/service_accounts", "api.projects.read",
            inProject: "api.project.service_accounts.read"),
        entry(
            .post, "\(org)/projects/{project_id}/service_accounts", "api.projects.write",
            inProject: "api.project.service_accounts.write"),
        entry(
            .get, "\(org)/projects/{project_id}/service_accounts/{service_account_id}", "api.projects.read",
            inProject: "api.project.service_accounts.read"),
        entry(
            .post, "\(org)/projects/{project_id}/service_accounts/{service_account_id}", "api.projects.write",
            inProject: "api.project.service_accounts.write"),
        entry(
            .delete, "\(org)/projects/{project_id}/service_accounts/{service_account_id}", "api.projects.write",
            inProject: "api.project.service_accounts.write"),

        entry(.get, "\(org)/projects/{project_id}/api_keys", "api.projects.read", inProject: "api.organization.projects.api_keys.read"),
        // A project member who may call models may make a key for itself (holding no more than its admin key holds).
        entry(.post, "\(org)/projects/{project_id}/api_keys", "api.projects.write", inProject: "api.model.request"),
        entry(
            .get, "\(org)/projects/{project_id}/api_keys/{key_id}", "api.projects.read",
            inProject: "api.organization.projects.api_keys.read"),
        entry(
            .post, "\(org)/projects/{project_id}/api_keys/{key_id}", "api.projects.write",
            inProject: "api.organization.projects.api_keys.write"),
        entry(
            .delete, "\(org)/projects/{project_id}/api_keys/{key_id}", "api.projects.write",
            inProject: "api.organization.projects.api_keys.write"),
        entry(
            .post, "\(org)/projects/{project_id}/service_accounts/{service_account_id}/api_keys", "api.projects.write",
            inProject: "api.organization.projects.api_keys.write"),
        // What a project's keys may call is the organization's to set: no project role grants it.
        entry(.get, "\(org)/projects/{project_id}/model_permissions", "api.projects.read"),
        entry(.post, "\(org)/projects/{project_id}/model_permissions", "api.projects.write"),
        entry(.delete, "\(org)/projects/{project_id}/model_permissions", "api.projects.write"),
        entry(.get, "\(org)/projects/{project_id}/hosted_tool_permissions", "api.projects.read"),
        entry(.post, "\(org)/projects/{project_id}/hosted_tool_permissions", "api.projects.write"),
        entry(.get, "\(org)/projects/{project_id}/rate_limits", "api.projects.read"),
        entry(.post, "\(org)/projects/{project_id}/rate_limits/{rate_limit_id}", "api.projects.write"),

        entry(.get, "\(org)/invites", "api.invites.read"),
        entry(.post, "\(org)/invites", "api.invites.write"),
        entry(.get, "\(org)/invites/{invite_id}", "api.invites.read"),
        entry(.delete, "\(org)/invites/{invite_id}", "api.invites.write"),

        entry(.get, "\(org)/admin_api_keys", "api.admin_keys.read"),
        entry(.post, "\(org)/admin_api_keys", "api.admin_keys.write"),
        entry(.get, "\(org)/admin_api_keys/{key_id}", "api.admin_keys.read"),
        entry(.delete, "\(org)/admin_api_keys/{key_id}", "api.admin_keys.write"),

        entry(.get, "\(org)/audit_logs", "api.audit_logs.read"),
    ]

    private static let project = "/v1/projects/{project_id}"

    private static let projects: [Entry] = [
        entry(.get, "\(project)/roles", "api.projects.read", inProject: "api.project.roles.read"),
        entry(.post, "\(project)/roles", "api.projects.write", inProject: "api.project.roles.write"),
        entry(.get, "\(project)/roles/{role_id}", "api.projects.read", inProject: "api.project.roles.read"),
        entry(.post, "\(project)/roles/{role_id}", "api.projects.write", inProject: "api.project.roles.write"),
        entry(.delete, "\(project)/roles/{role_id}", "api.projects.write", inProject: "api.project.roles.write"),
        entry(.get, "\(project)/users/{user_id}/roles", "api.projects.read", inProject: "api.project.role_assignments.read"),
        entry(.post, "\(project)/users/{user_id}/roles", "api.projects.write", inProject: "api.project.role_assignments.write"),
        entry(
            .get, "\(project)/users/{user_id}/roles/{role_id}", "api.projects.read",
            inProject: "api.project.role_assignments.read"),
        entry(
            .delete, "\(project)/users/{user_id}/roles/{role_id}", "api.projects.write",
            inProject: "api.project.role_assignments.write"),
        entry(.get, "\(project)/groups/{group_id}/roles", "api.projects.read", inProject: "api.project.role_assignments.read"),
        entry(.post, "\(project)/groups/{group_id}/roles", "api.projects.write", inProject: "api.project.role_assignments.write"),
        entry(
            .get, "\(project)/groups/{group_id}/roles/{role_id}", "api.projects.read",
            inProject: "api.project.role_assignments.read"),
        entry(
            .delete, "\(project)/groups/{group_id}/roles/{role_id}", "api.projects.write",
            inProject: "api.project.role_assignments.write"),
    ]

    private static let scimBase = "/scim/v2"

    private static let scim: [Entry] = [
        entry(.get, "\(scimBase)/ServiceProviderConfig", "api.scim.read"),
        entry(.get, "\(scimBase)/ResourceTypes", "api.scim.read"),
        entry(.get, "\(scimBase)/ResourceTypes/{id}", "api.scim.read"),
        entry(.get, "\(scimBase)/Schemas", "api.scim.read"),
        entry(.get, "\(scimBase)/Schemas/{id}", "api.scim.read"),
        entry(.post, "\(scimBase)/.search", "api.scim.read"),
        entry(.get, "\(scimBase)/Users", "api.scim.read"),
        entry(.post, "\(scimBase)/Users/.search", "api.scim.read"),
        entry(.post, "\(scimBase)/Users", "api.scim.write"),
        entry(.get, "\(scimBase)/Users/{id}", "api.scim.read"),
        entry(.put, "\(scimBase)/Users/{id}", "api.scim.write"),
        entry(.patch, "\(scimBase)/Users/{id}", "api.scim.write"),
        entry(.delete, "\(scimBase)/Users/{id}", "api.scim.write"),
        entry(.get, "\(scimBase)/Groups", "api.scim.read"),
        entry(.post, "\(scimBase)/Groups/.search", "api.scim.read"),
        entry(.post, "\(scimBase)/Groups", "api.scim.write"),
        entry(.get, "\(scimBase)/Groups/{id}", "api.scim.read"),
        entry(.put, "\(scimBase)/Groups/{id}", "api.scim.write"),
        entry(.patch, "\(scimBase)/Groups/{id}", "api.scim.write"),
        entry(.delete, "\(scimBase)/Groups/{id}", "api.scim.write"),
    ]
}
