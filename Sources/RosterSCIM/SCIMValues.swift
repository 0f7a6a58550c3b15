import RosterModel

/// What SCIM says about values, shared by filtering, patching and projection.
enum SCIMValues {
    /// RFC 7643 §2.5: null, `""`, `[]` and `{}` (or an object holding only such values) mean "unassigned".
    static func isPresent(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?: false
        case .string(let text)?: !text.isEmpty
        case .array(let elements)?: elements.contains { isPresent($0) }
        case .object(let members)?: members.contains { isPresent($0.1) }
        default: true
        }
    }

    /// A boolean, also from the strings `"true"` / `"false"` in any case (Microsoft Entra sends `"False"`).
    static func boolean(_ value: JSON) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .string(let text) where text.equalsIgnoringCase("true"): true
        case .string(let text) where text.equalsIgnoringCase("false"): false
        default: nil
        }
    }

    static func number(_ value: JSON) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    /// Whether two values are the same for `attribute`: strings by its `caseExact`, objects member by member in any
    /// order, arrays element by element in any order, and unassigned values (see `isPresent`) equal to each other.
    static func same(_ a: JSON?, _ b: JSON?, as attribute: SCIMAttribute?) -> Bool {
        guard isPresent(a) || isPresent(b) else { return true }
        guard let a, let b else { return false }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            if attribute?.caseExact ?? false { return x == y }
            if attribute?.type == .dateTime, let s = SCIMDateTime(x), let t = SCIMDateTime(y) { return s == t }
            return Validation.comparisonKey(x) == Validation.comparisonKey(y)
        case (.array(let x), .array(let y)):
            let element = attribute.map(singleValued)
            return x.allSatisfy { e in y.contains { same(e, $0, as: element) } }
                && y.allSatisfy { e in x.contains { same(e, $0, as: element) } }
        case (.object(let x), .object(let y)):
            let keys = (x + y).filter { isPresent($0.1) }.map { $0.0.lowercased() }
            return Set(keys).allSatisfy { key in
                same(a[member: key], b[member: key], as: attribute?.subAttribute(key))
            }
        default:
            return a == b
        }
    }

    /// Whether two values of a multi-valued attribute denote the same entry: complex values with a `value` are the
    /// same when their `value`s are and their `type`s do not differ (so `{"value": "u1"}` names the member
    /// `{"value": "u1", "display": "Ann"}`); other values when `same(_:_:as:)` says so.
    static func sameEntry(_ a: JSON, _ b: JSON, of attribute: SCIMAttribute) -> Bool {
        if let x = a[member: "value"], let y = b[member: "value"], x != .null, y != .null {
            guard same(x, y, as: attribute.subAttribute("value")) else { return false }
            guard let s = a[member: "type"], let t = b[member: "type"], s != .null, t != .null else { return true }
            return same(s, t, as: attribute.subAttribute("type"))
        }
        return same(a, b, as: singleValued(attribute))
    }

    /// `attribute` describing one of its values.
    static func singleValued(_ attribute: SCIMAttribute) -> SCIMAttribute {
        SCIMAttribute(
            attribute.name, attribute.type, multiValued: false, description: attribute.description,
            required: attribute.required, caseExact: attribute.caseExact, mutability: attribute.mutability,
            returned: attribute.returned, uniqueness: attribute.uniqueness, canonicalValues: attribute.canonicalValues,
            referenceTypes: attribute.referenceTypes, subAttributes: attribute.subAttributes)
    }
}

/// The values of a multi-valued attribute indexed by their `value`, so that finding the entry a new value names
/// (`SCIMValues.sameEntry`) costs one lookup rather than a pass over every value: a PATCH adding many members to a
/// large group stays linear.
struct SCIMEntryIndex {
    private let attribute: SCIMAttribute
    private let caseExact: Bool
    /// Whether `value`s can be compared by their text (not dates, whose forms differ).
    private let keysByText: Bool
    private var keyed: [String: [Int]] = [:]
    /// Entries without a string `value`, compared one by one.
    private var unkeyed: [Int] = []

    init(_ elements: [JSON], of attribute: SCIMAttribute) {
        self.attribute = attribute
        let value = attribute.subAttribute("value")
        caseExact = value?.caseExact ?? false
        keysByText = value?.type != .dateTime
        for (offset, element) in elements.enumerated() { add(element, at: offset) }
    }

    private func key(_ element: JSON) -> String? {
        guard keysByText, let value = element[member: "value"]?.stringValue else { return nil }
        return caseExact ? value : Validation.comparisonKey(value)
    }

    mutating func add(_ element: JSON, at offset: Int) {
        if let key = key(element) { keyed[key, default: []].append(offset) } else { unkeyed.append(offset) }
    }

    /// The offset of the first indexed entry that is the same entry as `element`, or nil.
    func first(sameAs element: JSON, in elements: [JSON]) -> Int? {
        let candidates = key(element).map { (keyed[$0] ?? []) + unkeyed } ?? Array(elements.indices)
        return candidates.sorted().first { SCIMValues.sameEntry(elements[$0], element, of: attribute) }
    }
}

