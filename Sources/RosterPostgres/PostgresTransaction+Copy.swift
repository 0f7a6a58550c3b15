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
        let sql = TableCopySQL.page(of: table, columns: columns, key: key, afterKey: after != nil)
        return try await query(sql, (after ?? []).map(SQLValue.init) + [.integer(limit)]).map { $0.values.map(StoredValue.init) }
    }

    func insert(into table: String, columns: [String], rows: [[StoredValue]]) async throws {
        guard !rows.isEmpty else { return }
        try await query(TableCopySQL.insert(into: table, columns: columns, rows: rows.count), rows.flatMap { $0.map(SQLValue.init) })
    }

    func deleteAll(from table: String) async throws {
        try await query("DELETE FROM \(table)")
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
