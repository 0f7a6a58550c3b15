/// The permission catalogue: every permission a role may hold, and what it allows.
///
/// A role may only contain permissions listed here; `owner` holds all of them and `reader` the `.read` ones of the
/// directory (`readerPermissions`).
public enum Permission {
    /// One permission of the catalogue.
    public struct Entry: Sendable, Hashable {
        /// The permission string, such as `api.groups.read`.
        public let name: String
        /// What holding the permission allows, in one sentence.
        public let summary: String
    }

    /// The organization-level permissions, in the order the documentation lists them.
    public static let organization: [Entry] = [
        Entry(name: "api.users.read", summary: "List and retrieve organization users."),
        Entry(name: "api.users.write", summary: "Change a user's organization role and remove users."),
        Entry(name: "api.groups.read", summary: "List and retrieve groups and their members."),
        Entry(name: "api.groups.write", summary: "Create, rename and delete groups; add and remove members."),
        Entry(name: "api.roles.read", summary: "List and retrieve organization roles."),
        Entry(name: "api.roles.write", summary: "Create, update and delete custom organization roles."),
        Entry(name: "api.role_assignments.read", summary: "List and retrieve the roles assigned to users and groups."),
        Entry(name: "api.role_assignments.write", summary: "Assign roles to and unassign roles from users and groups."),
        Entry(name: "api.projects.read", summary: "List and retrieve projects and their members."),
        Entry(name: "api.projects.write", summary: "Create, modify and archive projects; manage their members."),
        Entry(name: "api.invites.read", summary: "List and retrieve invites."),
        Entry(name: "api.invites.write", summary: "Send and delete invites."),
        Entry(name: "api.admin_keys.read", summary: "List and retrieve admin API keys."),
        Entry(name: "api.admin_keys.write", summary: "Create and delete admin API keys."),
        Entry(name: "api.audit_logs.read", summary: "List audit log events."),
        Entry(name: "api.scim.read", summary: "Read users and groups over SCIM."),
        Entry(name: "api.scim.write", summary: "Provision users and groups over SCIM."),
    ]

    /// The project-level permissions: what a project role (`resource_type: api.project`) may hold, inside its project.
    public static let project: [Entry] = [
        Entry(name: "api.model.request", summary: "Call models in the project."),
        Entry(name: "api.project.users.read", summary: "List and retrieve the project's users."),
        Entry(name: "api.project.users.write", summary: "Add, change and remove the project's users."),
        Entry(name: "api.project.groups.read", summary: "List and retrieve the groups with access to the project."),
        Entry(name: "api.project.groups.write", summary: "Give groups access to the project and take it away."),
        Entry(name: "api.project.roles.read", summary: "List and retrieve the project's roles."),
        Entry(name: "api.project.roles.write", summary: "Create, update and delete the project's custom roles."),
        Entry(name: "api.project.role_assignments.read", summary: "List the project roles of users and groups."),
        Entry(name: "api.project.role_assignments.write", summary: "Assign and unassign project roles."),
        Entry(name: "api.project.service_accounts.read", summary: "List and retrieve the project's service accounts."),
        Entry(name: "api.project.service_accounts.write", summary: "Create, update and delete the project's service accounts."),
        Entry(name: "api.organization.projects.api_keys.read", summary: "List and retrieve the project's API keys."),
        Entry(name: "api.organization.projects.api_keys.write", summary: "Create and delete the project's API keys."),
    ]

    /// The names of the project-level permissions.
    public static let projectNames: Set<String> = Set(project.map(\.name))

    /// The names of the organization-level permissions.
    public static let organizationNames: Set<String> = Set(organization.map(\.name))

    /// The permissions of the predefined `owner` role: all of them.
    public static var ownerPermissions: [String] { organization.map(\.name) }

    /// The permissions of the predefined `reader` role: reading the directory (users, groups, roles, role
    /// assignments, projects, invites). Admin keys, the audit log and SCIM are given through custom roles.
    public static let readerPermissions: [String] = [
        "api.users.read", "api.groups.read", "api.roles.read", "api.role_assignments.read", "api.projects.read",
        "api.invites.read",
    ]

    /// Every permission of the catalogue, organization and project.
    public static let allNames: Set<String> = organizationNames.union(projectNames)
}
