import RosterHTTP
import RosterPostgres
import RosterSQLite
import RosterService
import RosterStore

/// The composition root: the one place that knows which backend stores the organization.
enum Backend {
    /// Whether `database` names a PostgreSQL database (a `postgres://` URL) rather than a SQLite file.
    static func isPostgres(_ database: String) -> Bool {
        PostgresDatastore.Configuration.isURL(database)
    }

    /// `database` as it may be shown: a URL's password is hidden.
    static func displayName(_ database: String) -> String {
        isPostgres(database) ? PostgresDatastore.Configuration.redacted(database) : database
    }

    /// Opens the database (a SQLite file, `:memory:`, or a PostgreSQL URL), migrating it, and runs `body` with the
    /// organization on it, closing the database afterwards. With `metrics`, every store transaction is timed.
    static func withOrganization<T>(
        database: String, metrics: RosterMetrics? = nil, _ body: (Organization) async throws -> T
    ) async throws -> T {
        try await withStore(database) { store in
            try await body(Organization(store: metrics.map { MeteredDatastore(store, metrics: $0) } ?? store))
        }
    }

    /// Opens the database, migrating it, and runs `body` with its store, closing it afterwards.
    static func withStore<T>(_ database: String, _ body: (any Datastore) async throws -> T) async throws -> T {
        if isPostgres(database) {
            let configuration: PostgresDatastore.Configuration
            do {
                configuration = try PostgresDatastore.Configuration(url: database)
            } catch let error as PostgresDatastore.ConfigurationError {
                throw CLIError("The database URL cannot be used: \(error.description).")
            }
            return try await PostgresDatastore.withOpened(configuration) { try await body($0) }
        }
        return try await SQLiteDatastore.withOpened(.init(path: database)) { try await body($0) }
    }

    /// Writes a consistent copy of the database at `path` to the new file `destination`, while a server may keep
    /// using the database.
    static func backup(database path: String, to destination: String) async throws {
        try await SQLiteDatastore.withOpened(.init(path: path)) { try await $0.backup(to: destination) }
    }
}
