import Foundation
import RosterModel
import RosterStore
import SQLiteNIO
import Synchronization

/// The SQLite backend: one writer connection and, for a database file, a few reader connections (WAL mode lets
/// them read a consistent snapshot while the writer commits). `:memory:` uses the writer for everything. Each
/// connection has a thread of its own, where its transactions run from first statement to commit.
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
    /// Whether writes share commits; not for `:memory:`, whose one connection also serves reads.
    private var batchesCommits: Bool { file != nil }
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
    public static func open(_ configuration: Configuration) async throws -> SQLiteDatastore {
        let writerConnection = try DatabaseConnection.open(path: configuration.path, thread: "roster.sqlite writer")
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
                    let reader = try DatabaseConnection.open(path: configuration.path, thread: "roster.sqlite reader \(index)")
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
    public static func withOpened<T>(_ configuration: Configuration, _ body: (SQLiteDatastore) async throws -> T) async throws -> T {
        let store = try await open(configuration)
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
        try await write(body)
    }

    /// Runs a read transaction on its reader connection's own thread: a read never holds the caller's thread, which
    /// may be an event loop serving other connections (`roster serve --task-executor event-loops`) or a thread of
    /// Swift's small pool.
    public func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = await readers.acquire()
        defer { readers.release(connection) }
        return try await withTaskExecutorPreference(connection.thread) {
            try await SQLiteTransaction.read(on: connection, queryPlans: queryPlans, body)
        }
    }

    /// Runs a write transaction on the writer's own thread, so that its commit's `fsync` holds that thread and not one
    /// of Swift's cooperative threads. Its statements run there one after another, with no hop between threads.
    ///
    /// On a database file, writes waiting for the writer share commits (`CommitBatch`): each runs as a savepoint of
    /// the transaction open on the writer, and the last, when no write is waiting, commits them all. Each returns
    /// once the commit that carries it is durable.
    private func write<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let connection = await writer.acquire()
        let (outcome, batch) = await withTaskExecutorPreference(connection.thread) {
            await runBatched(on: connection, body)
        }
        writer.release(connection)
        let result = try outcome.get()
        try await batch?.committed()
        return result
    }

    /// How many commits the writer has made; with writes sharing commits, fewer than the writes.
    let commitCount = Atomic<Int>(0)

    /// The batch open on the writer connection, waiting for its commit; only the holder of the writer touches it.
    private let openBatch = Mutex<(batch: CommitBatch, size: Int)?>(nil)

    /// Runs `body` as one write on the writer connection, joining the open batch or beginning one, then commits the
    /// batch unless another write waits to join it. Returns the write's outcome and, when it succeeded, its batch.
    private func runBatched<T>(
        on connection: DatabaseConnection, _ body: (any StoreTransaction) async throws -> T
    ) async -> (Result<T, any Error>, CommitBatch?) {
        let batch: CommitBatch
        var size: Int
        if let open = openBatch.withLock({ $0 }) {
            (batch, size) = open
        } else {
            do {
                _ = try await connection.query(SQLiteTransaction.beginWrite)
            } catch {
                return (.failure(StoreError.unavailable("\(error)")), nil)
            }
            (batch, size) = (CommitBatch(), 0)
        }
        var outcome = await SQLiteTransaction.runSavepoint(on: connection, queryPlans: queryPlans, body)
        if case .success = outcome { size += 1 }
        // An error SQLite answers by rolling the whole transaction back (a full disk) fails every write in it.
        guard connection.isInTransaction else {
            let failure = StoreError.unavailable("the database rolled back a transaction after an error")
            openBatch.withLock { $0 = nil }
            batch.complete(.failure(failure))
            if case .success = outcome { outcome = .failure(failure) }
            return (outcome, nil)
        }
        if batchesCommits, size < CommitBatch.limit, writer.hasWaiters {
            openBatch.withLock { $0 = (batch, size) }
        } else {
            openBatch.withLock { $0 = nil }
            do {
                _ = try await connection.query("COMMIT")
                commitCount.wrappingAdd(1, ordering: .relaxed)
                batch.complete(.success(()))
            } catch {
                _ = try? await connection.query("ROLLBACK")
                batch.complete(.failure(StoreError.unavailable("the commit failed: \(error)")))
            }
        }
        if case .failure(let error) = outcome { return (.failure(error), nil) }
        return (outcome, batch)
    }

    /// Writes a consistent copy of the whole database to the new file `path` (SQLite's `VACUUM INTO`), from one
    /// snapshot on a connection of its own, so a running server keeps serving and writing meanwhile. The copy is a
    /// database `open` takes as it is. Throws `conflict` when `path` exists.
    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.conflict("'\(path)' exists already; a backup never overwrites a file.")
        }
        guard let file else { throw StoreError.unavailable("an in-memory database cannot be backed up") }
        // A connection of its own: the store's readers are query-only, which VACUUM INTO refuses, and in WAL mode
        // its snapshot holds back no writer.
        do {
            let connection = try DatabaseConnection.open(path: file, thread: "roster.sqlite backup")
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
        for connection in writer.drain() { try await connection.close() }
        if readers !== writer {
            for connection in readers.drain() { try await connection.close() }
        }
    }
}

/// Hands out connections one caller at a time, queueing callers when all are busy (first come, first served).
final class ConnectionPool: Sendable {
    private struct State {
        var idle: [DatabaseConnection]
        var all: [DatabaseConnection]
        var waiters: [CheckedContinuation<DatabaseConnection, Never>] = []
    }

    private let state: Mutex<State>

    init(_ connections: [DatabaseConnection]) {
        state = Mutex(State(idle: connections, all: connections))
    }

    func acquire() async -> DatabaseConnection {
        if let connection = state.withLock({ $0.idle.popLast() }) { return connection }
        return await withCheckedContinuation { continuation in
            let connection = state.withLock { state -> DatabaseConnection? in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let connection { continuation.resume(returning: connection) }
        }
    }

    func release(_ connection: DatabaseConnection) {
        let waiter = state.withLock { state -> CheckedContinuation<DatabaseConnection, Never>? in
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// Whether a caller is waiting for a connection.
    var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    func drain() -> [DatabaseConnection] {
        state.withLock { state in
            defer { state.all = []; state.idle = [] }
            return state.all
        }
    }
}
