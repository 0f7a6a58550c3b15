import Foundation
import NIOCore
import RosterSQL
// SQLiteNIO's own build of SQLite, called directly. SQLiteNIO runs every statement as a hop to its thread pool and
// back; Roster runs each transaction on its connection's own thread (`SQLiteDatastore`), so that a transaction costs
// one round trip at most, however many statements it has.
import VaporCSQLite

/// One SQLite connection. Its statements run synchronously on the calling thread; `SQLValuestore` gives it to one
/// transaction at a time. Prepared statements are kept for reuse.
final class DatabaseConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Prepared statements by their SQL, with their result's column names (nil until first read).
    private var statements: [String: (statement: OpaquePointer, names: Row.Names?)] = [:]
    /// The connection's own thread, where its transactions run; nil for a connection used where it is opened (tests).
    let thread: ConnectionThread?

    /// How many prepared statements are kept; past it they are all finalized and the cache starts again.
    private static let statementCacheSize = 512

    private init(handle: OpaquePointer, thread: ConnectionThread?) {
        self.handle = handle
        self.thread = thread
    }

    /// Opens (creating if needed) the database at `path`, or a private in-memory one for `:memory:`; with a `thread`
    /// name, the connection gets a thread of its own by that name.
    static func open(path: String, thread name: String? = nil) throws -> DatabaseConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteFailure(code: status, message: message)
        }
        return DatabaseConnection(handle: handle, thread: name.map(ConnectionThread.init(name:)))
    }

    /// Runs one statement with `binds` and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue] = []) async throws -> [Row] {
        try run(sql, binds)
    }

    /// Runs one statement with `binds` and returns its rows, on the calling thread.
    func run(_ sql: String, _ binds: [SQLValue] = []) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql, binds) { rows.append($0) }
        return rows
    }

    /// Runs one statement with `binds`, calling `body` with each row as it is read, on the calling thread: a result
    /// of a million rows is never held whole. `body` must not run statements on this connection.
    func forEachRow(_ sql: String, _ binds: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        guard let handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed") }
        let (statement, knownNames) = try prepared(sql, handle)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try check(bind(value, at: Int32(index + 1), of: statement), handle)
        }
        let count = sqlite_nio_sqlite3_column_count(statement)
        var names = knownNames
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status, handle) }
            let rowNames = names ?? Row.Names((0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
            if names == nil {
                names = rowNames
                statements[sql]?.names = rowNames
            }
            try body(Row(names: rowNames, values: (0..<count).map { value(at: $0, of: statement) }))
        }
    }

    /// Whether a transaction is open: false after `COMMIT`, and after an error that made SQLite roll it back.
    var isInTransaction: Bool {
        handle.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Closes the connection and stops its thread; it must not be used afterwards.
    func close() async throws {
        for (statement, _) in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
        thread?.stop()
    }

    private func prepared(_ sql: String, _ handle: OpaquePointer) throws -> (statement: OpaquePointer, names: Row.Names?) {
        if let cached = statements[sql] { return cached }
        if statements.count >= Self.statementCacheSize {
            for (statement, _) in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, handle) }
        statements[sql] = (statement, nil)
        return (statement, nil)
    }

    private func bind(_ value: SQLValue, at index: Int32, of statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .real(let number): sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text): sqlite_nio_sqlite3_bind_text(statement, index, text, -1, Self.transient)
        case .blob(let buffer):
            buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private func value(at column: Int32, of statement: OpaquePointer) -> SQLValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .real(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column), count > 0 else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func check(_ status: Int32, _ handle: OpaquePointer) throws {
        guard status == SQLITE_OK else { throw failure(status, handle) }
    }

    private func failure(_ status: Int32, _ handle: OpaquePointer) -> SQLiteFailure {
        SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }

    /// SQLite copies a bound value before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// An error SQLite returned, with its extended result code.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    /// A UNIQUE or PRIMARY KEY constraint refused the write.
    var isUniquenessViolation: Bool {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY, which Swift does not import (they are expressions).
        code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8)
    }

    var description: String { "SQLite error \(code): \(message)" }
}

/// A thread of its own for one connection, used as a task executor: a transaction runs on it from its first
/// statement to its commit, so that its statements cost no hop between threads and a long statement or an `fsync`
/// holds this thread, never an event loop or one of Swift's cooperative threads.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init(name: String) {
        // The thread keeps its executor alive until `stop()`.
        let thread = Thread { self.runJobs() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs queued so far have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            let batch = jobs
            jobs = []
            let done = batch.isEmpty && stopping
            condition.unlock()
            if done { return }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
