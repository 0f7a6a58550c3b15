import Foundation
import NIOCore
import RosterModel
import RosterStore

extension SQLTransaction {
    package static var keyColumns: String { "id, name, owner_id, redacted_value, created_at, expires_at, last_used_at, scopes" }

    package static func adminKey(from row: Row) throws -> AdminKey {
        AdminKey(
            id: try row.identifier("id"), name: try row.string("name"), ownerID: try row.identifier("owner_id"),
            redactedValue: try row.string("redacted_value"), createdAt: try row.int("created_at"),
            expiresAt: row.column("expires_at")?.integer, lastUsedAt: row.column("last_used_at")?.integer, scopes: try scopes(from: row))
    }

    /// A key's `scopes` column: a JSON array of permissions, or NULL for none.
    static func scopes(from row: Row) throws -> [String]? {
        guard let text = row.optionalString("scopes") else { return nil }
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw StoreError.unavailable("key scopes are not a JSON array of strings")
        }
    }

    package static func scopesData(_ scopes: [String]?) -> SQLValue {
        scopes.map { .text(jsonText($0)) } ?? .null
    }

    package func insertKey(_ key: AdminKey, secretHash: [UInt8]) async throws {
        guard try await exists("users", id: key.ownerID) else { throw StoreError.notFound(.user, key.ownerID.rawValue) }
        try await query(
            """
            INSERT INTO admin_keys (id, name, secret_hash, redacted_value, owner_id, created_at, expires_at, last_used_at, scopes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(key.id.rawValue), .text(key.name), .blob(ByteBuffer(bytes: secretHash)), .text(key.redactedValue),
                .text(key.ownerID.rawValue), .integer(key.createdAt), key.expiresAt.map(SQLValue.integer) ?? .null,
                key.lastUsedAt.map(SQLValue.integer) ?? .null, Self.scopesData(key.scopes),
            ],
            conflictMessage: "That admin key already exists.")
    }

    package func key(secretHash: [UInt8]) async throws -> (key: AdminKey, storedHash: [UInt8])? {
        let rows = try await query(
            "SELECT \(Self.keyColumns), secret_hash FROM admin_keys WHERE secret_hash = ?", [.blob(ByteBuffer(bytes: secretHash))])
        guard let row = rows.first else { return nil }
        return (try Self.adminKey(from: row), try row.bytes("secret_hash"))
    }

    package func keyCount() async throws -> Int {
        try await query("SELECT count(*) AS n FROM admin_keys").first?.column("n")?.integer ?? 0
    }

    package func key(id: Identifier) async throws -> AdminKey {
        let rows = try await query("SELECT \(Self.keyColumns) FROM admin_keys WHERE id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.adminKey, id.rawValue) }
        return try Self.adminKey(from: row)
    }

    package func keys(page: PageRequest) async throws -> Page<AdminKey> {
        var binds: [SQLValue] = []
        let (condition, tail) = keyset("id", page, binds: &binds)
        // The primary key is the list's index.
        let rows = try await query("SELECT \(Self.keyColumns) FROM admin_keys WHERE 1 = 1\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.adminKey(from:)), limit: page.limit)
    }

    package func keys(ownerID: Identifier) async throws -> [AdminKey] {
        try await query("SELECT \(Self.keyColumns) FROM admin_keys WHERE owner_id = ? ORDER BY id", [.text(ownerID.rawValue)])
            .map(Self.adminKey(from:))
    }

    package func updateKey(_ key: AdminKey) async throws {
        guard try await exists("users", id: key.ownerID) else { throw StoreError.notFound(.user, key.ownerID.rawValue) }
        try await query(
            "UPDATE admin_keys SET owner_id = ?, name = ?, scopes = ?, expires_at = ? WHERE id = ?",
            [
                .text(key.ownerID.rawValue), .text(key.name), Self.scopesData(key.scopes),
                key.expiresAt.map(SQLValue.integer) ?? .null, .text(key.id.rawValue),
            ])
        if try await changes() == 0 { throw StoreError.notFound(.adminKey, key.id.rawValue) }
    }

    package func deleteKey(id: Identifier) async throws {
        try await query("DELETE FROM admin_keys WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.adminKey, id.rawValue) }
    }

    package func recordKeyUse(_ lastUsed: [Identifier: Int]) async throws {
        try await recordUse(lastUsed, in: "admin_keys")
    }

    /// Writes keys' last use to `table`: one `UPDATE` per batch of keys, each found through the primary key; the `CASE`
    /// picks each key's time, and a time earlier than the one stored changes nothing.
    func recordUse(_ lastUsed: [Identifier: Int], in table: String) async throws {
        let entries = lastUsed.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: entries.count, by: Self.keyUseBatch) {
            let batch = entries[start..<min(start + Self.keyUseBatch, entries.count)]
            var binds: [SQLValue] = []
            for (id, time) in batch { binds += [.text(id.rawValue), .integer(time)] }
            binds += batch.map { .text($0.key.rawValue) }
            let cases = Array(repeating: "WHEN ? THEN ?", count: batch.count).joined(separator: " ")
            try await query(
                """
                UPDATE \(table) SET last_used_at = \(Self.dialect.greatest)(coalesce(last_used_at, 0), CASE id \(cases) END)
                WHERE id IN (\(Self.placeholders(batch.count)))
                """,
                binds)
        }
    }

    /// How many keys one `recordKeyUse` statement updates at most (three binds each).
    package static var keyUseBatch: Int { 500 }
}
