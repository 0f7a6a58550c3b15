import RosterModel

/// Something the in-memory policy follows, named by the change feed when a commit touches it.
public enum PolicyEntity: Hashable, Sendable {
    /// A user: its row, its own role assignments, its group memberships or its project memberships changed.
    case user(Identifier)
    /// A group: its row, its role assignments or the projects it has access to changed.
    case group(Identifier)
    case role(Identifier)
    /// An admin key: created, deleted, or its owner, expiry or scopes changed (not its last use).
    case key(Identifier)
    /// A project: its row, its service accounts, model permissions, hosted tools or rate limits changed.
    case project(Identifier)
    /// A project API key: created, deleted, or its expiry or scopes changed (not its last use).
    case projectKey(Identifier)
    /// A model the organization knows, by its id: added, or its default limits changed.
    case model(String)
}

/// What changed after a revision the policy has applied.
public struct PolicyChanges: Sendable {
    /// The latest committed revision in the snapshot read.
    public var revision: Int
    /// Every entity touched by revisions after the one asked about, through `revision`; nil when more changed than
    /// the caller wanted to apply one by one (it then reloads everything).
    public var entities: Set<PolicyEntity>?

    public init(revision: Int, entities: Set<PolicyEntity>?) {
        self.revision = revision
        self.entities = entities
    }
}

/// The entities whose records to read; empty lists read nothing.
public struct PolicySelection: Sendable {
    public var users: [Identifier] = []
    public var groups: [Identifier] = []
    public var roles: [Identifier] = []
    public var keys: [Identifier] = []
    public var projects: [Identifier] = []
    public var projectKeys: [Identifier] = []
    public var models: [String] = []

    public init(_ entities: some Sequence<PolicyEntity>) {
        for entity in entities {
            switch entity {
            case .user(let id): users.append(id)
            case .group(let id): groups.append(id)
            case .role(let id): roles.append(id)
            case .key(let id): keys.append(id)
            case .project(let id): projects.append(id)
            case .projectKey(let id): projectKeys.append(id)
            case .model(let id): models.append(id)
            }
        }
    }
}

/// The rows the policy is made of: for a user its own role assignments, group memberships and project memberships;
/// for a group its role assignments and the projects it has access to; for a project what its keys may call. A
/// backend should let equal identifiers share one string (a group named by 100 memberships), since the policy keeps
/// them.
public struct PolicyRecords: Sendable {
    public var users: [User] = []
    /// The SCIM attributes Roster keeps for users beyond its own fields, of the users that have any.
    public var scimAttributes: [(user: Identifier, attributes: JSON)] = []
    public var userRoles: [(user: Identifier, role: Identifier)] = []
    public var memberships: [(user: Identifier, group: Identifier)] = []
    /// Users' direct project memberships.
    public var userProjects: [(user: Identifier, project: Identifier)] = []
    public var groups: [Group] = []
    public var groupRoles: [(group: Identifier, role: Identifier)] = []
    /// The projects groups have access to.
    public var groupProjects: [(group: Identifier, project: Identifier)] = []
    public var roles: [Role] = []
    public var keys: [(key: AdminKey, secretHash: [UInt8])] = []
    public var projects: [Project] = []
    /// Model permissions of the projects that set them.
    public var modelPermissions: [(project: Identifier, permissions: ModelPermissions)] = []
    public var disabledTools: [(project: Identifier, tool: HostedTool)] = []
    /// The limits projects set for models.
    public var rateLimits: [(project: Identifier, model: String, limits: RateLimits)] = []
    public var serviceAccounts: [ServiceAccount] = []
    public var projectKeys: [(key: ProjectKey, secretHash: [UInt8])] = []
    public var models: [Model] = []

    public init() {}
}

/// The change feed and the records the in-memory policy is built from.
///
/// Every committed write transaction gets a revision, a number larger than any before it, written in the same
/// transaction; the entities it touched (see `PolicyEntity`) are written with it.
public protocol PolicyStore: Sendable {
    /// The entities touched after `revision`, through the latest revision in this transaction's snapshot; `entities`
    /// is nil when more than `limit` were touched, or when the feed no longer holds every revision after `revision`
    /// (`pruneChanges`). A revision ahead of the store's gives no entities.
    func changes(after revision: Int, limit: Int) async throws -> PolicyChanges

    /// Deletes the feed's revisions committed before `time` (Unix seconds) but the latest, with their entities; a
    /// policy still behind them then loads whole. Revisions keep growing from the latest.
    func pruneChanges(committedBefore time: Int) async throws

    /// The records of the entities in `selection` that exist (an entity missing from the result was deleted), or of
    /// the whole organization when `selection` is nil.
    func policyRecords(_ selection: PolicySelection?) async throws -> PolicyRecords
}

extension PolicyStore {
    /// The latest revision in this transaction's snapshot (0 before any write).
    public func latestRevision() async throws -> Int {
        // No revision is ahead of the store's, so this reads only the latest one.
        try await changes(after: .max, limit: 0).revision
    }
}
