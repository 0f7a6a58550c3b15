/// A project: a part of the organization with its own members, roles and service accounts.
public struct Project: Hashable, Sendable {
    public var id: Identifier
    public var name: String
    public var createdAt: Int
    /// When the project was archived (Unix seconds); an archived project is read-only.
    public var archivedAt: Int?
    public var externalKeyID: String?
    /// OpenAI's data residency region name, such as `US_STORAGE_PROCESSING`, when one was chosen.
    public var residency: String?

    public init(id: Identifier, name: String, createdAt: Int, archivedAt: Int? = nil, externalKeyID: String? = nil, residency: String? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.archivedAt = archivedAt
        self.externalKeyID = externalKeyID
        self.residency = residency
    }

    public var isArchived: Bool { archivedAt != nil }
}

/// The roles every project has and that cannot be changed: `owner`, `member` and `viewer`.
public enum PredefinedProjectRole: String, Sendable, CaseIterable {
    case owner
    case member
    case viewer

    /// The permissions the role grants inside its project.
    public var permissions: [String] { Self.granted[self] ?? [] }

    /// `permissions` of each role, worked out once: the gateway asks for a service account's on every model call.
    private static let granted: [PredefinedProjectRole: [String]] = {
        let names = Permission.project.map(\.name)
        return [
            .owner: names,
            .member: names.filter { $0 == "api.model.request" || $0.hasSuffix(".read") },
            .viewer: names.filter { $0.hasSuffix(".read") },
        ]
    }()

    /// The description shown on the role.
    public var summary: String {
        switch self {
        case .owner: "Can manage everything in the project."
        case .member: "Can use the project's models and read the project."
        case .viewer: "Can read the project."
        }
    }
}

/// A user's membership of a project, with the predefined project role it holds there.
public struct ProjectMember: Hashable, Sendable {
    public var user: User
    /// `owner`, `member` or `viewer`: the predefined project role the user holds directly in the project.
    public var role: PredefinedProjectRole?
    /// When the user joined the project (Unix seconds).
    public var addedAt: Int

    public init(user: User, role: PredefinedProjectRole?, addedAt: Int) {
        self.user = user
        self.role = role
        self.addedAt = addedAt
    }
}

/// A group's access to a project, granted with a project role that its members inherit there.
public struct ProjectGroup: Hashable, Sendable {
    public var projectID: Identifier
    public var group: Group
    public var createdAt: Int

    public init(projectID: Identifier, group: Group, createdAt: Int) {
        self.projectID = projectID
        self.group = group
        self.createdAt = createdAt
    }
}

/// A non-human member of a project that calls models with its own API key.
public struct ServiceAccount: Hashable, Sendable {
    /// `owner` or `member`, or `none` for an account created without a project role.
    public enum Role: String, Sendable {
        case owner
        case member
        case none
    }

    public var id: Identifier
    public var projectID: Identifier
    public var name: String
    public var role: Role
    public var createdAt: Int

    public init(id: Identifier, projectID: Identifier, name: String, role: Role, createdAt: Int) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }
}

/// An invitation for an email address to join the organization, and optionally some projects.
public struct Invite: Hashable, Sendable {
    /// A project the invitee joins on accepting, with its project role (`owner` or `member`).
    public struct ProjectGrant: Hashable, Sendable {
        public var projectID: Identifier
        public var role: PredefinedProjectRole

        public init(projectID: Identifier, role: PredefinedProjectRole) {
            self.projectID = projectID
            self.role = role
        }
    }

    public enum Status: String, Sendable {
        case pending
        case accepted
        case expired
    }

    public var id: Identifier
    public var email: String
    public var role: PredefinedRole
    public var projects: [ProjectGrant]
    public var createdAt: Int
    public var expiresAt: Int
    public var acceptedAt: Int?

    public init(
        id: Identifier, email: String, role: PredefinedRole, projects: [ProjectGrant], createdAt: Int, expiresAt: Int,
        acceptedAt: Int? = nil
    ) {
        self.id = id
        self.email = email
        self.role = role
        self.projects = projects
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
    }

    /// `accepted` once a user with the email entered the organization, else `expired` after `expiresAt`.
    public func status(at now: Int) -> Status {
        if acceptedAt != nil { return .accepted }
        return now >= expiresAt ? .expired : .pending
    }
}

/// A project API key as stored: never the secret, only its hash (kept by the store). It belongs to a service account
/// of the project or to a user, and holds what its owner holds in the project, limited to its scopes.
public struct ProjectKey: Hashable, Sendable {
    /// Who the key acts as.
    public enum Owner: Hashable, Sendable {
        case user(Identifier)
        case serviceAccount(Identifier)

        public var id: Identifier {
            switch self {
            case .user(let id), .serviceAccount(let id): id
            }
        }
    }

    public var id: Identifier
    public var projectID: Identifier
    public var owner: Owner
    public var name: String
    /// The secret's prefix and its last four characters, for recognising it.
    public var redactedValue: String
    public var createdAt: Int
    /// When the key stops working (Unix seconds); nil for a key that never expires.
    public var expiresAt: Int?
    /// When the key last authenticated a call (Unix seconds); nil for a key never used.
    public var lastUsedAt: Int?
    /// The project permissions the key is limited to, sorted; nil for every permission its owner holds in the project.
    public var scopes: [String]?

    public init(
        id: Identifier, projectID: Identifier, owner: Owner, name: String, redactedValue: String, createdAt: Int,
        expiresAt: Int? = nil, lastUsedAt: Int? = nil, scopes: [String]? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.owner = owner
        self.name = name
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
