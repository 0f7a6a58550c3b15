import Foundation
import Logging
import NIOPosix
import RosterModel
import RosterStore
import SQLiteNIO

/// The SQLite backend: one writer connection and, for a database file, a few reader connections (WAL mode lets
/// them read a consistent snapshot while the writer commits). `:memory:` uses the writer for everything.
///
/// Every commit is durable before `withTransaction` returns (`synchronous=FULL`), foreign keys are enforced,
/// and the schema is migrated on open.
public final class SQLiteDatastore: Datastore {
    /// Where the database lives and how it is opened.
    public struct Configuration: Sendable {
        /// A file path, or `:memory:` for a private in-memory database that lives as long as the store.
        public var path: String
        /// How many reader connections a database file gets (default 2); ignored for `:memory:`.
        public var readerCount: Int
        /// When set, every statement's query plan is recorded here first (for tests that check index use).
        var queryPlans: QueryPlanRecorder?

        public init(path: String, readerCount: Int = 2) {
            self.path = path
            self.readerCount = readerCount
        }

        var isMemory: Bool { path == ":memory:" }
    }

    private let writer: ConnectionPool
    private let readers: ConnectionPool
    private let queryPlans: QueryPlanRecorder?
    /// The database file; nil for `:memory:`.
    private let file: String?

    private init(writer: ConnectionPool, readers: ConnectionPool, queryPlans: QueryPlanRecorder?, file: String?) {
        self.writer = writer
        self.readers = readers
        self.queryPlans = queryPlans
        self.file = file
    }

    /// Opens (creating if needed) and migrates the database.
    public static func open(_ configuration: Configuration, logger: Logger = Logger(label: "roster.sqlite")) async throws -> SQLiteDatastore {
        let writerConnection = try DatabaseConnection.open(path: configuration.path, name: "roster.sqlite writer")
        do {
            try await withTaskExecutorPreference(writerConnection.thread) {
                if !configuration.isMemory {
                    _ = try await writerConnection.query("PRAGMA journal_mode = WAL")
                }
                try await Self.configure(writerConnection)
                try await Migrations.run(on: writerConnection)
                try await ChangeFeed.install(on: writerConnection)
            }
            let writer = ConnectionPool([writerConnection])
            if configuration.isMemory {
                return SQLiteDatastore(writer: writer, readers: writer, queryPlans: configuration.queryPlans, file: nil)
            }
            var readerConnections: [DatabaseConnection] = []
            do {
                for index in 0..<max(1, configuration.readerCount) {
                    let reader = try DatabaseConnection.open(path: configuration.path, name: "roster.sqlite reader \(index + 1)")
                    readerConnections.append(reader)
                    try await Self.configure(reader)
                    _ = try await reader.query("PRAGMA query_only = ON")
                }
            } catch {
                for reader in readerConnections { try? await reader.close() }
                throw error
            }
            return SQLiteDatastore(
                writer: writer, readers: ConnectionPool(readerConnections), queryPlans: configuration.queryPlans, file: configuration.path)
        } catch {
            try? await writerConnection.close()
            throw error
        }
    }

    /// Opens the database, runs `body` with it and closes it, whether `body` returns or throws.
    public static func withOpened<T>(
        _ configuration: Configuration, logger: Logger = Logger(label: "roster.sqlite"), _ body: (SQLiteDatastore) async throws -> T
    ) async throws -> T {
        let store = try await open(configuration, logger: logger)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    private static func configure(_ connection: DatabaseConnection) async throws {
        _ = try await connection.query("PRAGMA foreign_keys = ON")
        _ = try await connection.query("PRAGMA synchronous = FULL")
        _ = try await connection.query("PRAGMA busy_timeout = 5000")
    }

    public func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await run(on: writer, begin: SQLiteTransaction.beginWrite, body)
    }

    public func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await run(on: readers, begin: "BEGIN", body)
    }

    /// Runs the transaction on the connection's own thread: its statements run there one after another, with no hop
    /// between threads until it has committed.
    private func run<T>(on pool: ConnectionPool, begin: String, _ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = await pool.acquire()
        do {
            let result = try await withTaskExecutorPreference(connection.thread) {
                try await SQLiteTransaction.run(on: connection, begin: begin, queryPlans: queryPlans, body)
            }
            await pool.release(connection)
            return result
        } catch {
            await pool.release(connection)
            throw error
        }
    }

    /// Writes a consistent copy of the whole database to the new file `path` (SQLite's `VACUUM INTO`), from one
    /// snapshot on a reader connection, so a running server keeps serving and writing meanwhile. The copy is a
    /// database `open` takes as it is. Throws `conflict` when `path` exists.
    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.conflict("'\(path)' exists already; a backup never overwrites a file.")
        }
        guard let file else { throw StoreError.unavailable("an in-memory database cannot be backed up") }
        // A connection of its own: the store's readers are query-only, which VACUUM INTO refuses, and in WAL mode
        // its snapshot holds back no writer.
        do {
            let connection = try DatabaseConnection.open(path: file, name: "roster.sqlite backup")
            do {
                try await withTaskExecutorPreference(connection.thread) {
                    _ = try await connection.query("PRAGMA busy_timeout = 5000")
                    _ = try await connection.query("VACUUM INTO ?", [.text(path)])
                }
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw StoreError.unavailable("the backup to '\(path)' failed: \(error)")
        }
    }

    /// Closes every connection. The store must not be used afterwards.
    public func close() async throws {
        for connection in await writer.drain() { try await connection.close() }
        if readers !== writer {
            for connection in await readers.drain() { try await connection.close() }
        }
    }
}

/// Hands out connections one caller at a time, queueing callers when all are busy.
actor ConnectionPool {
    private var idle: [DatabaseConnection]
    private var all: [DatabaseConnection]
    private var waiters: [CheckedContinuation<DatabaseConnection, Never>] = []

    init(_ connections: [DatabaseConnection]) {
        self.idle = connections
        self.all = connections
    }

    func acquire() async -> DatabaseConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: DatabaseConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    func drain() -> [DatabaseConnection] {
        defer { all = []; idle = [] }
        return all
    }
}
