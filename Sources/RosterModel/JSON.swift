import Foundation

/// A JSON value with its object members in order: responses are built from it so that every field OpenAI's
/// schemas require is written, `null`s included, in a stable order; SCIM resources are kept and patched as it.
public enum JSON: Equatable, Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    /// A string, or `null` when nil.
    public static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Double(a) == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The value as compact JSON text: no white space, members in their order, strings escaped as JSON requires
    /// (control characters as `\u00XX`), non-finite numbers as `null`.
    public var serialized: String { String(decoding: serializedBytes, as: UTF8.self) }

    /// `serialized`, as UTF-8 bytes.
    public var serializedBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}

extension JSON {
    /// Parses JSON text (any top-level value), keeping object members in the order they were written.
    /// Throws `JSON.SyntaxError` for anything that is not JSON (invalid UTF-8 in a string included), or nests deeper
    /// than 128 levels.
    public static func parse(_ data: Data) throws -> JSON {
        try parse(Array(data))
    }

    /// `parse(_:)` of text already in an array, without copying it.
    public static func parse(_ bytes: [UInt8]) throws -> JSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw SyntaxError(offset: parser.index) }
        return value
    }

    /// Where the text stopped being JSON.
    public struct SyntaxError: Error, Equatable {
        public let offset: Int
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        func fail() -> SyntaxError { SyntaxError(offset: index) }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < 128, index < bytes.count else { throw fail() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else { throw fail() }
            index += expected.count
        }

        mutating func object(depth: Int) throws -> JSON {
            index += 1
            var members: [(String, JSON)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail() }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail() }
                index += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw fail() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail() }
                index += 1
                return .object(Self.lastOfEach(members))
            }
        }

        /// `members` with a repeated key kept once, with its last value at its last place, as most parsers do. In time
        /// linear in the members: a body of a megabyte may hold a hundred thousand.
        static func lastOfEach(_ members: [(String, JSON)]) -> [(String, JSON)] {
            var hasRepeats = false
            if members.count <= 16 {
                hasRepeats = members.indices.contains { index in members[..<index].contains { $0.0 == members[index].0 } }
            } else {
                var seen = Set<String>(minimumCapacity: members.count)
                hasRepeats = !members.allSatisfy { seen.insert($0.0).inserted }
            }
            guard hasRepeats else { return members }
            var last: [String: Int] = [:]
            for (index, member) in members.enumerated() { last[member.0] = index }
            return members.indices.filter { last[members[$0].0] == $0 }.map { members[$0] }
        }

        mutating func array(depth: Int) throws -> JSON {
            index += 1
            var elements: [JSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail() }
                index += 1
                return .array(elements)
            }
        }

        mutating func string() throws -> String {
            index += 1
            // Most strings have no escape: take the bytes up to the closing quote whole. ASCII needs no validating, and
            // decoding it from a buffer skips the generic validation a slice would go through.
            var end = index
            var isASCII = true
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
                isASCII = isASCII && bytes[end] < 0x80
                end += 1
            }
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                let text: String
                if isASCII {
                    text = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[index..<end]), as: UTF8.self) }
                } else {
                    guard let valid = String(validating: bytes[index..<end], as: UTF8.self) else { throw fail() }
                    text = valid
                }
                index = end + 1
                return text
            }
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() throws {
                guard let text = String(validating: run, as: UTF8.self) else { throw fail() }
                scalars.append(contentsOf: text.unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    try flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    try flush()
                    index += 1
                    guard index < bytes.count else { throw fail() }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            // A surrogate pair: the low half must follow as another \u escape.
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw fail() }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail() }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw fail() }
                        scalars.append(scalar)
                    default: throw fail()
                    }
                case 0..<0x20:
                    throw fail()
                default:
                    run.append(byte)
                    index += 1
                }
            }
            throw fail()
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw fail()
            }
            index += 4
            return code
        }

        mutating func number() throws -> JSON {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            var isInteger = true
            while index < bytes.count {
                let byte = bytes[index]
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    index += 1
                } else if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte) {
                    isInteger = false
                    index += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isInteger, let value = Int(text) { return .int(value) }
            guard let value = Double(text), value.isFinite, text.last.map({ $0.isNumber }) == true else { throw fail() }
            return .double(value)
        }
    }
}

extension JSON: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            let members = try decoder.container(keyedBy: MemberKey.self)
            self = .object(try members.allKeys.map { ($0.stringValue, try members.decode(JSON.self, forKey: $0)) })
        }
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSON {
    /// The members of an object, or nil.
    public var objectValue: [(String, JSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array, or nil.
    public var arrayValue: [JSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, or nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The member named `key` of an object, compared case-insensitively as SCIM attribute names are; nil when absent.
    public subscript(member key: String) -> JSON? {
        objectValue?.first { $0.0.equalsIgnoringCase(key) }?.1
    }
}
