import NIOCore
import RosterStore

extension PostgresTransaction: TableCopying {
    func columnNames(of table: String) async throws -> [String] {
        try await query(
            """
            SELECT column_name::text AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
            """, [.text(table)]
        ).map { try $0.string("name") }
    }

    func rows(of table: String, columns: [String], key: [String], after: [StoredValue]?, limit: Int) async throws -> [[StoredValue]] {
        var binds = (after ?? []).map(SQLValue.init)
        binds.append(.integer(limit))
        let condition = after == nil ? "" : "WHERE (\(Self.quoted(key))) > (\(Self.placeholders(key.count)))"
        return try await query(
            "SELECT \(Self.quoted(columns)) FROM \(table) \(condition) ORDER BY \(Self.quoted(key)) LIMIT ?", binds
        ).map { $0.values.map(StoredValue.init) }
    }

    func insert(into table: String, columns: [String], rows: [[StoredValue]]) async throws {
        guard !rows.isEmpty else { return }
        let tuple = "(\(Self.placeholders(columns.count)))"
        try await query(
            "INSERT INTO \(table) (\(Self.quoted(columns))) VALUES \(Array(repeating: tuple, count: rows.count).joined(separator: ", "))",
            rows.flatMap { $0.map(SQLValue.init) })
    }

    func deleteAll(from table: String) async throws {
        try await query("DELETE FROM \(table)")
    }

    /// Column names, quoted and separated by commas.
    private static func quoted(_ columns: [String]) -> String {
        columns.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ", ")
    }
}

extension SQLValue {
    fileprivate init(_ value: StoredValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .text(let text): self = .text(text)
        case .blob(let bytes): self = .blob(ByteBuffer(bytes: bytes))
        }
    }
}

extension StoredValue {
    fileprivate init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .text(let text): self = .text(text)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        }
    }
}
