/// A cell of a table as both backends store it.
public enum StoredValue: Sendable, Hashable {
    case null
    case integer(Int)
    case text(String)
    case blob([UInt8])
}

/// Whole tables, read and written as they are stored, for copying an organization from one database to another.
/// Both backends' transactions conform; both hold the same tables with the same columns.
public protocol TableCopying: Sendable {
    /// The names of `table`'s columns.
    func columnNames(of table: String) async throws -> [String]
    /// Up to `limit` rows of `table` (its `columns`, in that order), in the order of the primary key `key` (columns
    /// of `columns`), after the row whose key is `after`; from the first row when `after` is nil.
    func rows(of table: String, columns: [String], key: [String], after: [StoredValue]?, limit: Int) async throws -> [[StoredValue]]
    /// Inserts `rows` (values of `columns`, in that order) into `table` as they are.
    func insert(into table: String, columns: [String], rows: [[StoredValue]]) async throws
    /// Deletes every row of `table`.
    func deleteAll(from table: String) async throws
}

/// The statements a backend runs for `TableCopying`, in the SQL both backends speak, with `?` placeholders.
public enum TableCopySQL {
    /// Up to `?` (the last bind) rows of `columns` in `key` order; with `afterKey`, after the key bound first.
    public static func page(of table: String, columns: [String], key: [String], afterKey: Bool) -> String {
        let condition = afterKey ? "WHERE (\(quoted(key))) > (\(placeholders(key.count)))" : ""
        return "SELECT \(quoted(columns)) FROM \(table) \(condition) ORDER BY \(quoted(key)) LIMIT ?"
    }

    /// An insert of `rows` rows of `columns`, bound row after row.
    public static func insert(into table: String, columns: [String], rows: Int) -> String {
        let tuple = "(\(placeholders(columns.count)))"
        return "INSERT INTO \(table) (\(quoted(columns))) VALUES \(Array(repeating: tuple, count: rows).joined(separator: ", "))"
    }

    /// Column names, quoted and separated by commas.
    private static func quoted(_ columns: [String]) -> String {
        columns.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ", ")
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// Copies a whole organization, from one snapshot of the source, into an empty database in one transaction: every
/// row of every table, so identifiers, key hashes, the audit log and the revisions stay as they are (`roster copy`).
public enum OrganizationCopy {
    /// The tables, each after the tables its rows refer to, with their primary keys.
    static let tables: [(name: String, key: [String])] = [
        ("users", ["id"]), ("groups", ["id"]), ("group_members", ["group_id", "user_id"]), ("projects", ["id"]),
        ("roles", ["id"]), ("user_roles", ["user_id", "role_id"]), ("group_roles", ["group_id", "role_id"]),
        ("admin_keys", ["id"]), ("project_members", ["project_id", "user_id"]), ("project_groups", ["project_id", "group_id"]),
        ("service_accounts", ["id"]), ("project_api_keys", ["id"]), ("project_model_permissions", ["project_id"]),
        ("project_disabled_tools", ["project_id", "tool"]), ("project_rate_limits", ["project_id", "model"]), ("models", ["id"]),
        ("invites", ["id"]), ("audit_logs", ["id"]),
        ("revisions", ["revision"]), ("changes", ["revision", "kind", "entity"]),
    ]

    /// The change feed's tables, written last: writing the other tables makes the destination's own revisions, which
    /// the source's then replace.
    private static let feed: Set<String> = ["revisions", "changes"]

    /// How many rows are read and written at a time.
    static let batch = 500

    /// Why a copy cannot be made.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies every table of `source` into `destination`, which must hold no organization yet (a new database: its
    /// predefined roles and revisions are replaced by the source's). Calls `progress` with each table's name and how
    /// many of its rows are copied so far, every few thousand rows and when the table is done. Returns the number of
    /// rows copied.
    @discardableResult
    public static func copy(
        from source: any Datastore, to destination: any Datastore, progress: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> Int {
        try await source.read { reading in
            guard let from = reading as? any TableCopying else { throw Refusal(description: "the source cannot be copied") }
            return try await destination.withTransaction { writing in
                guard let to = writing as? any TableCopying else { throw Refusal(description: "the destination cannot be copied into") }
                guard try await to.rows(of: "users", columns: ["id"], key: ["id"], after: nil, limit: 1).isEmpty else {
                    throw Refusal(description: "the destination holds an organization already; copy into a new, empty database")
                }
                for table in tables.reversed() { try await to.deleteAll(from: table.name) }
                var total = 0
                for table in tables where !feed.contains(table.name) {
                    total += try await copy(table, from: from, to: to, progress: progress)
                }
                for table in tables where feed.contains(table.name) {
                    try await to.deleteAll(from: table.name)
                }
                for table in tables where feed.contains(table.name) {
                    total += try await copy(table, from: from, to: to, progress: progress)
                }
                return total
            }
        }
    }

    private static func copy(
        _ table: (name: String, key: [String]), from: any TableCopying, to: any TableCopying, progress: @Sendable (String, Int) -> Void
    ) async throws -> Int {
        let columns = try await from.columnNames(of: table.name)
        let destinationColumns = try await to.columnNames(of: table.name)
        guard Set(columns) == Set(destinationColumns) else {
            throw Refusal(
                description: "the table \(table.name) has columns \(columns.sorted()) in the source but \(destinationColumns.sorted()) "
                    + "in the destination; use the same version of Roster for both")
        }
        let keyPositions = table.key.compactMap { columns.firstIndex(of: $0) }
        var after: [StoredValue]?
        var copied = 0
        while true {
            let rows = try await from.rows(of: table.name, columns: columns, key: table.key, after: after, limit: batch)
            guard let last = rows.last else { break }
            try await to.insert(into: table.name, columns: columns, rows: rows)
            copied += rows.count
            if copied % 10_000 < batch { progress(table.name, copied) }
            after = keyPositions.map { last[$0] }
            if rows.count < batch { break }
        }
        progress(table.name, copied)
        return copied
    }
}
