import Foundation
import RosterModel
import RosterStore
import SQLiteNIO

/// One transaction on one connection; the SQL of each aggregate is in its `SQLiteTransaction+…` file.
struct SQLiteTransaction: Sendable {
    let connection: DatabaseConnection
    let queryPlans: QueryPlanRecorder?

    /// How a write transaction begins: it takes the write lock at once, so writers queue rather than fail.
    static let beginWrite = "BEGIN IMMEDIATE"

    /// Runs `body` as a read transaction on `connection`: one snapshot of the database from its first statement to
    /// its last.
    static func read<T>(
        on connection: DatabaseConnection, queryPlans: QueryPlanRecorder?, _ body: (any StoreTransaction) async throws -> T
    ) async throws -> T {
        _ = try await connection.query("BEGIN")
        let transaction = SQLiteTransaction(connection: connection, queryPlans: queryPlans)
        do {
            let result = try await body(transaction)
            _ = try await connection.query("COMMIT")
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` as a savepoint of the write transaction open on `connection`, closing its revision: on success
    /// the savepoint is released into the transaction, on failure rolled back, leaving what came before it.
    static func runSavepoint<T>(
        on connection: DatabaseConnection, queryPlans: QueryPlanRecorder?, _ body: (any StoreTransaction) async throws -> T
    ) async -> Result<T, any Error> {
        do {
            _ = try await connection.query("SAVEPOINT write")
        } catch {
            return .failure(StoreError.unavailable("\(error)"))
        }
        do {
            let result = try await body(SQLiteTransaction(connection: connection, queryPlans: queryPlans))
            _ = try await connection.query(ChangeFeed.closeRevision)
            _ = try await connection.query("RELEASE write")
            return .success(result)
        } catch {
            if connection.isInTransaction {
                _ = try? await connection.query("ROLLBACK TO write")
                _ = try? await connection.query("RELEASE write")
            }
            return .failure(error)
        }
    }

    /// Runs one statement, turning uniqueness violations into `StoreError.conflict(conflictMessage)`.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLiteData] = [], conflictMessage: String? = nil) async throws -> [Row] {
        do {
            try recordPlan(sql, binds)
            return try connection.run(sql, binds)
        } catch let error as SQLiteFailure {
            guard error.isUniquenessViolation else { throw StoreError.unavailable(error.description) }
            throw StoreError.conflict(conflictMessage ?? error.message)
        }
    }

    /// Runs one read statement, calling `body` with each row as it is read (see `DatabaseConnection.forEachRow`).
    /// `wholeTable` marks a statement meant to read every row, whose plan is therefore not recorded.
    func forEachRow(_ sql: String, _ binds: [SQLiteData] = [], wholeTable: Bool = false, _ body: (Row) throws -> Void) async throws {
        do {
            if !wholeTable { try recordPlan(sql, binds) }
            try connection.forEachRow(sql, binds, body)
        } catch let error as SQLiteFailure {
            throw StoreError.unavailable(error.description)
        }
    }

    /// Records the statement's query plan, when plans are recorded.
    private func recordPlan(_ sql: String, _ binds: [SQLiteData]) throws {
        guard let queryPlans else { return }
        let plan = try connection.run("EXPLAIN QUERY PLAN \(sql)", binds)
        queryPlans.record(sql: sql, plan: plan.compactMap { $0.column("detail")?.string })
    }

    /// How many rows the last statement on this connection changed.
    func changes() async throws -> Int {
        try await query("SELECT changes() AS n").first?.column("n")?.integer ?? 0
    }

    /// `?, ?, …`: `count` placeholders for an `IN` list.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Whether a row with `id` exists in `table`.
    func exists(_ table: String, id: Identifier) async throws -> Bool {
        try await !query("SELECT 1 FROM \(table) WHERE id = ?", [.text(id.rawValue)]).isEmpty
    }

    /// The `WHERE` fragment, `ORDER BY` and `LIMIT` of a keyset page over `column`, appending their binds.
    func keyset(_ column: String, _ page: PageRequest, binds: inout [SQLiteData]) -> (condition: String, tail: String) {
        var condition = ""
        if let after = page.after {
            condition = " AND \(column) \(page.order == .ascending ? ">" : "<") ?"
            binds.append(.text(after.rawValue))
        }
        binds.append(.integer(page.limit + 1))
        return (condition, " ORDER BY \(column) \(page.order == .ascending ? "ASC" : "DESC") LIMIT ?")
    }
}

/// Reading typed values out of rows; a missing or mistyped column is a store fault, never a crash.
extension Row {
    func string(_ column: String) throws -> String {
        guard let value = self.column(column)?.string else { throw StoreError.unavailable("column \(column) is missing") }
        return value
    }

    func optionalString(_ column: String) -> String? {
        guard let data = self.column(column), !data.isNull else { return nil }
        return data.string
    }

    func int(_ column: String) throws -> Int {
        guard let value = self.column(column)?.integer else { throw StoreError.unavailable("column \(column) is missing") }
        return value
    }

    func bool(_ column: String) throws -> Bool { try int(column) != 0 }

    func identifier(_ column: String) throws -> Identifier { Identifier(trusted: try string(column)) }

    func bytes(_ column: String) throws -> [UInt8] {
        guard var blob = self.column(column)?.blob else { throw StoreError.unavailable("column \(column) is missing") }
        return blob.readBytes(length: blob.readableBytes) ?? []
    }
}
