/// One way a user holds a permission: a role, assigned to the user directly or to one of its groups, applying in a
/// scope. Its role and group are shared references, made once per policy entry: a check may list many sources, and
/// copying one copies two pointers.
public struct PermissionSource: Hashable, Sendable {
    /// The role that grants the permission, as an explanation names it.
    public var role: Summary
    /// The group the user holds the role through; nil when the role is assigned to the user itself.
    public var group: GroupSummary?
    /// True for a project permission held because `role` is the organization's `owner`, which holds every project
    /// permission in every project.
    public var isOrganizationOwnership: Bool

    public init(role: Summary, group: GroupSummary?, isOrganizationOwnership: Bool = false) {
        self.role = role
        self.group = group
        self.isOrganizationOwnership = isOrganizationOwnership
    }

    /// What an explanation shows of a role.
    public final class Summary: Hashable, Sendable {
        public let id: Identifier
        public let name: String
        public let resourceType: String
        public let isPredefined: Bool
        /// The project a project role belongs to; nil for organization roles.
        public let projectID: Identifier?
        /// The parts of a source's JSON that come from its role, written once and copied into every source naming
        /// it: `{"role":{"id":…,"name":…,"resource_type":…,"predefined_role":…}`; `,"scope":…,"project_id":…`;
        /// `,"description":"role '<name>` and `, in the organization` (or `, in project '<id>'`), escaped.
        public let sourceOpening: [UInt8]
        public let sourcePlace: [UInt8]
        public let descriptionOpening: [UInt8]
        public let descriptionPlace: [UInt8]

        public init(_ role: Role) {
            id = role.id
            name = role.name
            resourceType = role.resourceType
            isPredefined = role.isPredefined
            projectID = role.projectID
            var opening = JSONWriter(capacity: 128 + role.name.utf8.count)
            opening.raw(#"{"role":"#)
            opening.object { object in
                object.key("id"); object.string(role.id.rawValue)
                object.key("name"); object.string(role.name)
                object.key("resource_type"); object.string(role.resourceType)
                object.key("predefined_role"); object.bool(role.isPredefined)
            }
            sourceOpening = opening.bytes
            var place = JSONWriter(capacity: 96)
            place.raw(#","scope":"#)
            place.string(role.scope.name)
            place.raw(#","project_id":"#)
            place.string(role.projectID?.rawValue)
            sourcePlace = place.bytes
            var description = JSONWriter(capacity: 64 + role.name.utf8.count)
            description.raw(#","description":"role '"#)
            description.stringContent(role.name)
            descriptionOpening = description.bytes
            var words = JSONWriter(capacity: 64)
            if let projectID = role.projectID {
                words.raw(", in project '")
                words.stringContent(projectID.rawValue)
                words.raw("'")
            } else {
                words.raw(", in the organization")
            }
            descriptionPlace = words.bytes
        }

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            (lhs.id, lhs.name, lhs.resourceType, lhs.isPredefined, lhs.projectID)
                == (rhs.id, rhs.name, rhs.resourceType, rhs.isPredefined, rhs.projectID)
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }

    /// What an explanation shows of a group.
    public final class GroupSummary: Hashable, Sendable {
        public let id: Identifier
        public let name: String
        /// The parts of a source's JSON that come from its group, written once and copied into every source naming
        /// it: `,"principal_type":"group","group":{"id":…,"name":…}` and, inside the description,
        /// `' through group '<name>' (<id>)`, escaped.
        public let sourcePrincipal: [UInt8]
        public let descriptionThrough: [UInt8]

        public init(_ group: Group) {
            id = group.id
            name = group.name
            var principal = JSONWriter(capacity: 96 + group.name.utf8.count)
            principal.raw(#","principal_type":"group","group":"#)
            principal.object { object in
                object.key("id"); object.string(group.id.rawValue)
                object.key("name"); object.string(group.name)
            }
            sourcePrincipal = principal.bytes
            var through = JSONWriter(capacity: 64 + group.name.utf8.count)
            through.raw("' through group '")
            through.stringContent(group.name)
            through.raw("' (")
            through.stringContent(group.id.rawValue)
            through.raw(")")
            descriptionThrough = through.bytes
        }

        public static func == (lhs: GroupSummary, rhs: GroupSummary) -> Bool { lhs.id == rhs.id && lhs.name == rhs.name }

        public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }
}

/// A permission a user holds, with every way it holds it.
public struct PermissionGrant: Hashable, Sendable {
    public var permission: String
    /// Where the permission is held: the organization for organization permissions, the project asked about for
    /// project permissions.
    public var scope: RoleScope
    /// Every role, direct or through a group, that grants it; never empty.
    public var sources: [PermissionSource]

    public init(permission: String, scope: RoleScope, sources: [PermissionSource]) {
        self.permission = permission
        self.scope = scope
        self.sources = sources
    }
}

/// Whether a user holds one permission in one scope, and why (or why not).
public struct PermissionCheck: Hashable, Sendable {
    public var userID: Identifier
    public var permission: String
    /// The project asked about, for a project permission; nil for an organization permission.
    public var projectID: Identifier?
    public var allowed: Bool
    /// The grants that allow it; empty when denied.
    public var sources: [PermissionSource]
    /// When denied: the roles of the permission's scope that grant it, closest first (fewest permissions the user
    /// does not hold already, then fewest permissions); empty when allowed or when no role would help.
    public var closestRoles: [Role]
    /// When denied, why, in one sentence.
    public var reason: String?

    public init(
        userID: Identifier, permission: String, projectID: Identifier?, allowed: Bool, sources: [PermissionSource],
        closestRoles: [Role] = [], reason: String? = nil
    ) {
        self.userID = userID
        self.permission = permission
        self.projectID = projectID
        self.allowed = allowed
        self.sources = sources
        self.closestRoles = closestRoles
        self.reason = reason
    }
}

/// What one operation needs from its caller: an organization permission, or, for an operation under a project, that
/// project's permission `project` held in that project instead.
public struct PermissionRequirement: Hashable, Sendable {
    /// The organization permission that allows the operation everywhere.
    public var organization: String
    /// The project permission that allows the operation inside the project it names; nil when only `organization` does.
    public var project: String?

    public init(_ organization: String, inProject project: String? = nil) {
        self.organization = organization
        self.project = project
    }
}

extension Role {
    /// The permissions the role grants. A predefined role grants what the catalogue gives it today (so a permission
    /// added to the catalogue reaches `owner` in databases made before it); a custom role what it was given.
    public var grantedPermissions: [String] {
        guard isPredefined else { return permissions }
        switch scope {
        case .organization: return PredefinedRole(rawValue: name)?.permissions ?? permissions
        case .project: return PredefinedProjectRole(rawValue: name)?.permissions ?? permissions
        }
    }

    /// True for the organization's predefined `owner`, which holds every permission of the organization and of every
    /// project.
    public var isOrganizationOwner: Bool {
        isPredefined && scope == .organization && name == PredefinedRole.owner.rawValue
    }
}
