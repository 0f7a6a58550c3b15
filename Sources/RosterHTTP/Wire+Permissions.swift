import RosterModel

/// Roster's own shapes for effective permissions (not in OpenAI's reference; Roster's OpenAPI document has them).
extension Wire {
    /// `PermissionGrant`: one permission a user holds, where, and every chain that grants it.
    static func permissionGrant(_ grant: PermissionGrant) -> JSON {
        .object([
            ("object", "organization.user.permission"), ("permission", .string(grant.permission)),
            ("scope", scope(grant.scope)), ("project_id", .optional(grant.scope.projectID?.rawValue)),
            ("sources", .array(grant.sources.map(permissionSource))),
        ])
    }

    /// `PermissionCheck`: whether a user holds a permission, why, and when not, the closest roles that would grant it.
    static func permissionCheck(_ check: PermissionCheck) -> JSON {
        .object([
            ("object", "permission_check"), ("user_id", .string(check.userID.rawValue)),
            ("permission", .string(check.permission)), ("project_id", .optional(check.projectID?.rawValue)),
            ("allowed", .bool(check.allowed)), ("sources", .array(check.sources.map(permissionSource))),
            ("closest_roles", .array(check.closestRoles.map(role))), ("reason", .optional(check.reason)),
        ])
    }

    /// `PermissionSource`: one chain — the role, the group it comes through (null when assigned to the user itself),
    /// and where the role applies — with the same chain in words.
    static func permissionSource(_ source: PermissionSource) -> JSON {
        let group: JSON = source.group.map { .object([("id", .string($0.id.rawValue)), ("name", .string($0.name))]) } ?? .null
        return .object([
            (
                "role",
                .object([
                    ("id", .string(source.role.id.rawValue)), ("name", .string(source.role.name)),
                    ("resource_type", .string(source.role.resourceType)), ("predefined_role", .bool(source.role.isPredefined)),
                ])
            ),
            ("principal_type", source.group == nil ? "user" : "group"), ("group", group),
            ("scope", scope(source.scope)), ("project_id", .optional(source.scope.projectID?.rawValue)),
            ("organization_owner", .bool(source.isOrganizationOwnership)), ("description", .string(describe(source))),
        ])
    }

    private static func scope(_ scope: RoleScope) -> JSON {
        scope.projectID == nil ? "organization" : "project"
    }

    /// "role 'Support Lead' through group 'Support' (group_…), in project 'proj_…'".
    private static func describe(_ source: PermissionSource) -> String {
        var words = "role '\(source.role.name)'"
        if let group = source.group {
            words += " through group '\(group.name)' (\(group.id.rawValue))"
        } else {
            words += " assigned directly"
        }
        if let projectID = source.scope.projectID {
            words += ", in project '\(projectID.rawValue)'"
        } else {
            words += ", in the organization"
        }
        if source.isOrganizationOwnership { words += "; organization owners hold every project permission in every project" }
        return words
    }
}
