import Crypto
import Foundation
import RosterModel
import RosterStore

extension Organization {
    /// The caller an admin key belongs to. The key is looked up by the SHA-256 of its secret and the stored hash is
    /// compared in constant time. An unknown key, an expired one (code `expired_api_key`) and one whose owner was
    /// deactivated (`owner_deactivated`) are `unauthenticated`. The key and its owner are read from the store on
    /// every call, so a key deleted, or whose owner was deleted or deactivated, stops working at once on every server
    /// sharing the store. The use is noted in memory, not written: `flushKeyUse()` writes it.
    public func authenticate(secret: String) async throws -> Caller {
        let timestamp = now()
        let key = try await store.read { tx in try await Self.usableKey(secret: secret, at: timestamp, in: tx).key }
        keyUses.note(key.id, at: timestamp)
        return Caller(userID: key.ownerID, keyID: key.id)
    }

    /// The key with this secret and its owner, when the key may be used at `timestamp`; `unauthenticated` otherwise
    /// (see `authenticate(secret:)`).
    static func usableKey(secret: String, at timestamp: Int, in tx: any StoreTransaction) async throws -> (key: AdminKey, owner: User) {
        let hash = hash(secret)
        guard let (key, storedHash) = try await tx.key(secretHash: hash), constantTimeEqual(storedHash, hash) else {
            throw ServiceError(.unauthenticated, "Incorrect API key provided.", code: "invalid_api_key")
        }
        let owner = try await tx.user(id: key.ownerID)
        if let expiresAt = key.expiresAt, key.isExpired(at: timestamp) {
            let when = Date(timeIntervalSince1970: TimeInterval(expiresAt)).ISO8601Format()
            throw ServiceError(
                .unauthenticated, "The API key provided expired at \(when). Create a new admin key to continue.",
                code: "expired_api_key")
        }
        guard owner.isActive else {
            throw ServiceError(
                .unauthenticated, "The API key provided belongs to a deactivated user; it no longer works.",
                code: "owner_deactivated")
        }
        return (key, owner)
    }

    /// An admin key with the user it belongs to, as the Admin API shows it.
    public struct OwnedAdminKey: Sendable {
        /// The key, its `lastUsedAt` including uses not yet written to the store.
        public let key: AdminKey
        public let owner: User
    }

    /// An admin key just created, with its secret: the only time the secret is known.
    public struct CreatedAdminKey: Sendable {
        public let key: OwnedAdminKey
        /// The whole secret, `sk-admin-` and 48 letters and digits.
        public let secret: String
    }

    /// The longest an admin key may live: 365 days, in seconds.
    public static let maximumKeyLifetime = 31_536_000

    /// Creates an admin key belonging to the caller's user, expiring `expiresInSeconds` from now (1 second to 365
    /// days) or never. Its secret is returned here once; the store keeps only its SHA-256.
    public func createAdminKey(name rawName: String, expiresInSeconds: Int?, by caller: Caller) async throws -> CreatedAdminKey {
        let name = try Self.validName(rawName, param: "name")
        if let seconds = expiresInSeconds, !(1...Self.maximumKeyLifetime).contains(seconds) {
            throw ServiceError.invalid(
                "'expires_in_seconds' must be from 1 to \(Self.maximumKeyLifetime) (365 days); got \(seconds). Leave it out for a key that does not expire.",
                param: "expires_in_seconds")
        }
        let timestamp = now()
        let secret = Self.newSecret()
        var key = Self.key(named: name, secret: secret, owner: caller.userID, now: timestamp)
        key.expiresAt = expiresInSeconds.map { timestamp + $0 }
        let owner = try await withAuditedTransaction(by: caller) { [key] tx, audit in
            let owner = try await tx.user(id: caller.userID)
            try await tx.insertKey(key, secretHash: Self.hash(secret))
            try await audit.recordKeyCreated(key)
            return owner
        }
        return CreatedAdminKey(key: OwnedAdminKey(key: key, owner: owner), secret: secret)
    }

    /// Every admin key, expired ones included, paged by identifier.
    public func adminKeys(page: PageRequest) async throws -> Page<OwnedAdminKey> {
        try await store.read { tx in
            let keys = try await tx.keys(page: page)
            var owners: [Identifier: User] = [:]
            var items: [OwnedAdminKey] = []
            for key in keys.items {
                let owner: User
                if let known = owners[key.ownerID] {
                    owner = known
                } else {
                    owner = try await tx.user(id: key.ownerID)
                    owners[key.ownerID] = owner
                }
                items.append(OwnedAdminKey(key: withRecentUse(key), owner: owner))
            }
            return Page(items: items, hasMore: keys.hasMore)
        }
    }

    /// The admin key with `id`; not-found when there is none.
    public func adminKey(id: Identifier) async throws -> OwnedAdminKey {
        try await store.read { tx in
            let key = try await tx.key(id: id)
            return OwnedAdminKey(key: withRecentUse(key), owner: try await tx.user(id: key.ownerID))
        }
    }

    /// Deletes the admin key; from the moment this returns it authenticates nothing, on any server.
    public func deleteAdminKey(id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try await tx.deleteKey(id: id)
            try await audit.record(.apiKeyDeleted, on: id)
        }
    }

    /// Writes the admin key uses noted since the last flush to the store, in one transaction, and returns how many
    /// keys it updated. When the write fails the uses are kept for the next flush.
    @discardableResult
    public func flushKeyUse() async throws -> Int {
        let batch = keyUses.beginFlush()
        guard !batch.isEmpty else { return 0 }
        do {
            try await store.withTransaction { try await $0.recordKeyUse(batch) }
        } catch {
            keyUses.endFlush(batch, written: false)
            throw error
        }
        keyUses.endFlush(batch, written: true)
        return batch.count
    }

    /// The key with its last use noted in memory and not yet written, when that is the later one.
    private func withRecentUse(_ key: AdminKey) -> AdminKey {
        guard let recent = keyUses.lastUsed(key.id) else { return key }
        var key = key
        key.lastUsedAt = max(key.lastUsedAt ?? recent, recent)
        return key
    }

    /// What `bootstrap` did.
    public struct Bootstrap: Sendable {
        /// The owner that keys made at start-up belong to.
        public let owner: User
        /// A key made because the database had none and no key was given; shown to the operator once.
        public let generatedKey: String?
    }

    /// Makes sure the organization can be administered: an owner exists (created with `ownerEmail` when there is
    /// none) and `adminKey`, when given, is a valid key of that owner. Without `adminKey`, a database with no keys
    /// gets a new one, returned so it can be printed once. Running it again changes nothing.
    public func bootstrap(adminKey: String?, ownerEmail: String) async throws -> Bootstrap {
        if let adminKey, adminKey.isEmpty {
            throw ServiceError.invalid("The admin key must not be empty.", param: "admin-key")
        }
        return try await withAuditedTransaction(by: nil) { tx, audit in
            let owner = try await Self.ensureOwner(email: ownerEmail, now: now(), in: tx, audit: audit)
            if let adminKey {
                if try await tx.key(secretHash: Self.hash(adminKey)) == nil {
                    let key = Self.key(named: "Start-up key", secret: adminKey, owner: owner.id, now: now())
                    try await tx.insertKey(key, secretHash: Self.hash(adminKey))
                    try await audit.recordKeyCreated(key)
                }
                return Bootstrap(owner: owner, generatedKey: nil)
            }
            guard try await tx.keyCount() == 0 else { return Bootstrap(owner: owner, generatedKey: nil) }
            let secret = Self.newSecret()
            let key = Self.key(named: "First owner key", secret: secret, owner: owner.id, now: now())
            try await tx.insertKey(key, secretHash: Self.hash(secret))
            try await audit.recordKeyCreated(key)
            return Bootstrap(owner: owner, generatedKey: secret)
        }
    }

    private static func ensureOwner(email: String, now: Int, in tx: any StoreTransaction, audit: AuditTrail) async throws -> User {
        if let owner = try await tx.firstOwner() { return owner }
        if let existing = try await tx.user(email: email) {
            try await setPredefinedRole(.owner, of: existing.id, in: tx)
            try await audit.record(.userUpdated, on: existing.id, changes: [("role", "owner")])
            return try await tx.user(id: existing.id)
        }
        let owner = User(id: .make(.user), email: email, name: "Roster Owner", addedAt: now, role: .owner)
        try await tx.insertUser(owner)
        try await audit.recordUserAdded(owner)
        return owner
    }

    static func key(named name: String, secret: String, owner: Identifier, now: Int) -> AdminKey {
        AdminKey(id: .make(.adminKey), name: name, ownerID: owner, redactedValue: redact(secret), createdAt: now)
    }

    /// The prefixes of the secrets Roster makes: admin keys and service account keys.
    static let secretPrefixes = (admin: "sk-admin-", serviceAccount: "sk-svcacct-")

    /// `prefix` (by default an admin key's) followed by 48 random letters and digits.
    static func newSecret(prefix: String = secretPrefixes.admin) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<48).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The secret's prefix (when it is one Roster makes) and first four characters after it, `...`, and its last four;
    /// short secrets show only their ends' shape.
    static func redact(_ secret: String) -> String {
        guard secret.count > 16 else { return String(secret.prefix(2)) + "..." }
        let known = [secretPrefixes.admin, secretPrefixes.serviceAccount].first { secret.hasPrefix($0) }
        let visiblePrefix = (known?.count ?? 0) + 4
        return String(secret.prefix(visiblePrefix)) + "..." + String(secret.suffix(4))
    }

    static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
