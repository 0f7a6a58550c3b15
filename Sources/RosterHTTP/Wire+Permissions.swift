import Hummingbird
import RosterModel

/// Roster's own shapes for effective permissions (not in OpenAI's reference; Roster's OpenAPI document has them).
/// Written straight to bytes (`JSONWriter`): a permission check is answered on every gateway-style call, and its
/// sources are many small objects.
extension Wire {
    /// `PermissionList`: every permission a user holds (`grants`), for `GET …/users/{user_id}/permissions`.
    static func permissionList(userID: Identifier, projectID: Identifier?, _ grants: [PermissionGrant]) -> ByteBuffer {
        var writer = JSONWriter(capacity: 4096)
        writer.object { list in
            list.key("object"); list.string("list")
            list.key("user_id"); list.string(userID.rawValue)
            list.key("project_id"); list.string(projectID?.rawValue)
            list.key("data"); list.array(grants) { $0.permissionGrant($1) }
        }
        return ByteBuffer(writer: writer)
    }

    /// `PermissionCheck`: whether a user holds a permission, why, and when not, the closest roles that would grant it.
    static func permissionCheck(_ check: PermissionCheck) -> ByteBuffer {
        var writer = JSONWriter(capacity: 1024 + 512 * check.sources.count)
        writer.object { body in
            body.key("object"); body.string("permission_check")
            body.key("user_id"); body.string(check.userID.rawValue)
            body.key("permission"); body.string(check.permission)
            body.key("project_id"); body.string(check.projectID?.rawValue)
            body.key("allowed"); body.bool(check.allowed)
            body.key("sources"); body.permissionSources(check.sources)
            body.key("closest_roles"); body.array(check.closestRoles) { $0.value(Wire.role($1)) }
            body.key("reason"); body.string(check.reason)
        }
        return ByteBuffer(writer: writer)
    }
}

extension JSONWriter {
    /// `PermissionGrant`: one permission a user holds, where, and every chain that grants it.
    fileprivate mutating func permissionGrant(_ grant: PermissionGrant) {
        object { body in
            body.key("object"); body.string("organization.user.permission")
            body.key("permission"); body.string(grant.permission)
            body.key("scope"); body.string(grant.scope.name)
            body.key("project_id"); body.string(grant.scope.projectID?.rawValue)
            body.key("sources"); body.permissionSources(grant.sources)
        }
    }

    /// An array of `PermissionSource`s.
    fileprivate mutating func permissionSources(_ sources: [PermissionSource]) {
        array(sources) { $0.permissionSource($1) }
    }

    /// `PermissionSource`: one chain — the role, the group it comes through (null when assigned to the user itself),
    /// and where the role applies — with the same chain in words ("role 'Support Lead' through group 'Support'
    /// (group_…), in the organization"). A check's sources are often one role through many groups, so the parts that
    /// come from the role and the group were written when the policy made their summaries, and are copied here.
    private mutating func permissionSource(_ source: PermissionSource) {
        let role = source.role
        raw(role.sourceOpening)
        if let group = source.group {
            raw(group.sourcePrincipal)
        } else {
            raw(#","principal_type":"user","group":null"#)
        }
        raw(role.sourcePlace)
        raw(source.isOrganizationOwnership ? #","organization_owner":true"# : #","organization_owner":false"#)
        raw(role.descriptionOpening)
        if let group = source.group {
            raw(group.descriptionThrough)
        } else {
            raw("' assigned directly")
        }
        raw(role.descriptionPlace)
        if source.isOrganizationOwnership {
            raw("; organization owners hold every project permission in every project")
        }
        raw(#""}"#)
    }
}
