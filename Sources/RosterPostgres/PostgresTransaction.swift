import Logging
import NIOCore
import PostgresNIO
import RosterModel
import RosterSQL
import RosterStore
import Synchronization

/// One transaction on one leased connection; the SQL of each aggregate is RosterSQL's (`SQLTransaction`).
///
/// Statements are written with `?` placeholders, numbered `$1`, `$2`, … before they are sent.
struct PostgresTransaction: SQLTransaction {
    static let dialect = SQLDialect.postgres
    let connection: PostgresConnection
    let logger: Logger
    /// How many rows the last statement changed, from its command tag.
    private let lastRowCount = RowCount()

    private final class RowCount: Sendable {
        let value = Atomic<Int>(0)
    }

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs one statement, turning uniqueness violations into `StoreError.conflict(conflictMessage)`. A statement
    /// that may conflict runs in a savepoint of its own: PostgreSQL aborts the whole transaction on an error, and
    /// a caller may go on after a conflict it expected.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue], conflictMessage: String?) async throws -> [Row] {
        guard let conflictMessage else { return try await run(sql, binds) }
        try await execute("SAVEPOINT statement")
        do {
            let rows = try await run(sql, binds)
            try await execute("RELEASE SAVEPOINT statement")
            return rows
        } catch let error as StoreError {
            try? await execute("ROLLBACK TO SAVEPOINT statement")
            throw error.conflictMessage != nil ? StoreError.conflict(conflictMessage) : error
        }
    }

    /// Runs one read statement, calling `body` with each row as it is read.
    func forEachRow(_ sql: String, _ binds: [SQLValue], wholeTable: Bool, _ body: (Row) throws -> Void) async throws {
        do {
            let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(binds))
            let rows = try await withTaskExecutorPreference(EventLoopExecutor(connection.eventLoop)) {
                try Self.checkOpen(connection)
                return try await connection.query(query, logger: logger)
            }
            var names: Row.Names?
            for try await row in rows {
                let known = names ?? Row.Names(row.map(\.columnName))
                names = known
                try body(Row(names: known, values: try row.map(Self.value(of:))))
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Queues a statement without binds or rows on the connection, without waiting for it: the connection runs its
    /// statements in order, so the next one runs after it, and fails when it did (or when the connection closed and
    /// dropped it: see `checkOpen(_:)`).
    func send(_ sql: String) {
        let _: EventLoopFuture<PostgresQueryResult> = connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// Runs a statement without binds or rows (transaction control); `changes()` still tells about the one before.
    func execute(_ sql: String) async throws {
        _ = try await run(sql, [], counts: false)
    }

    private func run(_ sql: String, _ binds: [SQLValue], counts: Bool = true) async throws -> [Row] {
        do {
            let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(binds))
            let result = try await connection.eventLoop.flatSubmit { [connection, logger] () -> EventLoopFuture<PostgresQueryResult> in
                do {
                    try Self.checkOpen(connection)
                } catch {
                    return connection.eventLoop.makeFailedFuture(error)
                }
                return connection.query(query, logger: logger)
            }.get()
            if counts { lastRowCount.value.store(result.metadata.rows ?? 0, ordering: .relaxed) }
            guard let first = result.rows.first else { return [] }
            let names = Row.Names(first.map(\.columnName))
            return try result.rows.map { row in Row(names: names, values: try row.map(Self.value(of:))) }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Throws when the connection has closed; called on its event loop just before a statement is written to it.
    ///
    /// PostgresNIO drops a statement written to a connection once closed, without ever answering it: a transaction
    /// whose connection the server closed between two statements would wait for the second forever (seen as a
    /// shutdown that never ended when PostgreSQL stopped during it). On the event loop, the connection cannot close
    /// between this check and the write that follows it in the same turn; a statement written to an open connection
    /// is answered, or failed when it closes.
    private static func checkOpen(_ connection: PostgresConnection) throws {
        connection.eventLoop.preconditionInEventLoop()
        if connection.isClosed { throw StoreError.unreachable("PostgreSQL: the connection was closed") }
    }

    /// How many rows the last statement on this transaction changed.
    func changes() async throws -> Int {
        lastRowCount.value.load(ordering: .relaxed)
    }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`, …; Roster's SQL has no `?` inside a literal.
    static func numbered(_ sql: String) -> String {
        guard sql.utf8.contains(UInt8(ascii: "?")) else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .blob(let bytes): bindings.append(bytes)
            case .real(let number): bindings.append(number)
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(try cell.decode(ByteBuffer.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// PostgreSQL aborted the transaction to keep it apart from another (a serialization failure or a deadlock);
    /// `PostgresDatastore` runs it again.
    struct SerializationFailure: Error {
        let message: String
    }

    /// A PostgreSQL error as the store's: a uniqueness violation is a conflict; anything else PostgreSQL or the
    /// connection reports is the backend's fault. Other errors (a transaction body's own) pass through.
    static func storeError(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? ""
            if state == "23505" { return StoreError.conflict(message) }
            if state == "40001" || state == "40P01" { return SerializationFailure(message: "\(state) \(message)") }
            // Connection exceptions, too many connections, and a server shutting down or starting up.
            if state.hasPrefix("08") || state == "53300" || state.hasPrefix("57P") {
                return StoreError.unreachable("PostgreSQL error \(state): \(message)")
            }
            return StoreError.unavailable("PostgreSQL error \(state): \(message)")
        }
        // No answer from the server: it could not be reached, or the connection broke.
        return StoreError.unreachable("PostgreSQL: \(String(reflecting: error))")
    }
}

/// Runs a task's jobs on an event loop, so that code there can check a connection and write to it in one turn of
/// the loop.
private final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
