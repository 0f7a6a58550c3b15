import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import RosterModel
import RosterStore

/// The PostgreSQL backend, for several Roster instances sharing one organization: a pool of connections
/// (PostgresNIO's `PostgresClient`), the schema migrated on open under an advisory lock.
///
/// Write transactions run one at a time across every instance: each takes the advisory lock `writeLock` first and
/// holds it until it commits or rolls back, so the rules a write checks (unique names, the last owner) see every
/// write committed before it, and revisions follow commit order (`PostgresChangeFeed`). Read transactions take no
/// lock: each reads one snapshot (`REPEATABLE READ`).
public final class PostgresDatastore: Datastore {
    /// Where the database is and how to reach it.
    public struct Configuration: Sendable {
        public var host: String
        /// Default 5432.
        public var port: Int
        public var username: String
        public var password: String?
        /// Default: the user name, as PostgreSQL's own tools do.
        public var database: String
        /// How the connection is secured (default `.disable` for a server on this machine, `.require` otherwise).
        public var tls: TLSMode
        /// How many connections an instance keeps open at most (default 10).
        public var poolSize: Int

        /// `disable`: no TLS; `require`: TLS without checking the certificate; `verifyFull`: TLS with the certificate
        /// checked against the system's trust roots and the host name (PostgreSQL's `sslmode` of the same names).
        public enum TLSMode: String, Sendable {
            case disable
            case require
            case verifyFull = "verify-full"
        }

        public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String? = nil,
                    tls: TLSMode? = nil, poolSize: Int = 10) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database ?? username
            self.tls = tls ?? (["localhost", "127.0.0.1", "::1"].contains(host) ? .disable : .require)
            self.poolSize = poolSize
        }

        /// Reads `postgres://user:password@host:port/database?sslmode=…&pool_size=…` (also `postgresql://`).
        /// Throws a message fit for the command line when the URL is not one.
        public init(url text: String) throws {
            guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
                let host = url.host, !host.isEmpty
            else {
                throw ConfigurationError("'\(Self.redacted(text))' is not a postgres://user:password@host:port/database URL")
            }
            guard let user = url.user, !user.isEmpty else {
                throw ConfigurationError("'\(Self.redacted(text))' names no user (postgres://USER@host/database)")
            }
            var tls: TLSMode?
            var poolSize = 10
            for item in url.queryItems ?? [] {
                switch item.name {
                case "sslmode":
                    guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                        throw ConfigurationError("sslmode must be disable, require or verify-full; got '\(item.value ?? "")'")
                    }
                    tls = mode
                case "pool_size":
                    guard let size = item.value.flatMap(Int.init), (1...200).contains(size) else {
                        throw ConfigurationError("pool_size must be a whole number from 1 to 200; got '\(item.value ?? "")'")
                    }
                    poolSize = size
                default:
                    throw ConfigurationError("unknown parameter '\(item.name)' in the database URL (known: sslmode, pool_size)")
                }
            }
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            self.init(
                host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
                password: url.password.map { $0.removingPercentEncoding ?? $0 }, database: path.isEmpty ? nil : path,
                tls: tls, poolSize: poolSize)
        }

        /// Whether `text` names a PostgreSQL database rather than a SQLite file.
        public static func isURL(_ text: String) -> Bool {
            text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
        }

        /// `text` with its password replaced by `***`, for messages and logs.
        public static func redacted(_ text: String) -> String {
            guard var url = URLComponents(string: text), url.password != nil else { return text }
            url.password = "***"
            return url.string ?? text
        }

        /// The TLS settings of `tls`, nil for none.
        private var tlsSettings: TLSConfiguration? {
            switch tls {
            case .disable:
                return nil
            case .require:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .none
                return settings
            case .verifyFull:
                return .makeClientConfiguration()
            }
        }

        fileprivate var client: PostgresClient.Configuration {
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tlsSettings.map { .require($0) } ?? .disable)
            configuration.options.maximumConnections = poolSize
            configuration.options.connectTimeout = .seconds(5)
            return configuration
        }

        fileprivate func connection() throws -> PostgresConnection.Configuration {
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: try tlsSettings.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
            configuration.options.connectTimeout = .seconds(5)
            return configuration
        }
    }

    /// A configuration that cannot be used; its message says why.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The advisory lock every write transaction holds until it ends.
    static let writeLock = 0x526F_7374_6572_5752  // "RosterWR"

    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger: Logger

    private init(client: PostgresClient, running: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.running = running
        self.logger = logger
    }

    /// Connects, and migrates the schema under an advisory lock (instances starting together migrate once). The
    /// migrations run on a connection of their own, whose failure to connect says why (the pool only says it failed).
    public static func open(_ configuration: Configuration, logger: Logger = Logger(label: "roster.postgres")) async throws -> PostgresDatastore {
        try await migrate(configuration, logger: logger)
        let client = PostgresClient(configuration: configuration.client)
        return PostgresDatastore(client: client, running: Task { await client.run() }, logger: logger)
    }

    /// Opens the database, runs `body` with it and closes it, whether `body` returns or throws.
    public static func withOpened<T>(_ configuration: Configuration, _ body: (PostgresDatastore) async throws -> T) async throws -> T {
        let store = try await open(configuration)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Runs the migrations the database has not had, each in its own transaction, under `PostgresMigrations.lock`.
    static func migrate(_ configuration: Configuration, upTo newest: Int = .max, logger: Logger) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try configuration.connection(), id: 0, logger: logger)
        } catch {
            throw PostgresTransaction.storeError(error)
        }
        let transaction = PostgresTransaction(connection: connection, logger: logger)
        do {
            try await transaction.execute("SELECT pg_advisory_lock(\(PostgresMigrations.lock))")
            try await transaction.execute("CREATE TABLE IF NOT EXISTS roster_schema (version bigint NOT NULL)")
            let current = try await transaction.query("SELECT max(version) AS version FROM roster_schema").first?
                .column("version")?.integer ?? 0
            for migration in PostgresMigrations.all where migration.version > current && migration.version <= newest {
                try await transaction.execute("BEGIN")
                do {
                    for statement in migration.statements { try await transaction.execute(statement) }
                    try await transaction.query("INSERT INTO roster_schema (version) VALUES (?)", [.integer(migration.version)])
                    try await transaction.execute("COMMIT")
                } catch {
                    try? await transaction.execute("ROLLBACK")
                    throw error
                }
            }
            // Closing the connection releases the advisory lock.
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await lease { transaction in
            try await transaction.execute("BEGIN")
            do {
                try await transaction.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                let result = try await body(transaction)
                try await transaction.execute("COMMIT")
                return result
            } catch {
                try? await transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await lease { transaction in
            try await transaction.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try await body(transaction)
                try await transaction.execute("COMMIT")
                return result
            } catch {
                try? await transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` with a connection of the pool. What `body` throws passes through; a pool that cannot lease a
    /// connection is the database being unreachable.
    private func lease<T>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                do {
                    return try await body(PostgresTransaction(connection: connection, logger: logger))
                } catch {
                    throw BodyError(error: error)
                }
            }
        } catch let thrown as BodyError {
            throw thrown.error
        } catch {
            throw StoreError.unreachable("PostgreSQL: no connection could be made (\(error))")
        }
    }

    /// Closes every connection. The store must not be used afterwards.
    public func close() async {
        running.cancel()
        await running.value
    }
}

/// An error a transaction's body threw, carried past the pool so that it is not taken for the pool's.
private struct BodyError: Error {
    let error: any Error
}
