import Crypto
import RosterModel
import RosterStore

extension Organization {
    /// The caller an admin key belongs to. The key is looked up by the SHA-256 of its secret and the stored hash is
    /// compared in constant time; an unknown key is `unauthenticated`.
    public func authenticate(secret: String) async throws -> Caller {
        let hash = Self.hash(secret)
        guard let (key, storedHash) = try await store.read({ try await $0.key(secretHash: hash) }),
            Self.constantTimeEqual(storedHash, hash)
        else {
            throw ServiceError(.unauthenticated, "Incorrect API key provided.", code: "invalid_api_key")
        }
        return Caller(userID: key.ownerID, keyID: key.id)
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
        return try await store.withTransaction { tx in
            let owner = try await Self.ensureOwner(email: ownerEmail, now: now(), in: tx)
            if let adminKey {
                if try await tx.key(secretHash: Self.hash(adminKey)) == nil {
                    try await tx.insertKey(Self.key(named: "Start-up key", secret: adminKey, owner: owner.id, now: now()), secretHash: Self.hash(adminKey))
                }
                return Bootstrap(owner: owner, generatedKey: nil)
            }
            guard try await tx.keyCount() == 0 else { return Bootstrap(owner: owner, generatedKey: nil) }
            let secret = Self.newSecret()
            try await tx.insertKey(Self.key(named: "First owner key", secret: secret, owner: owner.id, now: now()), secretHash: Self.hash(secret))
            return Bootstrap(owner: owner, generatedKey: secret)
        }
    }

    private static func ensureOwner(email: String, now: Int, in tx: any StoreTransaction) async throws -> User {
        if let owner = try await tx.firstOwner() { return owner }
        if let existing = try await tx.user(email: email) {
            try await setPredefinedRole(.owner, of: existing.id, in: tx)
            return try await tx.user(id: existing.id)
        }
        let owner = User(id: .make(.user), email: email, name: "Roster Owner", addedAt: now, role: .owner)
        try await tx.insertUser(owner)
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
