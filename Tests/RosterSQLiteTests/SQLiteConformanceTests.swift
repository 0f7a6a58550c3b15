import Foundation
import RosterStore
import RosterStoreConformance
import Testing

@testable import RosterSQLite

/// A fresh database file in a temporary folder, removed afterwards.
func withTemporaryDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder.appendingPathComponent("roster.sqlite").path)
}

@Suite struct SQLiteConformanceTests {
    @Test("in-memory SQLite honours", arguments: StoreConformance.contracts)
    func inMemory(_ contract: StoreContract) async throws {
        let store = try await SQLiteDatastore.open(.init(path: ":memory:"))
        try await contract.check(store)
        try await store.close()
    }

    @Test("file-backed SQLite (WAL, separate readers) honours", arguments: StoreConformance.contracts)
    func onFile(_ contract: StoreContract) async throws {
        try await withTemporaryDatabase { path in
            let store = try await SQLiteDatastore.open(.init(path: path))
            try await contract.check(store)
            try await store.close()
        }
    }

    @Test("every statement the store runs reads tables through an index")
    func everyStatementUsesAnIndex() async throws {
        let recorder = QueryPlanRecorder()
        var configuration = SQLiteDatastore.Configuration(path: ":memory:")
        configuration.queryPlans = recorder
        for contract in StoreConformance.contracts {
            let store = try await SQLiteDatastore.open(configuration)
            try await contract.check(store)
            try await store.close()
        }
        #expect(recorder.recorded.count > 20, "the contracts ran too few statements to say anything")
        // `s` is the user's role sources, found by index before the CTE is scanned.
        let scans = recorder.fullScans(exempt: ["s", "sources", "CONSTANT"])
        #expect(scans.isEmpty, "full scans: \(scans.map { "\($0.line) in: \($0.sql)" }.joined(separator: "\n"))")
    }

    @Test("the schema survives reopening and is not migrated twice")
    func reopening() async throws {
        try await withTemporaryDatabase { path in
            let first = try await SQLiteDatastore.open(.init(path: path))
            let owner = try await first.read { try await $0.role(predefined: .owner) }
            try await first.close()
            let second = try await SQLiteDatastore.open(.init(path: path))
            let roles = try await second.read { try await $0.roles(scope: .organization, page: PageRequest(limit: 10)) }
            #expect(roles.items.map(\.id) == [owner.id, try await second.read { try await $0.role(predefined: .reader) }.id])
            try await second.close()
        }
    }
}
