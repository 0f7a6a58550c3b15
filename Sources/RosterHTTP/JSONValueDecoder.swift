import RosterModel

/// Decodes a `Decodable` from a body `JSON.parse` has already read, throwing the `DecodingError`s `JSONDecoder` would,
/// so that a request body is parsed once. Numbers decode as integers only when whole, and one that is not names its
/// member (where `JSONDecoder` names none); a member given twice counts once, the last time.
enum JSONValueDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from value: JSON) throws -> T {
        try T(from: ValueDecoder(value: value, codingPath: []))
    }

    /// `value` as `type`: a primitive read directly, anything else through its own `init(from:)`.
    /// `codingPath` is only worked out for an error or a nested value.
    fileprivate static func value<T: Decodable>(
        _ type: T.Type, from value: JSON, at codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        func mismatch() -> DecodingError {
            let codingPath = codingPath()
            if case .null = value {
                return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) but found null."))
            }
            return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected \(type)."))
        }
        switch type {
        case is String.Type:
            guard case .string(let text) = value else { throw mismatch() }
            return text as! T
        case is Bool.Type:
            guard case .bool(let flag) = value else { throw mismatch() }
            return flag as! T
        case is Int.Type:
            switch value {
            case .int(let number): return number as! T
            case .double(let number):
                guard let whole = Int(exactly: number) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "\(number) is not a whole number."))
                }
                return whole as! T
            default: throw mismatch()
            }
        case is Double.Type:
            switch value {
            case .int(let number): return Double(number) as! T
            case .double(let number): return number as! T
            default: throw mismatch()
            }
        default:
            if case .null = value, !(type is any ExpressibleByNilLiteral.Type) { throw mismatch() }
            return try T(from: ValueDecoder(value: value, codingPath: codingPath()))
        }
    }
}

private struct ValueDecoder: Decoder {
    let value: JSON
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            if case .null = value {
                throw DecodingError.valueNotFound([String: Any].self, .init(codingPath: codingPath, debugDescription: "Expected an object but found null."))
            }
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "Expected an object."))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "Expected an array."))
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(value: value, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The object's members in body order. A small object is searched from its end (the last of a repeated member
    /// counts); a large one is indexed by name once.
    let members: [(String, JSON)]
    let byName: [String: JSON]?
    let codingPath: [any CodingKey]

    init(members: [(String, JSON)], codingPath: [any CodingKey]) {
        self.members = members
        self.codingPath = codingPath
        byName = members.count > 16 ? Dictionary(members, uniquingKeysWith: { _, last in last }) : nil
    }

    var allKeys: [Key] {
        var seen = Set<String>()
        return members.compactMap { name, _ in seen.insert(name).inserted ? Key(stringValue: name) : nil }
    }

    func contains(_ key: Key) -> Bool { find(key.stringValue) != nil }

    private func find(_ name: String) -> JSON? {
        if let byName { return byName[name] }
        return members.last { $0.0 == name }?.1
    }

    private func member(_ key: Key) throws -> JSON {
        guard let member = find(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for '\(key.stringValue)'."))
        }
        return member
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.value(type, from: try member(key), at: codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try narrow(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try narrow(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try narrow(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try narrow(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try narrow(key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try JSONValueDecoder.value(type, from: try member(key), at: codingPath + [key])
    }

    private func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
        let number = try decode(Int.self, key)
        guard let narrowed = T(exactly: number) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "\(number) does not fit in \(T.self)."))
        }
        return narrowed
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(members), codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(value: try member(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSON]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSON], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> (JSON, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSON.self, .init(codingPath: codingPath + [Index(currentIndex)], debugDescription: "The array has no more elements."))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [Index(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (element, path) = try next()
        return try JSONValueDecoder.value(type, from: element, at: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (element, path) = try next()
        return try ValueDecoder(value: element, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (element, path) = try next()
        return try ValueDecoder(value: element, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (element, path) = try next()
        return ValueDecoder(value: element, codingPath: path)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let value: JSON
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.value(type, from: value, at: codingPath)
    }
}
