import NIOCore
import RosterStore
import SQLiteNIO

extension SQLiteTransaction: TableCopying {
    func columnNames(of table: String) async throws -> [String] {
        try await query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]).map { row in
            guard case .text(let name) = row.column("name") else { throw StoreError.unavailable("table_info has no name") }
            return name
        }
    }

    func rows(of table: String, columns: [String], key: [String], after: [StoredValue]?, limit: Int) async throws -> [[StoredValue]] {
        var binds = (after ?? []).map(SQLiteData.init)
        binds.append(.integer(limit))
        let condition = after == nil ? "" : "WHERE (\(Self.quoted(key))) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))"
        return try await query(
            "SELECT \(Self.quoted(columns)) FROM \(table) \(condition) ORDER BY \(Self.quoted(key)) LIMIT ?", binds
        ).map { try $0.values.map(StoredValue.init) }
    }

    func insert(into table: String, columns: [String], rows: [[StoredValue]]) async throws {
        guard !rows.isEmpty else { return }
        let tuple = "(\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
        try await query(
            "INSERT INTO \(table) (\(Self.quoted(columns))) VALUES \(Array(repeating: tuple, count: rows.count).joined(separator: ", "))",
            rows.flatMap { $0.map(SQLiteData.init) })
    }

    func deleteAll(from table: String) async throws {
        try await query("DELETE FROM \(table)")
    }

    /// Column names, quoted and separated by commas.
    private static func quoted(_ columns: [String]) -> String {
        columns.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ", ")
    }
}

extension SQLiteData {
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
    fileprivate init(_ value: SQLiteData) throws {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .text(let text): self = .text(text)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        case .float: throw StoreError.unavailable("Roster's tables hold no floating-point numbers")
        }
    }
}
