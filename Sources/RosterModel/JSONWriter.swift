/// Writes compact JSON text straight to bytes. `JSON.serializedBytes` writes through it; the hottest responses use it
/// directly, so that no `JSON` tree is built and freed for them.
///
/// Separators are written by the writer: a member's key or an array's element that does not open its container is
/// preceded by a comma. The writer owns a growing buffer of its own (an array's appends cost more, checking
/// uniqueness and capacity on each), and its methods are inlinable, so that a response compiles to copies into it in
/// the module that writes it.
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    @inlinable public init(capacity: Int = 512) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What was written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Runs `body` with what was written so far, without copying it.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Opens an object, runs `body` to write its members, and closes it.
    @inlinable public mutating func object(_ body: (inout JSONWriter) -> Void) {
        write(UInt8(ascii: "{"))
        body(&self)
        write(UInt8(ascii: "}"))
    }

    /// Writes an array of `elements`, each written by `body`.
    @inlinable public mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        write(UInt8(ascii: "["))
        for element in elements {
            separate()
            body(&self, element)
        }
        write(UInt8(ascii: "]"))
    }

    /// Writes a member's key; its value is written next. Keys are Roster's own names, written without escaping.
    @inlinable public mutating func key(_ name: StaticString) {
        separate()
        write(UInt8(ascii: "\""))
        write(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        write(UInt8(ascii: "\""))
        write(UInt8(ascii: ":"))
    }

    /// Writes a member's key that comes from data, escaped.
    @inlinable public mutating func escapedKey(_ name: String) {
        separate()
        string(name)
        write(UInt8(ascii: ":"))
    }

    @inlinable public mutating func null() { write("null") }
    @inlinable public mutating func bool(_ value: Bool) { write(value ? "true" : "false") }
    @inlinable public mutating func int(_ value: Int) { stringContent(String(value)) }
    /// A number, or `null` when it is not finite.
    @inlinable public mutating func double(_ value: Double) { value.isFinite ? stringContent(String(value)) : null() }

    /// A string, or `null` when nil.
    @inlinable public mutating func string(_ value: String?) {
        guard let value else { return null() }
        write(UInt8(ascii: "\""))
        stringContent(value)
        write(UInt8(ascii: "\""))
    }

    /// A string written in parts: `parts` writes them with `stringContent(_:)`, or with `raw(_:)` when already escaped.
    @inlinable public mutating func string(_ parts: (inout JSONWriter) -> Void) {
        write(UInt8(ascii: "\""))
        parts(&self)
        write(UInt8(ascii: "\""))
    }

    /// Writes `value`'s characters inside a string: control characters as `\u00XX` (or `\n`, `\r`, `\t`), quotes
    /// and backslashes escaped.
    @inlinable public mutating func stringContent(_ value: String) {
        var value = value
        value.withUTF8 { source in
            // Runs of bytes that need no escape are copied whole; eight bytes at a time are checked at once.
            var start = 0
            var index = 0
            while index < source.count {
                if index + 8 <= source.count,
                    !Self.mayNeedEscape(UnsafeRawPointer(source.baseAddress! + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = source[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                write(UnsafeBufferPointer(rebasing: source[start..<index - 1]))
                start = index
                escape(byte)
            }
            write(UnsafeBufferPointer(rebasing: source[start...]))
        }
    }

    /// Writes `json` as it is: JSON text, or a string's escaped content, that a writer wrote before (`bytes`).
    @inlinable public mutating func raw(_ json: [UInt8]) {
        json.withUnsafeBufferPointer { write($0) }
    }

    /// Writes `text` as it is: Roster's own JSON text, which needs no escaping.
    @inlinable public mutating func raw(_ text: StaticString) { write(text) }

    /// Writes a `JSON` value.
    @inlinable public mutating func value(_ value: JSON) {
        switch value {
        case .null: null()
        case .bool(let value): bool(value)
        case .int(let value): int(value)
        case .double(let value): double(value)
        case .string(let value): string(value)
        case .array(let values): array(values) { $0.value($1) }
        case .object(let members):
            object { writer in
                for (name, member) in members {
                    writer.escapedKey(name)
                    writer.value(member)
                }
            }
        }
    }

    /// A comma, unless the last byte opened an object or array (or nothing was written yet).
    @inlinable mutating func separate() {
        guard count > 0, base[count - 1] != UInt8(ascii: "{"), base[count - 1] != UInt8(ascii: "[") else { return }
        write(UInt8(ascii: ","))
    }

    @usableFromInline mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): write(#"\""#)
        case UInt8(ascii: "\\"): write(#"\\"#)
        case UInt8(ascii: "\n"): write(#"\n"#)
        case UInt8(ascii: "\r"): write(#"\r"#)
        case UInt8(ascii: "\t"): write(#"\t"#)
        default:
            let hex: StaticString = "0123456789abcdef"
            write(#"\u00"#)
            write(hex.utf8Start[Int(byte >> 4)])
            write(hex.utf8Start[Int(byte & 0x0F)])
        }
    }

    @inlinable mutating func write(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    @inlinable mutating func write(_ text: StaticString) {
        write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable mutating func write(_ source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress, source.count > 0 else { return }
        if capacity - count < source.count { grow(toHold: source.count) }
        (base + count).update(from: start, count: source.count)
        count += source.count
    }

    /// Makes room for `extra` more bytes, at least doubling the buffer.
    @usableFromInline mutating func grow(toHold extra: Int) {
        let newCapacity = Swift.max(capacity * 2, count + extra)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Whether any of the eight bytes in `word` is a control character, `"` or a backslash.
    @inlinable static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highBits != 0 }
        let isControl = (word &- ones &* 0x20) & ~word & highBits != 0
        return isControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }
}
