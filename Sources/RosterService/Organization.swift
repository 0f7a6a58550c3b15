import Foundation
import RosterModel
import RosterStore

/// Who is making a request: the admin key, the user it belongs to, and the permissions the key is limited to.
public struct Caller: Sendable, Equatable {
    public let userID: Identifier
    public let keyID: Identifier
    /// The key's scopes; nil for a key that may use every permission of its user.
    public let scopes: Set<String>?

    public init(userID: Identifier, keyID: Identifier, scopes: Set<String>? = nil) {
        self.userID = userID
        self.keyID = keyID
        self.scopes = scopes
    }

    /// The caller presenting `key`.
    init(_ key: AdminKey) {
        self.init(userID: key.ownerID, keyID: key.id, scopes: key.scopes.map(Set.init))
    }
}

/// The organization's rules: every use case of the Admin API, the import and the bootstrap, over one datastore.
///
/// Each write runs in one store transaction, so a use case either happens whole or not at all.
/// Requests are decided from the in-memory `policy`; every write catches the policy up before it returns, so the
/// next request sees it.
public struct Organization: Sendable {
    /// The store, whose writes catch the policy up after they commit.
    let store: any Datastore
    let now: @Sendable () -> Int
    /// Admin key uses not yet written to the store; shared by every copy of this organization.
    let keyUses = KeyUseRecorder()
    /// Project key uses not yet written to the store; shared by every copy of this organization.
    let projectKeyUses = KeyUseRecorder()
    /// What requests are decided from; shared by every copy of this organization.
    public let policy: Policy

    /// - Parameter now: the clock, in Unix seconds (tests pass a fixed one).
    public init(store: any Datastore, now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        let policy = Policy()
        self.store = PolicyFollowingStore(base: store, policy: policy)
        self.policy = policy
        self.now = now
    }

    /// Fired when another process commits a change, when the store can tell; see `Datastore.changeSignal`.
    public var changeSignal: ChangeSignal? { store.changeSignal }

    /// Loads the policy when it is not loaded yet, then brings it up to the store's latest revision; returns that
    /// revision. The server calls it at start, and `PolicyFollower` when signalled or on a timer.
    @discardableResult
    public func catchUpPolicy() async throws -> Int {
        try await policy.catchUp(from: store)
    }
}

/// A datastore whose writes bring `policy` up to date after they commit, before they return.
private struct PolicyFollowingStore: Datastore {
    let base: any Datastore
    let policy: Policy

    func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let result = try await base.withTransaction(body)
        try await policy.catchUp(from: base)
        return result
    }

    func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await base.read(body)
    }

    var changeSignal: ChangeSignal? { base.changeSignal }
}

extension Organization {
    /// Deletes the change feed's revisions older than `age` (the latest stays): a server that was not following
    /// for that long loads its policy whole. The policy follower calls it now and then.
    public func pruneChangeFeed(olderThan age: Duration) async throws {
        let cutoff = now() - Int(age.components.seconds)
        try await store.withTransaction { try await $0.pruneChanges(committedBefore: cutoff) }
    }

    /// Brings the policy to `revision` or later when the store has it (see `Policy.reach(_:from:timeout:)`); false
    /// when no server sharing the store has made that revision.
    public func reachPolicy(revision: Int, timeout: Duration) async throws -> Bool {
        try await policy.reach(revision, from: store, timeout: timeout)
    }
}
