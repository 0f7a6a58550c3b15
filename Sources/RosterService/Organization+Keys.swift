import Crypto
import Foundation
import RosterModel
import RosterStore

extension Organization {
    /// The caller an admin key belongs to. The key is looked up by the SHA-256 of its secret. An unknown key, an
    /// expired one (code `expired_api_key`) and one whose owner is deactivated (`owner_deactivated`; deactivation
    /// deletes keys, so only a key written past Roster could be one) are `unauthenticated`. The key and its owner come
    /// from the policy, which every write catches up before it returns, so a key deleted, or whose owner was deleted
    /// or deactivated, stops working at once; other servers sharing the store follow within their policy interval.
    /// The use is noted in memory, not written: `flushKeyUse()` writes it.
    public func authenticate(secret: String) async throws -> Caller {
        try await authenticate(keyHash: Self.keyHash(secret))
    }

    /// `authenticate(secret:)` for the key whose secret's SHA-256 is `keyHash` (`keyHash(_:)`).
    public func authenticate(keyHash: [UInt8]) async throws -> Caller {
        let timestamp = now()
        try await policy.loadIfNeeded(from: store)
        let key = try policy.withState { try Self.usableKey(hash: keyHash, at: timestamp, in: $0).key }
        keyUses.note(key.id, at: timestamp)
        return Caller(key)
    }

    /// The key whose secret hashes to `hash`, and its owner, when the key may be used at `timestamp`;
    /// `unauthenticated` otherwise (see `authenticate(secret:)`).
    static func usableKey(hash: [UInt8], at timestamp: Int, in state: borrowing PolicyState) throws -> (key: AdminKey, owner: PolicyState.Member) {
        guard let key = state.keys[hash], let owner = state.users[key.ownerID] else {
            throw ServiceError(.unauthenticated, "Incorrect API key provided.", code: "invalid_api_key")
        }
        if let expiresAt = key.expiresAt, key.isExpired(at: timestamp) {
            let when = Date(timeIntervalSince1970: TimeInterval(expiresAt)).ISO8601Format()
            throw ServiceError(
                .unauthenticated, "The API key provided expired at \(when). Create a new admin key to continue.",
                code: "expired_api_key")
        }
        guard owner.user.isActive else {
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

    /// Creates an admin key belonging to user `userID` (by default the caller's), limited to `scopes` (catalogue
    /// permissions; nil for every permission of its user), expiring `expiresInSeconds` from now (1 second to 365 days)
    /// or never. The key is a new principal holding what its user holds within its scopes, so the permission-flow rule
    /// applies: the caller's key must hold all of that. Its secret is returned here once; the store keeps only its
    /// SHA-256. Not-found for an unknown user; 409 `user_deactivated` for a deactivated one.
    public func createAdminKey(
        name rawName: String, expiresInSeconds: Int?, userID: Identifier? = nil, scopes rawScopes: [String]? = nil, by caller: Caller
    ) async throws -> CreatedAdminKey {
        let name = try Self.validName(rawName, param: "name")
        if let seconds = expiresInSeconds, !(1...Self.maximumKeyLifetime).contains(seconds) {
            throw ServiceError.invalid(
                "'expires_in_seconds' must be from 1 to \(Self.maximumKeyLifetime) (365 days); got \(seconds). Leave it out for a key that does not expire.",
                param: "expires_in_seconds")
        }
        let scopes = try rawScopes.map(Self.validScopes)
        let timestamp = now()
        let secret = Self.newSecret()
        var key = Self.key(named: name, secret: secret, owner: userID ?? caller.userID, now: timestamp)
        key.expiresAt = expiresInSeconds.map { timestamp + $0 }
        key.scopes = scopes
        let owner = try await withAuditedTransaction(by: caller) { [key] tx, audit in
            let owner = try await tx.user(id: key.ownerID)
            try Self.refuseIfDeactivated(owner, param: "user_id")
            try await tx.insertKey(key, secretHash: Self.keyHash(secret))
            try await audit.recordKeyCreated(key)
            return owner
        }
        return CreatedAdminKey(key: OwnedAdminKey(key: key, owner: owner), secret: secret)
    }

    /// An admin key's scopes, sorted and once each: catalogue permissions, at least one.
    static func validScopes(_ scopes: [String]) throws -> [String] {
        try validScopes(
            scopes, among: Permission.allNames,
            empty: "'scopes' must name at least one permission; leave it out for a key that may use every permission of its user.",
            unknown: "is not a permission; 'scopes' lists permissions of the catalogue")
    }

    /// Scopes sorted and once each, all among `allowed`, at least one; `empty` is the message for none, and `unknown`
    /// finishes the one for a scope outside `allowed`.
    static func validScopes(_ scopes: [String], among allowed: Set<String>, empty: String, unknown: String) throws -> [String] {
        guard !scopes.isEmpty else { throw ServiceError.invalid(empty, param: "scopes") }
        for scope in scopes where !allowed.contains(scope) {
            throw ServiceError.invalid(
                "'\(scope.prefix(100))' \(unknown) (GET /openapi.yaml, README).", param: "scopes", code: "unknown_permission")
        }
        return Array(Set(scopes)).sorted()
    }

    /// Deletes every admin key of the user, each with its `api_key.deleted` event: a deactivated or deleted user's
    /// keys are gone for good.
    static func deleteKeys(of userID: Identifier, in tx: any StoreTransaction, audit: AuditTrail) async throws {
        for key in try await tx.keys(ownerID: userID) {
            try await tx.deleteKey(id: key.id)
            try await audit.record(.apiKeyDeleted, on: key.id)
        }
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

    /// Deletes the admin key; from the moment this returns it authenticates nothing, on any server. The key's holdings
    /// go with it, so the permission-flow rule applies.
    public func deleteAdminKey(id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try await tx.deleteKey(id: id)
            try await audit.record(.apiKeyDeleted, on: id)
        }
    }

    /// Writes the admin and project key uses noted since the last flush to the store, in one transaction, and returns
    /// how many keys it updated. When the write fails the uses are kept for the next flush.
    @discardableResult
    public func flushKeyUse() async throws -> Int {
        let admin = keyUses.beginFlush()
        let project = projectKeyUses.beginFlush()
        guard !admin.isEmpty || !project.isEmpty else { return 0 }
        do {
            try await store.withTransaction { tx in
                if !admin.isEmpty { try await tx.recordKeyUse(admin) }
                if !project.isEmpty { try await tx.recordProjectKeyUse(project) }
            }
        } catch {
            keyUses.endFlush(admin, written: false)
            projectKeyUses.endFlush(project, written: false)
            throw error
        }
        keyUses.endFlush(admin, written: true)
        projectKeyUses.endFlush(project, written: true)
        return admin.count + project.count
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
                guard var key = try await tx.key(secretHash: Self.keyHash(adminKey))?.key else {
                    let key = Self.key(named: "Start-up key", secret: adminKey, owner: owner.id, now: now())
                    try await tx.insertKey(key, secretHash: Self.keyHash(adminKey))
                    try await audit.recordKeyCreated(key)
                    return Bootstrap(owner: owner, generatedKey: nil)
                }
                // The operator's recovery path: the start-up key always works, as an unlimited key of an active owner.
                if key.ownerID != owner.id || key.scopes != nil || key.expiresAt != nil {
                    key.ownerID = owner.id
                    key.scopes = nil
                    key.expiresAt = nil
                    try await tx.updateKey(key)
                    try await audit.record(
                        .apiKeyUpdated, on: key.id,
                        changes: [("owner_id", .string(owner.id.rawValue)), ("scopes", .null), ("expires_at", .null)])
                }
                return Bootstrap(owner: owner, generatedKey: nil)
            }
            guard try await tx.keyCount() == 0 else { return Bootstrap(owner: owner, generatedKey: nil) }
            let secret = Self.newSecret()
            let key = Self.key(named: "First owner key", secret: secret, owner: owner.id, now: now())
            try await tx.insertKey(key, secretHash: Self.keyHash(secret))
            try await audit.recordKeyCreated(key)
            return Bootstrap(owner: owner, generatedKey: secret)
        }
    }

    /// The first active owner; when there is none, the user with `email` (reactivated if need be) or else a new user,
    /// made owner.
    private static func ensureOwner(email: String, now: Int, in tx: any StoreTransaction, audit: AuditTrail) async throws -> User {
        if let owner = try await tx.firstOwner() { return owner }
        if var existing = try await tx.user(email: email) {
            var changes: [(String, JSON)] = [("role", "owner")]
            if !existing.isActive {
                existing.isActive = true
                try await tx.updateUser(existing)
                changes.append(("active", .bool(true)))
            }
            try await setPredefinedRole(.owner, of: existing.id, in: tx)
            try await audit.record(.userUpdated, on: existing.id, changes: changes)
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

    /// The prefixes of the secrets Roster makes: admin keys, service account keys and users' project keys.
    static let secretPrefixes = (admin: "sk-admin-", serviceAccount: "sk-svcacct-", project: "sk-proj-")

    /// `prefix` (by default an admin key's) followed by 48 random letters and digits.
    static func newSecret(prefix: String = secretPrefixes.admin) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<48).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The secret's prefix (when it is one Roster makes), `...`, and its last four characters: nothing that helps guess
    /// it. A secret with fewer than 24 characters after its prefix shows no characters of its own at all.
    static func redact(_ secret: String) -> String {
        let prefix = [secretPrefixes.admin, secretPrefixes.serviceAccount, secretPrefixes.project].first { secret.hasPrefix($0) } ?? ""
        guard secret.count - prefix.count >= 24 else { return prefix + "..." }
        return prefix + "..." + String(secret.suffix(4))
    }

    /// The SHA-256 of a key's secret: what the store keeps, what keys are looked up by, and how a presented key is
    /// remembered without keeping it.
    public static func keyHash(_ secret: String) -> [UInt8] {
        var secret = secret
        let digest = secret.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.withUnsafeBytes { Array($0) }
    }
}
