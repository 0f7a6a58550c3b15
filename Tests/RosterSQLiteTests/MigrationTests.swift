import Foundation
import RosterModel
import RosterStore
import SQLiteNIO
import Testing

@testable import RosterSQLite

@Suite struct MigrationTests {
    @Test("upgrading to version 6 redacts old keys to prefix and last four, deletes deactivated users' keys, and NFC-normalizes name keys")
    func upgradeToScopedKeys() async throws {
        try await withTemporaryDatabase { path in
            let connection = try DatabaseConnection.open(path: path)
            try await Migrations.run(on: connection, upTo: 5)
            for (id, active, name) in [("user_01", 1, "Cafe\u{0301}"), ("user_02", 0, "Gone")] {
                _ = try await connection.query(
                    "INSERT INTO users (id, email, email_key, name, created_at, updated_at, user_name, user_name_key, active) VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?)",
                    [.text(id), .text("\(id)@example.com"), .text("\(id)@example.com"), .text(name), .text("\(id)@example.com"),
                     .text("\(id)@example.com"), .integer(active)])
            }
            _ = try await connection.query(
                "INSERT INTO groups (id, name, name_key, created_at, updated_at) VALUES ('group_01', ?, ?, 0, 0)",
                [.text("Cafe\u{0301}"), .text("cafe\u{0301}")])
            for (id, owner, redacted) in [("key_01", "user_01", "sk-admin-AbCd...WxYz"), ("key_02", "user_02", "sk-admin-EfGh...1234")] {
                _ = try await connection.query(
                    "INSERT INTO admin_keys (id, name, secret_hash, redacted_value, owner_id, created_at) VALUES (?, 'k', ?, ?, ?, 0)",
                    [.text(id), .blob(.init(string: id)), .text(redacted), .text(owner)])
            }
            try await connection.close()

            try await SQLiteDatastore.withOpened(.init(path: path)) { store in
                let keys = try await store.read { try await $0.keys(page: PageRequest(limit: 10)).items }
                #expect(keys.map(\.id.rawValue) == ["key_01"])
                #expect(keys.first?.redactedValue == "sk-admin-...WxYz")
                #expect(keys.first?.scopes == nil)
                #expect(try await store.read { try await $0.group(name: "Caf\u{00e9}") }?.id.rawValue == "group_01")
            }
        }
    }

    @Test("a database a newer Roster migrated is refused at open, saying so, and left as it was")
    func newerSchemaIsRefused() async throws {
        try await withTemporaryDatabase { path in
            let connection = try DatabaseConnection.open(path: path)
            try await Migrations.run(on: connection)
            let newer = (Migrations.all.last?.version ?? 0) + 1
            _ = try await connection.query("PRAGMA user_version = \(newer)")
            try await connection.close()
            do {
                try await SQLiteDatastore.withOpened(.init(path: path)) { _ in }
                Issue.record("a newer schema was opened")
            } catch let error as StoreError {
                #expect("\(error)".contains("schema is at version \(newer), newer than this Roster's"), "\(error)")
            }
            let reopened = try DatabaseConnection.open(path: path)
            #expect(try await reopened.query("PRAGMA user_version").first?.column("user_version")?.integer == newer)
            try await reopened.close()
        }
    }
}
