import RosterHTTP
import RosterSQLite
import RosterService
import RosterStore

/// The composition root: the one place that knows which backend stores the organization.
enum Backend {
    /// Opens the SQLite database at `path` (`:memory:` for a private in-memory one) and runs `body` with the
    /// organization on it, closing the database afterwards. With `metrics`, every store transaction is timed.
    static func withOrganization<T>(
        database path: String, metrics: RosterMetrics? = nil, _ body: (Organization) async throws -> T
    ) async throws -> T {
        try await SQLiteDatastore.withOpened(.init(path: path)) { store in
            try await body(Organization(store: metrics.map { MeteredDatastore(store, metrics: $0) } ?? store))
        }
    }

    /// Writes a consistent copy of the database at `path` to the new file `destination`, while a server may keep
    /// using the database.
    static func backup(database path: String, to destination: String) async throws {
        try await SQLiteDatastore.withOpened(.init(path: path)) { try await $0.backup(to: destination) }
    }
}
