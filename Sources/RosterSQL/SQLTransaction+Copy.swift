import NIOCore
import RosterStore

extension SQLTransaction {
    package func columnNames(of table: String) async throws -> [String] {
        try await query(Self.dialect.tableColumns, [.text(table)]).map { try $0.string("name") }
    }

    package func rows(of table: String, columns: [String], key: [String], after: [StoredValue]?, limit: Int) async throws -> [[StoredValue]] {
        let sql = TableCopySQL.page(of: table, columns: columns, key: key, afterKey: after != nil)
        return try await query(sql, (after ?? []).map(SQLValue.init) + [.integer(limit)]).map { try $0.values.map(StoredValue.init) }
    }

    package func insert(into table: String, columns: [String], rows: [[StoredValue]]) async throws {
        guard !rows.isEmpty else { return }
        try await query(TableCopySQL.insert(into: table, columns: columns, rows: rows.count), rows.flatMap { $0.map(SQLValue.init) })
    }

    package func deleteAll(from table: String) async throws {
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
    fileprivate init(_ value: SQLValue) throws {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .text(let text): self = .text(text)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        case .real: throw StoreError.unavailable("Roster's tables hold no floating-point numbers")
        }
    }
}
