import RosterModel
import RosterStore

/// A transaction of a SQL backend. The SQL of each aggregate is written once, in the `SQLTransaction+…` files, over
/// the three things a backend provides: running a statement, reading rows as they come, and counting the rows the
/// last statement changed; `dialect` holds the few fragments SQLite and PostgreSQL spell differently.
///
/// Statements use `?` placeholders (the PostgreSQL backend numbers them before sending).
package protocol SQLTransaction: UserStore, GroupStore, RoleStore, AssignmentStore, AdminKeyStore, ProjectStore,
    AuditStore, InviteStore, PolicyStore, ServiceAccountStore, ProjectKeyStore, ProjectAccessStore, TableCopying
{
    static var dialect: SQLDialect { get }

    /// Runs one statement, turning uniqueness violations into `StoreError.conflict(conflictMessage)` (without a
    /// message, the database's own); a transaction may go on after a conflict.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue], conflictMessage: String?) async throws -> [Row]

    /// Runs one read statement, calling `body` with each row as it is read. `wholeTable` marks a statement meant to
    /// read every row (a backend checking query plans leaves it out).
    func forEachRow(_ sql: String, _ binds: [SQLValue], wholeTable: Bool, _ body: (Row) throws -> Void) async throws

    /// How many rows the last statement changed.
    func changes() async throws -> Int
}

/// The fragments of SQL the two backends spell differently.
package struct SQLDialect: Sendable {
    /// The larger of two values (`max(a, b)` in SQLite, `greatest(a, b)` in PostgreSQL).
    let greatest: String
    /// The smaller of two values.
    let least: String
    /// `(pair)` as an aggregate: a JSON array, as text, of one JSON array per row.
    let jsonArrays: @Sendable (_ first: String, _ second: String) -> String
    /// How a user's role sources (`sources s JOIN roles r … creator cu`) are grouped to one row per role, and the
    /// column pages of them are keyed on.
    let roleSourceGrouping: (groupBy: String, key: String)
    /// The active projects, aliased `p`, followed by a `WHERE` clause more conditions are appended to.
    let activeProjects: String
    /// A statement listing the columns of the table bound to it, in order, as `name`.
    let tableColumns: String

    package static let sqlite = SQLDialect(
        greatest: "max", least: "min",
        jsonArrays: { "json_group_array(json_array(\($0), \($1)))" },
        roleSourceGrouping: ("s.role_id", "s.role_id"),
        // The partial index `projects_active` is named, since SQLite's planner would not otherwise pick it.
        activeProjects: "projects p INDEXED BY projects_active WHERE p.archived_at IS NULL",
        tableColumns: "SELECT name FROM pragma_table_info(?) ORDER BY cid")

    package static let postgres = SQLDialect(
        greatest: "greatest", least: "least",
        jsonArrays: { "json_agg(json_build_array(\($0), \($1)))::text" },
        // PostgreSQL groups by the primary keys of the rows selected.
        roleSourceGrouping: ("r.id, cu.id", "r.id"),
        activeProjects: "projects p WHERE p.archived_at IS NULL",
        tableColumns: """
            SELECT column_name::text AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
            """)
}

extension SQLTransaction {
    @discardableResult
    package func query(_ sql: String, _ binds: [SQLValue] = []) async throws -> [Row] {
        try await query(sql, binds, conflictMessage: nil)
    }

    package func forEachRow(_ sql: String, _ binds: [SQLValue] = [], _ body: (Row) throws -> Void) async throws {
        try await forEachRow(sql, binds, wholeTable: false, body)
    }

    /// `?, ?, …`: `count` placeholders for an `IN` list.
    package static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Whether a row with `id` exists in `table`.
    package func exists(_ table: String, id: Identifier) async throws -> Bool {
        try await !query("SELECT 1 FROM \(table) WHERE id = ?", [.text(id.rawValue)]).isEmpty
    }

    /// The `WHERE` fragment, `ORDER BY` and `LIMIT` of a keyset page over `column`, appending their binds.
    package func keyset(_ column: String, _ page: PageRequest, binds: inout [SQLValue]) -> (condition: String, tail: String) {
        var condition = ""
        if let after = page.after {
            condition = " AND \(column) \(page.order == .ascending ? ">" : "<") ?"
            binds.append(.text(after.rawValue))
        }
        binds.append(.integer(page.limit + 1))
        return (condition, " ORDER BY \(column) \(page.order == .ascending ? "ASC" : "DESC") LIMIT ?")
    }
}
