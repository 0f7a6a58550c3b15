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

    /// Runs `body` with a store on a database of its own, created for it and dropped afterwards. At most
    /// `FreshStores.limit` run at once: Swift Testing starts every case together, and each store holds connections
    /// of its own, which would pass the server's `max_connections`.
    static func withFreshStore<T>(_ body: (PostgresDatastore) async throws -> T) async throws -> T {
        await FreshStores.shared.enter()
        do {
            let result = try await withFreshStoreNow(body)
            await FreshStores.shared.leave()
            return result
        } catch {
            await FreshStores.shared.leave()
            throw error
        }
    }

    private static func withFreshStoreNow<T>(_ body: (PostgresDatastore) async throws -> T) async throws -> T {
        let name = "roster_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        do {
            try await administer("CREATE DATABASE \(name)")
        } catch let error as PSQLError {
            // PSQLError hides the server's message unless reflected.
            throw ServerError(description: "CREATE DATABASE: \(String(reflecting: error))")
        }
        do {
            var configuration = try PostgresDatastore.Configuration(url: try #require(url))
            configuration.database = name
            let result = try await PostgresDatastore.withOpened(configuration, body)
            try await administer("DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await administer("DROP DATABASE \(name) WITH (FORCE)")
            if let error = error as? PSQLError { throw ServerError(description: String(reflecting: error)) }
            throw error
        }
    }

    /// A PostgreSQL error with the server's own message, which `PSQLError` shows only when reflected.
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }

    /// A connection of its own to the server's own database, outside any store.
    static func connect() async throws -> PostgresConnection {
        let configuration = try PostgresDatastore.Configuration(url: try #require(url))
        return try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable),
            id: 1, logger: Logger(label: "roster.test"))
    }

    /// Runs one statement on the server's own database, outside any transaction (`CREATE DATABASE` needs that).
    static func administer(_ sql: String) async throws {
        let connection = try await connect()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "roster.test"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Lets at most `limit` fresh stores be open at once; the others wait their turn, in order.
actor FreshStores {
    static let shared = FreshStores()
    static let limit = 12

    private var open = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if open < Self.limit {
            open += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            open -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiting.removeFirst().resume()
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
