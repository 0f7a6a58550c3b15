import Foundation
import RosterModel
import RosterSQL
import RosterStore

/// One transaction on one connection; the SQL of each aggregate is RosterSQL's (`SQLTransaction`).
struct SQLiteTransaction: SQLTransaction {
    static let dialect = SQLDialect.sqlite
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
    func query(_ sql: String, _ binds: [SQLValue], conflictMessage: String?) async throws -> [Row] {
        do {
            try recordPlan(sql, binds)
            return try connection.run(sql, binds)
        } catch let error as SQLiteFailure {
            guard error.isUniquenessViolation else { throw StoreError.unavailable(error.description) }
            throw StoreError.conflict(conflictMessage ?? error.message)
        }
    }

    /// Runs one read statement, calling `body` with each row as it is read (see `DatabaseConnection.forEachRow`).
    /// A `wholeTable` statement's plan is not recorded.
    func forEachRow(_ sql: String, _ binds: [SQLValue], wholeTable: Bool, _ body: (Row) throws -> Void) async throws {
        do {
            if !wholeTable { try recordPlan(sql, binds) }
            try connection.forEachRow(sql, binds, body)
        } catch let error as SQLiteFailure {
            throw StoreError.unavailable(error.description)
        }
    }

    /// Records the statement's query plan, when plans are recorded.
    private func recordPlan(_ sql: String, _ binds: [SQLValue]) throws {
        guard let queryPlans else { return }
        let plan = try connection.run("EXPLAIN QUERY PLAN \(sql)", binds)
        queryPlans.record(sql: sql, plan: plan.compactMap { $0.column("detail")?.string })
    }

    /// How many rows the last statement on this connection changed.
    func changes() async throws -> Int {
        try await query("SELECT changes() AS n").first?.column("n")?.integer ?? 0
    }
}
