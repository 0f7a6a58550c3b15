import Foundation
import PostgresNIO
import RosterStore
import RosterStoreConformance
import Testing

@testable import RosterPostgres

/// The PostgreSQL server the tests use: `ROSTER_TEST_POSTGRES_URL`, a URL whose user may create databases. Without it
/// the PostgreSQL tests are skipped, and say so; with `ROSTER_REQUIRE_POSTGRES=1` (CI) its absence fails instead.
enum TestServer {
    static let url = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isRequired = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_POSTGRES"] == "1"
    static let skipReason: Comment = "ROSTER_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/postgres.sh starts a server and sets it)"

    /// Runs `body` with a store on a database of its own, created for it and dropped afterwards.
    static func withFreshStore<T>(_ body: (PostgresDatastore) async throws -> T) async throws -> T {
        let name = "roster_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await administer("CREATE DATABASE \(name)")
        do {
            var configuration = try PostgresDatastore.Configuration(url: try #require(url))
            configuration.database = name
            let result = try await PostgresDatastore.withOpened(configuration, body)
            try await administer("DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await administer("DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one statement on the server's own database, outside any transaction (`CREATE DATABASE` needs that).
    static func administer(_ sql: String) async throws {
        let configuration = try PostgresDatastore.Configuration(url: try #require(url))
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable),
            id: 1, logger: Logger(label: "roster.test"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "roster.test"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

@Suite struct PostgresConformanceTests {
    @Test("CI runs the PostgreSQL tests rather than skipping them", .enabled(if: TestServer.isRequired))
    func serverIsThere() {
        #expect(TestServer.url != nil, "ROSTER_REQUIRE_POSTGRES=1 but ROSTER_TEST_POSTGRES_URL is not set")
    }

    @Test("PostgreSQL honours", .enabled(if: TestServer.url != nil, TestServer.skipReason), arguments: StoreConformance.contracts)
    func conformance(_ contract: StoreContract) async throws {
        try await TestServer.withFreshStore { store in
            try await contract.check(store)
        }
    }
}
