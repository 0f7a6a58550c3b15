import NIOCore
import RosterModel
import RosterStore

/// A value bound to a statement or read from a row, in either backend.
package enum SQLValue: Sendable {
    case text(String)
    case integer(Int)
    /// SQLite's floating-point values; Roster's tables hold none, so reading one is a store fault.
    case real(Double)
    case blob(ByteBuffer)
    case null

    /// Text, or NULL when nil.
    package static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }

    package var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    package var integer: Int? {
        if case .integer(let number) = self { return number }
        return nil
    }

    package var blob: ByteBuffer? {
        if case .blob(let bytes) = self { return bytes }
        return nil
    }
}

/// A row of a result: its values by column name. A missing or mistyped column is a store fault, never a crash.
package struct Row: Sendable {
    /// The column names of one result, shared by its rows.
    package final class Names: Sendable {
        let indexes: [String: Int]

        package init(_ names: [String]) {
            var indexes: [String: Int] = [:]
            for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
            self.indexes = indexes
        }
    }

    package let names: Names
    package let values: [SQLValue]

    package init(names: Names, values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    /// The value of the column named `name`; nil when the result has no such column.
    package func column(_ name: String) -> SQLValue? {
        names.indexes[name].map { values[$0] }
    }

    package func string(_ column: String) throws -> String {
        guard let value = self.column(column)?.string else { throw StoreError.unavailable("column \(column) is missing") }
        return value
    }

    package func optionalString(_ column: String) -> String? {
        self.column(column)?.string
    }

    package func int(_ column: String) throws -> Int {
        guard let value = self.column(column)?.integer else { throw StoreError.unavailable("column \(column) is missing") }
        return value
    }

    package func bool(_ column: String) throws -> Bool { try int(column) != 0 }

    package func identifier(_ column: String) throws -> Identifier { Identifier(trusted: try string(column)) }

    package func bytes(_ column: String) throws -> [UInt8] {
        guard var blob = self.column(column)?.blob else { throw StoreError.unavailable("column \(column) is missing") }
        return blob.readBytes(length: blob.readableBytes) ?? []
    }
}
