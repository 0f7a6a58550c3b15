import RosterModel
import RosterStore

/// OpenAI's wire shapes, built from the model. Each builder names the reference schema it produces.
enum Wire {
    /// `GroupResponse` (lists, create, retrieve, update).
    static func group(_ group: Group) -> JSON {
        .object([
            ("object", "group"), ("id", .string(group.id.rawValue)), ("name", .string(group.name)),
            ("created_at", .int(group.createdAt)), ("is_scim_managed", .bool(group.isSCIMManaged)), ("group_type", "group"),
        ])
    }

    /// `Group`, as nested in a group role assignment.
    static func groupSummary(_ group: Group) -> JSON {
        .object([
            ("object", "group"), ("id", .string(group.id.rawValue)), ("name", .string(group.name)),
            ("created_at", .int(group.createdAt)), ("scim_managed", .bool(group.isSCIMManaged)),
        ])
    }

    /// `Role`.
    static func role(_ role: Role) -> JSON {
        .object([
            ("object", "role"), ("id", .string(role.id.rawValue)), ("name", .string(role.name)),
            ("description", .optional(role.description)), ("permissions", .array(role.permissions.map(JSON.string))),
            ("resource_type", .string(role.resourceType)), ("predefined_role", .bool(role.isPredefined)),
        ])
    }

    /// `AssignedRoleDetails`: a role as a principal holds it, with where it comes from.
    static func assignedRole(_ assigned: AssignedRole) -> JSON {
        let role = assigned.role
        let creator: JSON =
            role.createdBy.map {
                .object([("id", .string($0.id.rawValue)), ("name", .string($0.name)), ("email", .optional($0.email))])
            } ?? .null
        return .object([
            ("id", .string(role.id.rawValue)), ("name", .string(role.name)),
            ("description", .optional(role.description)), ("permissions", .array(role.permissions.map(JSON.string))),
            ("resource_type", .string(role.resourceType)), ("predefined_role", .bool(role.isPredefined)),
            ("created_at", .int(role.createdAt)), ("updated_at", .int(role.updatedAt)),
            ("created_by", .optional(role.createdBy?.id.rawValue)), ("created_by_user_obj", creator),
            ("metadata", .object([])),
            (
                "assignment_sources",
                .array(
                    assigned.sources.map {
                        .object([("principal_type", .string($0.type)), ("principal_id", .string($0.id.rawValue))])
                    })
            ),
        ])
    }

    /// `UserRoleAssignment`: a role just assigned to a user (organization or project role).
    static func userRoleAssignment(_ user: User, _ role: Role) -> JSON {
        .object([("object", "user.role"), ("user", Wire.user(user)), ("role", Wire.role(role))])
    }

    /// `GroupRoleAssignment`: a role just assigned to a group (organization or project role).
    static func groupRoleAssignment(_ group: Group, _ role: Role) -> JSON {
        .object([("object", "group.role"), ("group", groupSummary(group)), ("role", Wire.role(role))])
    }

    /// `User` (organization user).
    static func user(_ user: User) -> JSON {
        .object([
            ("object", "organization.user"), ("id", .string(user.id.rawValue)), ("name", .string(user.name)),
            ("email", .optional(user.email)), ("role", .optional(user.role?.rawValue)), ("added_at", .int(user.addedAt)),
            ("is_scim_managed", .bool(user.isSCIMManaged)), ("is_service_account", false),
            ("technical_level", .optional(user.technicalLevel)), ("developer_persona", .optional(user.developerPersona)),
        ])
    }

    /// `GroupUser`, an entry of a group's member list.
    static func groupUser(_ user: User) -> JSON {
        .object([("id", .string(user.id.rawValue)), ("name", .string(user.name)), ("email", .optional(user.email))])
    }

    /// `GroupMemberUser`, one member retrieved.
    static func groupMember(_ user: User) -> JSON {
        .object([
            ("id", .string(user.id.rawValue)), ("name", .string(user.name)), ("email", .optional(user.email)),
            ("picture", .null), ("is_service_account", false), ("user_type", "user"),
        ])
    }

    /// A cursor list (`…ListResource`): `next` is the last item's id while more follow, else null.
    static func list<Item>(_ page: Page<Item>, id: (Item) -> Identifier, _ item: (Item) -> JSON) -> JSON {
        let next: JSON = page.hasMore ? .optional(page.items.last.map(id)?.rawValue) : .null
        return .object([("object", "list"), ("data", .array(page.items.map(item))), ("has_more", .bool(page.hasMore)), ("next", next)])
    }

    /// A list with the ids of its ends (`…ListResponse`): `first_id` and `last_id` are null on an empty page.
    static func rangeList<Item>(_ page: Page<Item>, id: (Item) -> Identifier, _ item: (Item) -> JSON) -> JSON {
        .object([
            ("object", "list"), ("data", .array(page.items.map(item))),
            ("first_id", .optional(page.items.first.map(id)?.rawValue)), ("last_id", .optional(page.items.last.map(id)?.rawValue)),
            ("has_more", .bool(page.hasMore)),
        ])
    }

    /// A deletion acknowledgement such as `{"object": "group.deleted", "id": …, "deleted": true}`.
    static func deleted(_ object: String, id: Identifier? = nil) -> JSON {
        var members: [(String, JSON)] = [("object", .string(object))]
        if let id { members.append(("id", .string(id.rawValue))) }
        members.append(("deleted", true))
        return .object(members)
    }
}
