import Logging
import RosterSQLite
import RosterService
import RosterStore

/// The composition root: the one place that knows which backend stores the organization.
enum Backend {
    /// Opens the SQLite database at `path` (`:memory:` for a private in-memory one) and runs `body` with the
    /// organization on it, closing the database afterwards.
    static func withOrganization<T>(
        database path: String, logger: Logger, _ body: (Organization) async throws -> T
    ) async throws -> T {
        try await SQLiteDatastore.withOpened(.init(path: path), logger: logger) { try await body(Organization(store: $0)) }
    }
}
