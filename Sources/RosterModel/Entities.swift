/// Who a role was assigned to: a user directly, or a group whose members inherit it.
public enum Principal: Hashable, Sendable {
    case user(Identifier)
    case group(Identifier)

    /// `user` or `group`, as OpenAI's `assignment_sources[].principal_type` spells it.
    public var type: String {
        switch self {
        case .user: "user"
        case .group: "group"
        }
    }

    /// The principal's identifier.
    public var id: Identifier {
        switch self {
        case .user(let id), .group(let id): id
        }
    }
}

/// The organization roles every organization has and that cannot be changed: `owner` and `reader`.
public enum PredefinedRole: String, Sendable, CaseIterable {
    case owner
    case reader

    /// The permissions the role grants.
    public var permissions: [String] {
        switch self {
        case .owner: Permission.ownerPermissions
        case .reader: Permission.readerPermissions
        }
    }

    /// The description shown on the role.
    public var summary: String {
        switch self {
        case .owner: "Can manage everything in the organization."
        case .reader: "Can read the directory: users, groups, roles, role assignments, projects and invites."
        }
    }
}

/// The resource a role applies to: `api.organization` for organization roles, `api.project` for project roles.
public enum ResourceType {
    public static let organization = "api.organization"
    public static let project = "api.project"
}

/// Where a role applies: the whole organization, or one project.
public enum RoleScope: Hashable, Sendable {
    case organization
    case project(Identifier)

    /// The `resource_type` of roles in this scope.
    public var resourceType: String {
        switch self {
        case .organization: ResourceType.organization
        case .project: ResourceType.project
        }
    }

    /// The scope as explanations name it: `organization` or `project`.
    public var name: String {
        switch self {
        case .organization: "organization"
        case .project: "project"
        }
    }

    /// The project, for a project scope.
    public var projectID: Identifier? {
        if case .project(let id) = self { return id }
        return nil
    }
}

/// A person in the organization.
public struct User: Hashable, Sendable {
    public var id: Identifier
    /// Nil for a user the identity provider provisioned without one.
    public var email: String?
    public var name: String
    /// When the user joined the organization (Unix seconds); OpenAI's `added_at`.
    public var addedAt: Int
    /// The predefined organization role the user holds directly, if any; `owner` wins over `reader`.
    public var role: PredefinedRole?
    /// True when the user belongs to the identity provider (provisioned over SCIM).
    public var isSCIMManaged: Bool
    public var technicalLevel: String?
    public var developerPersona: String?
    /// The identity provider's unique name for the user (SCIM `userName`); the email unless SCIM set another.
    public var userName: String
    /// The identity provider's own identifier for the user (SCIM `externalId`).
    public var externalID: String?
    /// False once the identity provider deactivated the user (SCIM `active: false`): it keeps its id but drops
    /// out of the users list.
    public var isActive: Bool
    /// Counts the changes to the user's own fields (the store bumps it); SCIM's ETag.
    public var version: Int
    /// When the user's own fields last changed (Unix seconds); SCIM's `lastModified`.
    public var updatedAt: Int

    public init(
        id: Identifier, email: String?, name: String, addedAt: Int, role: PredefinedRole? = nil,
        isSCIMManaged: Bool = false, technicalLevel: String? = nil, developerPersona: String? = nil,
        userName: String? = nil, externalID: String? = nil, isActive: Bool = true, version: Int = 1, updatedAt: Int? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.addedAt = addedAt
        self.role = role
        self.isSCIMManaged = isSCIMManaged
        self.technicalLevel = technicalLevel
        self.developerPersona = developerPersona
        self.userName = userName ?? email ?? id.rawValue
        self.externalID = externalID
        self.isActive = isActive
        self.version = version
        self.updatedAt = updatedAt ?? addedAt
    }
}

/// A user as other objects refer to it (`created_by_user_obj`).
public struct UserReference: Hashable, Sendable {
    public var id: Identifier
    public var name: String
    public var email: String?

    public init(id: Identifier, name: String, email: String?) {
        self.id = id
        self.name = name
        self.email = email
    }
}

/// A named set of users that roles can be assigned to.
public struct Group: Hashable, Sendable {
    public var id: Identifier
    public var name: String
    public var createdAt: Int
    /// True when the group belongs to the identity provider: the Admin API may not rename, delete or change its members.
    public var isSCIMManaged: Bool
    /// The identity provider's own identifier for the group (SCIM `externalId`).
    public var externalID: String?
    /// Counts the changes to the group, its name and its members (the store bumps it); SCIM's ETag.
    public var version: Int
    /// When the group or its members last changed (Unix seconds); SCIM's `lastModified`.
    public var updatedAt: Int

    public init(
        id: Identifier, name: String, createdAt: Int, isSCIMManaged: Bool = false, externalID: String? = nil,
        version: Int = 1, updatedAt: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.isSCIMManaged = isSCIMManaged
        self.externalID = externalID
        self.version = version
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// A named set of permissions.
public struct Role: Hashable, Sendable {
    public var id: Identifier
    public var name: String
    public var description: String?
    /// Sorted, without duplicates.
    public var permissions: [String]
    public var resourceType: String
    /// True for `owner` and `reader`, which can be neither updated nor deleted.
    public var isPredefined: Bool
    public var createdAt: Int
    public var updatedAt: Int
    /// The user who created the role; nil for predefined and imported roles, or once that user is deleted.
    public var createdBy: UserReference?
    /// The project a project role belongs to; nil for organization roles.
    public var projectID: Identifier?

    /// Where the role applies.
    public var scope: RoleScope { projectID.map(RoleScope.project) ?? .organization }

    public init(
        id: Identifier, name: String, description: String?, permissions: [String], resourceType: String,
        isPredefined: Bool, createdAt: Int, updatedAt: Int, createdBy: UserReference?, projectID: Identifier? = nil
    ) {
        self.projectID = projectID
        self.id = id
        self.name = name
        self.description = description
        self.permissions = permissions
        self.resourceType = resourceType
        self.isPredefined = isPredefined
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
    }
}

/// A role a principal holds, with every assignment it holds it through.
public struct AssignedRole: Hashable, Sendable {
    public var role: Role
    /// Where the role comes from: the user itself and/or groups the user belongs to; never empty.
    public var sources: [Principal]

    public init(role: Role, sources: [Principal]) {
        self.role = role
        self.sources = sources
    }
}

/// An admin API key as stored: never the secret, only its hash.
public struct AdminKey: Hashable, Sendable {
    public var id: Identifier
    public var name: String
    /// The user the key acts as.
    public var ownerID: Identifier
    /// The secret's prefix and its last four characters, for recognising it.
    public var redactedValue: String
    public var createdAt: Int
    /// When the key stops working (Unix seconds); nil for a key that never expires.
    public var expiresAt: Int?
    /// When the key last authenticated a request (Unix seconds); nil for a key never used.
    public var lastUsedAt: Int?
    /// The catalogue permissions the key is limited to, sorted; nil for a key that may use every permission its user
    /// holds. A key holds, in each scope, what its user holds there and its scopes allow.
    public var scopes: [String]?

    public init(
        id: Identifier, name: String, ownerID: Identifier, redactedValue: String, createdAt: Int, expiresAt: Int? = nil,
        lastUsedAt: Int? = nil, scopes: [String]? = nil
    ) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.redactedValue = redactedValue
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.scopes = scopes
    }

    /// Whether the key no longer works at `now` (Unix seconds): true from `expiresAt` on.
    public func isExpired(at now: Int) -> Bool {
        expiresAt.map { now >= $0 } ?? false
    }
}
