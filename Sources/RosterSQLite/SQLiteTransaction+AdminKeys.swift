import NIOCore
import RosterModel
import RosterStore
import SQLiteNIO

extension SQLiteTransaction: AdminKeyStore {
    func insertKey(_ key: AdminKey, secretHash: [UInt8]) async throws {
        try await query(
            "INSERT INTO admin_keys (id, name, secret_hash, redacted_value, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(key.id.rawValue), .text(key.name), .blob(ByteBuffer(bytes: secretHash)), .text(key.redactedValue),
                .text(key.ownerID.rawValue), .integer(key.createdAt),
            ],
            conflictMessage: "That admin key already exists.")
    }

    func key(secretHash: [UInt8]) async throws -> (key: AdminKey, storedHash: [UInt8])? {
        let rows = try await query("SELECT * FROM admin_keys WHERE secret_hash = ?", [.blob(ByteBuffer(bytes: secretHash))])
        guard let row = rows.first, var stored = row.column("secret_hash")?.blob else { return nil }
        let key = AdminKey(
            id: try row.identifier("id"), name: try row.string("name"), ownerID: try row.identifier("owner_id"),
            redactedValue: try row.string("redacted_value"), createdAt: try row.int("created_at"))
        return (key, stored.readBytes(length: stored.readableBytes) ?? [])
    }

    func keyCount() async throws -> Int {
        try await query("SELECT count(*) AS n FROM admin_keys").first?.column("n")?.integer ?? 0
    }
}
