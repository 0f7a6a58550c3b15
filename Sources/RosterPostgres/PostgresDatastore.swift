import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import RosterModel
import RosterStore
import Synchronization

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
                host: host, port: url.port ?? 5432, username: user, password: url.password, database: path.isEmpty ? nil : path,
                tls: tls, poolSize: poolSize)
        }

        /// Whether `text` names a PostgreSQL database rather than a SQLite file.
        public static func isURL(_ text: String) -> Bool {
            text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
        }

        /// `text` with its password replaced by `***`, for messages and logs; also when `text` is not a valid URL
        /// (a password with an unescaped `@` or `/`).
        public static func redacted(_ text: String) -> String {
            guard let scheme = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
                scheme.upperBound < at.lowerBound,
                let colon = text[scheme.upperBound..<at.lowerBound].firstIndex(of: ":")
            else { return text }
            return text[..<text.index(after: colon)] + "***" + text[at.lowerBound...]
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
    private let listening: Task<Void, Never>
    private let logger: Logger
    public let changeSignal: ChangeSignal?
    /// Where the store connects.
    let configuration: Configuration

    private init(
        configuration: Configuration, client: PostgresClient, running: Task<Void, Never>, listening: Task<Void, Never>,
        signal: ChangeSignal, logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.running = running
        self.listening = listening
        self.changeSignal = signal
        self.logger = logger
    }

    /// Connects, and migrates the schema under an advisory lock (instances starting together migrate once). The
    /// migrations run on a connection of their own, whose failure to connect says why (the pool only says it failed).
    public static func open(_ configuration: Configuration, logger: Logger = Logger(label: "roster.postgres")) async throws -> PostgresDatastore {
        try await migrate(configuration, logger: logger)
        let client = PostgresClient(configuration: configuration.client)
        let signal = ChangeSignal()
        return PostgresDatastore(
            configuration: configuration, client: client, running: Task { await client.run() },
            listening: Task { await listen(configuration, signal: signal, logger: logger) }, signal: signal, logger: logger)
    }

    /// Fires `signal` for every revision any instance commits (`PostgresChangeFeed.channel`), on a connection of its
    /// own, until cancelled. A lost connection is made again after a second; meanwhile followers poll, and the signal
    /// fires on every (re)connection, so that what was committed while nobody listened is caught up.
    private static func listen(_ configuration: Configuration, signal: ChangeSignal, logger: Logger) async {
        var failing = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: try configuration.connection(), id: 1, logger: logger)
                do {
                    try await connection.listen(on: PostgresChangeFeed.channel) { notifications in
                        if failing { logger.info("listening for other instances' changes again") }
                        failing = false
                        signal.fire()
                        for try await _ in notifications { signal.fire() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if !failing, !Task.isCancelled {
                    logger.warning("cannot listen for other instances' changes; following them by polling until it can: \(error)")
                }
                failing = true
            }
            try? await Task.sleep(for: .seconds(1))
        }
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
            if let known = PostgresMigrations.all.last?.version, current > known { throw StoreError.newerSchema(current, newest: known) }
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

    /// How many times a transaction PostgreSQL aborted as a serialization failure or a deadlock is run again.
    static let attempts = 5

    public func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await retrying { try await write(body) }
    }

    /// Runs `work` again when PostgreSQL aborted it to keep transactions apart (a serialization failure, a deadlock),
    /// after a short random pause, up to `attempts` times; the caller never sees such an abort but the last.
    private func retrying<T>(_ work: () async throws -> T) async throws -> T {
        for attempt in 1... {
            do {
                return try await work()
            } catch let failure as PostgresTransaction.SerializationFailure {
                guard attempt < Self.attempts else { throw StoreError.unavailable("PostgreSQL aborted the transaction \(attempt) times: \(failure.message)") }
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(10 * attempt))))
            }
        }
        fatalError("unreachable")
    }

    private func write<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
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
        try await retrying { try await snapshot(body) }
    }

    private func snapshot<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await lease { transaction in
            // BEGIN and COMMIT are queued on the connection without waiting for their answers (a read-only
            // transaction has nothing to lose at its end): one wait per statement of the body, not three.
            transaction.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try await body(transaction)
                transaction.send("COMMIT")
                return result
            } catch {
                try? await transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// How long a transaction waits for a connection before it fails as unreachable: `leaseTimeout`, or while the
    /// last wait failed `leaseTimeoutWhileDown`. The pool itself would wait a minute while PostgreSQL is down before
    /// failing what waits; a request gets its 503 sooner.
    static let leaseTimeout = TimeAmount.seconds(5)
    static let leaseTimeoutWhileDown = TimeAmount.milliseconds(500)
    /// Whether the last wait for a connection failed.
    private let isDown = Atomic(false)

    /// Runs `body` with a connection of the pool. What `body` throws passes through; a connection the pool cannot
    /// lease within `leaseTimeout` is the database being unreachable.
    ///
    /// The pool lends a connection only for the length of a closure, and cannot be told to stop waiting for one but
    /// by cancelling the task that waits: so a child task waits for the lease and hands the connection over, and
    /// holds the lease until `body` is done with it.
    private func lease<T>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        let handoff = ConnectionHandoff()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [client] in
                do {
                    try await client.withConnection { connection in
                        guard handoff.deliver(connection) else { return }
                        await handoff.waitForRelease()
                    }
                } catch {
                    handoff.fail(error)
                }
            }
            let timeout = isDown.load(ordering: .relaxed) ? Self.leaseTimeoutWhileDown : Self.leaseTimeout
            let timer = MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: timeout) {
                handoff.fail(StoreError.unreachable("no connection within \(timeout.nanoseconds / 1_000_000) ms"))
            }
            let connection: PostgresConnection
            do {
                connection = try await handoff.receive()
                timer.cancel()
                if isDown.load(ordering: .relaxed) { isDown.store(false, ordering: .relaxed) }
            } catch {
                timer.cancel()
                isDown.store(true, ordering: .relaxed)
                throw StoreError.unreachable("PostgreSQL: no connection could be made (\(error))")
            }
            defer { handoff.release() }
            return try await body(PostgresTransaction(connection: connection, logger: logger))
        }
    }

    /// Closes every connection. The store must not be used afterwards.
    public func close() async {
        listening.cancel()
        await listening.value
        running.cancel()
        await running.value
    }
}

/// A pooled connection passed from the task that leased it to the task that runs a transaction on it, and back.
private final class ConnectionHandoff: Sendable {
    private enum Lease {
        case pending
        case delivered(PostgresConnection)
        case failed(any Error)
    }

    private struct State {
        var lease = Lease.pending
        var receiver: CheckedContinuation<PostgresConnection, any Error>?
        var released = false
        var holder: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Passes the leased connection on; false when the receiver has given up waiting (the lease is then returned).
    func deliver(_ connection: PostgresConnection) -> Bool {
        let (delivered, receiver) = state.withLock { state -> (Bool, CheckedContinuation<PostgresConnection, any Error>?) in
            guard case .pending = state.lease else { return (false, nil) }
            state.lease = .delivered(connection)
            defer { state.receiver = nil }
            return (true, state.receiver)
        }
        receiver?.resume(returning: connection)
        return delivered
    }

    /// Fails the wait for a connection, unless one was delivered.
    func fail(_ error: any Error) {
        let receiver = state.withLock { state -> CheckedContinuation<PostgresConnection, any Error>? in
            guard case .pending = state.lease else { return nil }
            state.lease = .failed(error)
            defer { state.receiver = nil }
            return state.receiver
        }
        receiver?.resume(throwing: error)
    }

    /// The connection, once delivered; throws what failed the wait.
    func receive() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let lease = state.withLock { state -> Lease in
                if case .pending = state.lease { state.receiver = continuation }
                return state.lease
            }
            switch lease {
            case .pending: break
            case .delivered(let connection): continuation.resume(returning: connection)
            case .failed(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// Gives the connection back: the holder returns its lease to the pool.
    func release() {
        let holder = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.holder = nil }
            return state.holder
        }
        holder?.resume()
    }

    /// Returns once the connection is given back.
    func waitForRelease() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state -> Bool in
                if !state.released { state.holder = continuation }
                return state.released
            }
            if released { continuation.resume() }
        }
    }
}
