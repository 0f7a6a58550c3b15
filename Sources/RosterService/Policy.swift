import Dispatch
import RosterModel
import RosterStore
import Synchronization

/// What requests are decided from: every admin key, user, group membership, role assignment and project, in memory,
/// current to one revision of the store's change feed.
///
/// The policy is loaded whole on first use, then kept current by `catchUp(from:)`, which applies the entities the
/// change feed names since the revision it holds, read from one snapshot of the store, so that it never holds half of
/// a transaction. Every write of the organization catches up before it returns (read-your-writes), and a follower
/// catches up on a timer for writes made by other processes on the same store (`PolicyFollower`).
public final class Policy: Sendable {
    private let state = Mutex(PolicyState())
    /// The state's revision, readable without the lock; -1 until the policy is loaded.
    private let appliedRevision = Atomic<Int>(-1)
    private let catchUps = CatchUpQueue()

    /// How many changed entities a catch-up applies one by one; past that it reloads everything.
    static let changeLimit = 10_000

    public init() {}

    /// The revision the policy holds; 0 before it is loaded.
    public var revision: Int { max(0, appliedRevision.load(ordering: .acquiring)) }

    /// Runs `body` with the policy as it is now; the policy does not change while `body` runs, so keep it short.
    func withState<T>(_ body: (borrowing PolicyState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    /// Loads the policy when it is not loaded yet.
    func loadIfNeeded(from store: any Datastore) async throws {
        if appliedRevision.load(ordering: .acquiring) < 0 { try await catchUp(from: store) }
    }

    /// Brings the policy up to the latest revision the store has committed when this is called, and returns the
    /// revision it then holds. Concurrent callers share catch-ups: each waits for one that began after it called.
    @discardableResult
    public func catchUp(from store: any Datastore) async throws -> Int {
        try await catchUps.run { try await self.load(from: store) }
    }

    private func load(from store: any Datastore) async throws -> Int {
        let loaded = appliedRevision.load(ordering: .acquiring)
        let applied = loaded < 0 ? nil : loaded
        let update = try await store.read { tx -> (revision: Int, selection: PolicySelection?, records: PolicyRecords)? in
            guard let applied else {
                return (try await tx.latestRevision(), nil, try await tx.policyRecords(nil))
            }
            let changes = try await tx.changes(after: applied, limit: Self.changeLimit)
            guard changes.revision > applied else { return nil }
            let selection = changes.entities.map(PolicySelection.init)
            return (changes.revision, selection, try await tx.policyRecords(selection))
        }
        guard let update else { return applied ?? 0 }
        // A whole policy is built before the lock is taken, so decisions go on meanwhile, and off the caller's thread:
        // an event loop (`--task-executor event-loops`) or a thread of Swift's small pool, whose requests would wait
        // for the build (seconds for a large organization).
        let built = update.selection == nil ? await Self.build(update.records, revision: update.revision) : nil
        let revision = state.withLock { state in
            if let built {
                state = built
            } else if let selection = update.selection {
                state.apply(update.records, replacing: selection, revision: update.revision)
            }
            return state.revision
        }
        appliedRevision.store(revision, ordering: .releasing)
        return revision
    }

    /// A whole policy from `records`, built on one of Dispatch's global threads.
    private static func build(_ records: PolicyRecords, revision: Int) async -> PolicyState {
        await withCheckedContinuation { built in
            DispatchQueue.global().async { built.resume(returning: PolicyState(records, revision: revision)) }
        }
    }

    /// Brings the policy to `revision` or later when the store has it. A catch-up reaches the store's latest revision,
    /// so when that is short of `revision` no server sharing the store has made it yet, and the answer is false at
    /// once; while the store cannot be read, it tries again for at most `timeout`, then throws.
    public func reach(_ revision: Int, from store: any Datastore, timeout: Duration) async throws -> Bool {
        if self.revision >= revision { return true }
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await catchUp(from: store) >= revision
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// Runs catch-ups one at a time; a caller joins the one waiting to start, or queues a new one.
private actor CatchUpQueue {
    private var waiting: Task<Int, any Error>?
    private var running: Task<Int, any Error>?

    func run(_ work: @escaping @Sendable () async throws -> Int) async throws -> Int {
        if let waiting { return try await waiting.value }
        let previous = running
        let task = Task {
            _ = try? await previous?.value
            self.start()
            return try await work()
        }
        waiting = task
        return try await task.value
    }

    private func start() {
        running = waiting
        waiting = nil
    }
}

/// The policy's contents: see `Policy`.
struct PolicyState {
    struct Member {
        var user: User
        /// The roles assigned to the user itself, any scope.
        var roles: [Identifier] = []
        var groups: [Identifier] = []
        /// The projects the user is a direct member of.
        var projects: [Identifier] = []
        /// What SCIM keeps of the user beyond Roster's own fields.
        var scimAttributes: JSON?
    }

    struct Team {
        let group: Group
        /// The group as explanations show it, made once.
        let summary: PermissionSource.GroupSummary
        /// The roles assigned to the group, any scope.
        var roles: [Identifier] = []
        /// The projects the group has access to.
        var projects: [Identifier] = []

        init(group: Group) {
            self.group = group
            summary = PermissionSource.GroupSummary(group)
        }
    }

    /// A project and what its keys may call.
    struct Venue {
        var project: Project
        var modelPermissions = ModelPermissions.everyModel
        var disabledTools: Set<HostedTool> = []
        /// The limits the project set, by model; other models have their defaults.
        var rateLimits: [String: RateLimits] = [:]
        /// The project's service accounts.
        var serviceAccounts: [Identifier: ServiceAccount] = [:]
    }

    private(set) var revision = 0
    private(set) var users: [Identifier: Member] = [:]
    private(set) var groups: [Identifier: Team] = [:]
    private(set) var roles: [Identifier: PolicyRole] = [:]
    /// `roles` by scope and by the permissions they grant, for the closest roles of a denied check.
    private var rolesGranting: [RoleScope: [String: [PolicyRole]]] = [:]
    private(set) var projects: [Identifier: Venue] = [:]
    /// Keys by the SHA-256 of their secret.
    private(set) var keys: [[UInt8]: AdminKey] = [:]
    private var keyHashes: [Identifier: [UInt8]] = [:]
    /// Project API keys by the SHA-256 of their secret.
    private(set) var projectKeys: [[UInt8]: ProjectKey] = [:]
    private var projectKeyHashes: [Identifier: [UInt8]] = [:]
    /// The default limits of the models the organization knows, by model id.
    private(set) var models: [String: RateLimits] = [:]

    init() {}

    init(_ records: PolicyRecords, revision: Int) {
        self.revision = revision
        insert(records)
        indexRoles()
    }

    /// Replaces the entities of `selection` with `records` (an entity without a record was deleted).
    mutating func apply(_ records: PolicyRecords, replacing selection: PolicySelection, revision: Int) {
        for id in selection.users { users[id] = nil }
        for id in selection.groups { groups[id] = nil }
        for id in selection.roles { roles[id] = nil }
        for id in selection.projects { projects[id] = nil }
        for id in selection.keys {
            if let hash = keyHashes.removeValue(forKey: id) { keys[hash] = nil }
        }
        for id in selection.models { models[id] = nil }
        for id in selection.projectKeys {
            if let hash = projectKeyHashes.removeValue(forKey: id) { projectKeys[hash] = nil }
        }
        insert(records)
        if !selection.roles.isEmpty { indexRoles() }
        self.revision = revision
    }

    private mutating func insert(_ records: PolicyRecords) {
        users.reserveCapacity(users.count + records.users.count)
        groups.reserveCapacity(groups.count + records.groups.count)
        for group in records.groups { groups[group.id] = Team(group: group) }
        for (groupID, roleID) in records.groupRoles { groups[groupID]?.roles.append(roleID) }
        for role in records.roles { roles[role.id] = PolicyRole(role) }
        for user in records.users { users[user.id] = Member(user: user) }
        for (userID, attributes) in records.scimAttributes { users[userID]?.scimAttributes = attributes }
        for (userID, roleID) in records.userRoles { users[userID]?.roles.append(roleID) }
        // Memberships come by user: each user's are appended at once.
        var start = records.memberships.startIndex
        while start < records.memberships.endIndex {
            let userID = records.memberships[start].0
            var end = start + 1
            while end < records.memberships.endIndex, records.memberships[end].0 == userID { end += 1 }
            users[userID]?.groups.append(contentsOf: records.memberships[start..<end].lazy.map(\.1))
            start = end
        }
        for (userID, projectID) in records.userProjects { users[userID]?.projects.append(projectID) }
        for (groupID, projectID) in records.groupProjects { groups[groupID]?.projects.append(projectID) }
        for (key, hash) in records.keys {
            keys[hash] = key
            keyHashes[key.id] = hash
        }
        for project in records.projects { projects[project.id] = Venue(project: project) }
        for (projectID, permissions) in records.modelPermissions { projects[projectID]?.modelPermissions = permissions }
        for (projectID, tool) in records.disabledTools { projects[projectID]?.disabledTools.insert(tool) }
        for (projectID, model, limits) in records.rateLimits { projects[projectID]?.rateLimits[model] = limits }
        for account in records.serviceAccounts { projects[account.projectID]?.serviceAccounts[account.id] = account }
        for model in records.models { models[model.id] = model.defaultLimits }
        for (key, hash) in records.projectKeys {
            projectKeys[hash] = key
            projectKeyHashes[key.id] = hash
        }
    }

    /// Whether `member` is active and a member of the project, directly or through a group with access to it.
    func hasAccess(_ member: Member, to projectID: Identifier) -> Bool {
        guard member.user.isActive else { return false }
        if member.projects.contains(projectID) { return true }
        return member.groups.contains { groups[$0]?.projects.contains(projectID) ?? false }
    }

    /// `member`'s assignments in `scope` of the roles `included` accepts, each as the source of what the role grants
    /// (`ownership` marks them as the organization owner's hold on every project): by role identifier, and for each
    /// role the user's own assignment first, then its groups' by identifier. Made flat, one source per assignment:
    /// a check explains one permission, often one role through many groups.
    func sources(
        of member: Member, in scope: RoleScope, ownership: Bool = false, where included: (PolicyRole) -> Bool
    ) -> [PermissionSource] {
        var sources: [PermissionSource] = []
        // Groups often hold the same role: the last one found is reused without hashing its identifier again.
        var lastFound: (id: Identifier, role: PolicyRole?)?
        func add(_ roleID: Identifier, _ group: PermissionSource.GroupSummary?) {
            let found = lastFound.flatMap { $0.id == roleID ? $0.role : nil } ?? roles[roleID]
            lastFound = (roleID, found)
            guard let role = found, role.scope == scope, included(role) else { return }
            sources.append(PermissionSource(role: role.summary, group: group, isOrganizationOwnership: ownership))
        }
        for roleID in member.roles { add(roleID, nil) }
        for groupID in member.groups {
            // The group is read where it is, not copied out of the dictionary: a copy would retain each of its fields.
            guard let index = groups.index(forKey: groupID) else { continue }
            let roleIDs = groups.values[index].roles
            guard !roleIDs.isEmpty else { continue }
            let summary = groups.values[index].summary
            for roleID in roleIDs { add(roleID, summary) }
        }
        sources.sort { first, second in
            if first.role !== second.role { return first.role.id.rawValue < second.role.id.rawValue }
            switch (first.group, second.group) {
            case (nil, _?): return true
            case let (first?, second?): return first.id.rawValue < second.id.rawValue
            default: return false
            }
        }
        return sources
    }

    /// The groups of each of `userIDs` that has any, by group identifier: what the store's `groups(ofUsers:)` answers
    /// at this revision.
    func groups(ofUsers userIDs: [Identifier]) -> [Identifier: [Group]] {
        var result: [Identifier: [Group]] = [:]
        for userID in userIDs {
            guard let member = users[userID], !member.groups.isEmpty else { continue }
            result[userID] = member.groups.sorted { $0.rawValue < $1.rawValue }.compactMap { groups[$0]?.group }
        }
        return result
    }

    /// Whether `member` holds `permission`: an organization permission in the organization, a project permission in
    /// project `projectID`. The decision `Organization.grants(of:in:_:)` explains, without building the explanation.
    func holds(_ member: Member, _ permission: String, in projectID: Identifier?) -> Bool {
        guard member.user.isActive, let bit = PermissionSet.bit(permission) else { return false }
        let scope: RoleScope
        if PermissionSet.everyProjectPermission.contains(bit: bit) {
            guard let projectID else { return false }
            scope = .project(projectID)
        } else {
            scope = .organization
        }
        func grants(_ roleID: Identifier) -> Bool { roles[roleID]?.grants(in: scope).contains(bit: bit) ?? false }
        if member.roles.contains(where: grants) { return true }
        return member.groups.contains { groups[$0]?.roles.contains(where: grants) ?? false }
    }

    /// Every permission `member` holds in `scope` (the decision of `holds(_:_:in:)` for all of them at once).
    func heldPermissions(_ member: Member, in scope: RoleScope) -> PermissionSet {
        var held = PermissionSet()
        guard member.user.isActive else { return held }
        for roleID in member.roles { roles[roleID].map { held.formUnion($0.grants(in: scope)) } }
        for groupID in member.groups {
            for roleID in groups[groupID]?.roles ?? [] { roles[roleID].map { held.formUnion($0.grants(in: scope)) } }
        }
        return held
    }

    /// The roles of `scope` that grant `permission`.
    func roles(in scope: RoleScope, granting permission: String) -> [PolicyRole] {
        rolesGranting[scope]?[permission] ?? []
    }

    /// Indexes the roles by scope and permission; run whenever roles change (rarely: they are few and seldom edited).
    private mutating func indexRoles() {
        var index: [RoleScope: [String: [PolicyRole]]] = [:]
        for entry in roles.values {
            for permission in entry.role.grantedPermissions { index[entry.scope, default: [:]][permission, default: []].append(entry) }
        }
        rolesGranting = index
    }
}

/// A role as the policy holds it, with what decisions ask of it worked out once: a reference, so that a decision
/// reading it copies nothing.
final class PolicyRole: Sendable {
    let role: Role
    let scope: RoleScope
    /// `role.grantedPermissions`.
    let granted: PermissionSet
    let isOrganizationOwner: Bool
    /// The name lower-cased: how the closest roles are ordered.
    let sortName: String
    /// The role as explanations show it, made once.
    let summary: PermissionSource.Summary

    init(_ role: Role) {
        self.role = role
        scope = role.scope
        granted = PermissionSet(role.grantedPermissions)
        isOrganizationOwner = role.isOrganizationOwner
        sortName = role.name.lowercased()
        summary = PermissionSource.Summary(role)
    }

    /// What the role grants in `scope`: its permissions in its own scope, and for the organization's `owner` every
    /// project permission in every project.
    func grants(in scope: RoleScope) -> PermissionSet {
        if scope == self.scope { return granted }
        if case .project = scope, isOrganizationOwner { return .everyProjectPermission }
        return PermissionSet()
    }
}
