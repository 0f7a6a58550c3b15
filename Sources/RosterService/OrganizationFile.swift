/// The declarative organization file read by `roster import` and `roster serve --seed`, and written by `roster export`.
///
/// Users are named by user name (which is their email unless SCIM gave them another), roles and groups by
/// name, all case-insensitively. Importing creates what is missing and
/// makes what is listed match the file; it deletes nothing that the file does not mention.
public struct OrganizationFile: Codable, Equatable, Sendable {
    /// A custom organization role.
    public struct RoleEntry: Codable, Equatable, Sendable {
        public var name: String
        public var description: String?
        public var permissions: [String]

        public init(name: String, description: String? = nil, permissions: [String]) {
            self.name = name
            self.description = description
            self.permissions = permissions
        }
    }

    /// A user, its predefined organization role and the other roles assigned to it directly.
    public struct UserEntry: Codable, Equatable, Sendable {
        public var email: String?
        /// The user's unique name; absent means the email.
        public var userName: String?
        public var name: String?
        /// `owner` or `reader` (the default).
        public var role: String?
        /// Names of the other organization roles the user holds directly; the file's list replaces the user's.
        public var roles: [String]?
        /// False for a user the identity provider deactivated; absent means active.
        public var active: Bool?

        public init(
            email: String?, userName: String? = nil, name: String? = nil, role: String? = nil, roles: [String]? = nil,
            active: Bool? = nil
        ) {
            self.email = email
            self.userName = userName
            self.name = name
            self.role = role
            self.roles = roles
            self.active = active
        }

        /// The name the entry is matched by: its user name, else its email.
        public var key: String { userName ?? email ?? "" }

        enum CodingKeys: String, CodingKey {
            case email
            case userName = "user_name"
            case name
            case role
            case roles
            case active
        }
    }

    /// A group with its members (by user name, that is by email for most) and its roles (by name); both lists
    /// replace the group's.
    public struct GroupEntry: Codable, Equatable, Sendable {
        public var name: String
        /// Marks the group as owned by the identity provider; set only when the group is created.
        public var scimManaged: Bool?
        public var members: [String]?
        public var roles: [String]?

        public init(name: String, scimManaged: Bool? = nil, members: [String]? = nil, roles: [String]? = nil) {
            self.name = name
            self.scimManaged = scimManaged
            self.members = members
            self.roles = roles
        }

        enum CodingKeys: String, CodingKey {
            case name
            case scimManaged = "scim_managed"
            case members
            case roles
        }
    }

    public var roles: [RoleEntry]?
    public var users: [UserEntry]?
    public var groups: [GroupEntry]?

    public init(roles: [RoleEntry]? = nil, users: [UserEntry]? = nil, groups: [GroupEntry]? = nil) {
        self.roles = roles
        self.users = users
        self.groups = groups
    }
}
