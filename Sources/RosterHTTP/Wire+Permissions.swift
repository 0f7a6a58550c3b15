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
            body.key("scope"); body.scope(grant.scope)
            body.key("project_id"); body.string(grant.scope.projectID?.rawValue)
            body.key("sources"); body.permissionSources(grant.sources)
        }
    }

    /// An array of `PermissionSource`s. A role's object is written once and copied into the other sources of the same
    /// role that follow it: a check's sources are often one role through many groups.
    fileprivate mutating func permissionSources(_ sources: [PermissionSource]) {
        var lastRole: (id: Identifier, written: Range<Int>)?
        array(sources) { $0.permissionSource($1, lastRole: &lastRole) }
    }

    /// `PermissionSource`: one chain — the role, the group it comes through (null when assigned to the user itself),
    /// and where the role applies — with the same chain in words.
    private mutating func permissionSource(_ source: PermissionSource, lastRole: inout (id: Identifier, written: Range<Int>)?) {
        object { body in
            body.key("role")
            if let lastRole, lastRole.id == source.role.id {
                body.repeatWritten(lastRole.written)
            } else {
                let start = body.position
                body.object { role in
                    role.key("id"); role.string(source.role.id.rawValue)
                    role.key("name"); role.string(source.role.name)
                    role.key("resource_type"); role.string(source.role.resourceType)
                    role.key("predefined_role"); role.bool(source.role.isPredefined)
                }
                lastRole = (source.role.id, start..<body.position)
            }
            body.key("principal_type"); body.string(source.group == nil ? "user" : "group")
            body.key("group")
            if let group = source.group {
                body.object { body in
                    body.key("id"); body.string(group.id.rawValue)
                    body.key("name"); body.string(group.name)
                }
            } else {
                body.null()
            }
            body.key("scope"); body.scope(source.scope)
            body.key("project_id"); body.string(source.scope.projectID?.rawValue)
            body.key("organization_owner"); body.bool(source.isOrganizationOwnership)
            body.key("description"); body.describe(source)
        }
    }

    private mutating func scope(_ scope: RoleScope) {
        string(scope.projectID == nil ? "organization" : "project")
    }

    /// "role 'Support Lead' through group 'Support' (group_…), in project 'proj_…'".
    private mutating func describe(_ source: PermissionSource) {
        string { words in
            words.stringContent("role '")
            words.stringContent(source.role.name)
            if let group = source.group {
                words.stringContent("' through group '")
                words.stringContent(group.name)
                words.stringContent("' (")
                words.stringContent(group.id.rawValue)
                words.stringContent(")")
            } else {
                words.stringContent("' assigned directly")
            }
            if let projectID = source.scope.projectID {
                words.stringContent(", in project '")
                words.stringContent(projectID.rawValue)
                words.stringContent("'")
            } else {
                words.stringContent(", in the organization")
            }
            if source.isOrganizationOwnership {
                words.stringContent("; organization owners hold every project permission in every project")
            }
        }
    }
}
