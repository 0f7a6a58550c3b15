import RosterModel

extension SCIMValues {
    /// `value` as `attribute`'s schema says it must be, tolerating what identity providers send:
    /// - a boolean as the string `"True"` / `"false"` (Microsoft Entra); an integer as an integral double or a
    ///   numeric string; a decimal as a numeric string; a string attribute given an integer, as its digits;
    /// - a single value for a multi-valued attribute, as a one-element array; a bare string for a complex attribute
    ///   that has a `value` sub-attribute, as `{"value": …}`, and a one-element array for a single-valued complex
    ///   attribute, as its element (Microsoft Entra's `manager`).
    ///
    /// Complex values keep only the sub-attributes the schema defines, spelt as it spells them, without nulls, and
    /// without read-only sub-attributes unless `keepReadOnly` (read-only values are the server's to set, RFC 7644
    /// §3.5.1). Throws `invalidValue` when a value cannot be read as its type; `dateTime` strings must be ISO 8601.
    static func coerce(_ value: JSON, to attribute: SCIMAttribute, keepReadOnly: Bool = false) throws(SCIMError) -> JSON {
        guard attribute.multiValued else { return try coerceOne(value, to: attribute, keepReadOnly: keepReadOnly) }
        var elements: [JSON] = []
        for element in value.arrayValue ?? [value] where element != .null {
            if element.arrayValue != nil { throw .invalidValue("'\(attribute.name)' values cannot be arrays") }
            elements.append(try coerceOne(element, to: attribute, keepReadOnly: keepReadOnly))
        }
        return .array(elements)
    }

    private static func coerceOne(_ value: JSON, to attribute: SCIMAttribute, keepReadOnly: Bool) throws(SCIMError) -> JSON {
        if value == .null { return .null }
        let mismatch = SCIMError.invalidValue("'\(attribute.name)' must be \(article(attribute.type)), not \(value.serialized)")
        switch attribute.type {
        case .complex:
            switch value {
            case .object(let members):
                var result = SCIMObject(nil)
                for (key, member) in members {
                    guard let sub = attribute.subAttribute(key), keepReadOnly || sub.mutability != .readOnly else { continue }
                    let coerced = try coerce(member, to: sub, keepReadOnly: keepReadOnly)
                    if isAssigned(coerced) { result[sub.name] = coerced }
                }
                return result.json
            case .array(let elements) where elements.count == 1 && !attribute.multiValued:
                return try coerceOne(elements[0], to: attribute, keepReadOnly: keepReadOnly)
            case .string, .int, .double, .bool:
                guard attribute.subAttribute("value") != nil else { throw mismatch }
                return try coerceOne(.object([("value", value)]), to: attribute, keepReadOnly: keepReadOnly)
            default:
                throw mismatch
            }
        case .boolean:
            guard let flag = boolean(value) else { throw mismatch }
            return .bool(flag)
        case .integer:
            switch value {
            case .int: return value
            case .double(let number): if let integer = Int(exactly: number) { return .int(integer) }
            case .string(let text): if let integer = Int(text.trimmingWhitespace) { return .int(integer) }
            default: break
            }
            throw mismatch
        case .decimal:
            switch value {
            case .int, .double: return value
            case .string(let text): if let number = Double(text.trimmingWhitespace), number.isFinite { return .double(number) }
            default: break
            }
            throw mismatch
        case .dateTime:
            guard let text = value.stringValue, SCIMDateTime(text) != nil else { throw mismatch }
            return value
        case .string, .reference, .binary:
            switch value {
            case .string: return value
            case .int(let number) where attribute.type == .string: return .string(String(number))
            default: throw mismatch
            }
        }
    }

    /// Whether a value is stored at all: null, `[]` and `{}` are not (RFC 7643 §2.5).
    static func isAssigned(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?: false
        case .array(let elements)?: !elements.isEmpty
        case .object(let members)?: !members.isEmpty
        default: true
        }
    }

    private static func article(_ type: SCIMAttribute.DataType) -> String {
        switch type {
        case .integer: "an integer"
        case .dateTime: "a dateTime (ISO 8601)"
        case .complex: "an object"
        default: "a \(type.rawValue)"
        }
    }
}
