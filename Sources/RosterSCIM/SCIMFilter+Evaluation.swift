import RosterModel

extension SCIMFilter {
    /// Where a filter's attribute names are looked up: the resource type, or the sub-attributes of one complex
    /// attribute (inside `attr[…]`).
    enum Scope {
        case resource(SCIMResourceType)
        case element(of: SCIMAttribute?)
    }

    /// Whether `resource` satisfies the filter (RFC 7644 §3.4.2.2), with attributes described by `type`:
    /// - Strings compare case-insensitively (Unicode case folding) unless the attribute is `caseExact`.
    /// - `gt`, `ge`, `lt`, `le` order strings lexicographically; `dateTime` attributes (`meta.created`,
    ///   `meta.lastModified`, …) compare as instants, with or without fractional seconds and offsets; numbers compare
    ///   as numbers; booleans never order.
    /// - A multi-valued attribute matches when any of its values does; a complex multi-valued attribute named without
    ///   a sub-attribute compares its values' `value` sub-attribute.
    /// - `pr` holds when the attribute has a value that is not null, `""`, `[]` or `{}` (or an object of only those).
    /// - `eq null` holds when the attribute has no value, `ne null` when it has one; `ne` holds exactly when `eq` does not.
    /// - Attributes the type does not define are looked up by name and compared as case-insensitive strings.
    public func matches(_ resource: JSON, type: SCIMResourceType) -> Bool {
        evaluate(resource, in: .resource(type))
    }

    func evaluate(_ object: JSON, in scope: Scope) -> Bool {
        switch self {
        case .and(let terms): return terms.allSatisfy { $0.evaluate(object, in: scope) }
        case .or(let terms): return terms.contains { $0.evaluate(object, in: scope) }
        case .not(let inner): return !inner.evaluate(object, in: scope)
        case .present(let path):
            let operand = Operand(path, in: object, scope: scope)
            return path.subAttribute == nil ? SCIMValues.isPresent(operand.raw) : operand.leaves.contains(where: SCIMValues.isPresent)
        case .valuePath(let path, let inner):
            let operand = Operand(path, in: object, scope: scope)
            let elements = operand.raw?.arrayValue ?? operand.raw.map { [$0] } ?? []
            return elements.contains { inner.evaluate($0, in: .element(of: operand.attribute)) }
        case .comparison(let path, let comparison, let expected):
            let operand = Operand(path, in: object, scope: scope)
            switch (comparison, expected) {
            case (.eq, .null): return operand.leaves.isEmpty
            case (.ne, .null): return !operand.leaves.isEmpty
            case (_, .null): return false
            case (.ne, _):
                return !operand.leaves.contains { Self.compare($0, .eq, expected, operand.leaf) }
            default:
                return operand.leaves.contains { Self.compare($0, comparison, expected, operand.leaf) }
            }
        }
    }

    /// The values a path reaches in one object.
    struct Operand {
        /// The attribute's definition, when the scope defines it.
        var attribute: SCIMAttribute?
        /// The attribute's value as stored.
        var raw: JSON?
        /// The values comparisons look at: each value of a multi-valued attribute, each value's sub-attribute, or a
        /// complex multi-valued attribute's `value`s; nulls left out.
        var leaves: [JSON] = []
        /// The definition of what `leaves` hold.
        var leaf: SCIMAttribute?

        init(_ path: SCIMAttributePath, in object: JSON, scope: Scope) {
            switch scope {
            case .resource(let type):
                if let (attribute, extensionURN) = type.resolve(urn: path.urn, name: path.name) {
                    self.attribute = attribute
                    raw = (extensionURN.map { object[member: $0] } ?? object)?[member: attribute.name]
                } else {
                    raw = (path.urn.map { object[member: $0] } ?? object)?[member: path.name]
                }
            case .element(let parent):
                attribute = parent?.subAttribute(path.name)
                raw = object[member: path.name]
            }
            let values = raw?.arrayValue ?? raw.map { [$0] } ?? []
            if let subAttribute = path.subAttribute {
                leaf = attribute?.subAttribute(subAttribute)
                leaves = values.compactMap { $0[member: subAttribute] }.flatMap { $0.arrayValue ?? [$0] }
            } else if values.contains(where: { $0.objectValue != nil }) {
                leaf = attribute?.subAttribute("value")
                leaves = values.compactMap { $0[member: "value"] }
            } else {
                leaf = attribute
                leaves = values
            }
            leaves.removeAll { $0 == .null }
        }
    }

    /// Whether one stored value stands in `comparison` to the filter's value, by the attribute's type.
    static func compare(_ actual: JSON, _ comparison: ComparisonOperator, _ expected: JSON, _ attribute: SCIMAttribute?) -> Bool {
        switch (actual, expected) {
        case (.string(let actualText), .string(let expectedText)):
            if attribute?.type == .dateTime, let a = SCIMDateTime(actualText), let b = SCIMDateTime(expectedText) {
                switch comparison {
                case .co, .sw, .ew: break
                default: return order(a, b, comparison)
                }
            }
            if attribute?.type == .boolean, let a = SCIMValues.boolean(actual), let b = SCIMValues.boolean(expected) {
                return comparison == .eq && a == b
            }
            let caseExact = attribute?.caseExact ?? false
            let a = caseExact ? actualText : Validation.comparisonKey(actualText)
            let b = caseExact ? expectedText : Validation.comparisonKey(expectedText)
            switch comparison {
            case .co: return a.contains(b)
            case .sw: return a.hasPrefix(b)
            case .ew: return a.hasSuffix(b)
            default: return order(a, b, comparison)
            }
        case (.bool, _), (_, .bool):
            guard comparison == .eq, let a = SCIMValues.boolean(actual), let b = SCIMValues.boolean(expected) else { return false }
            return a == b
        case (.int(let a), .int(let b)):
            return order(a, b, comparison)
        case (.int, .double), (.double, .int), (.double, .double):
            guard let a = SCIMValues.number(actual), let b = SCIMValues.number(expected) else { return false }
            return order(a, b, comparison)
        default:
            return false
        }
    }

    private static func order<T: Comparable>(_ a: T, _ b: T, _ comparison: ComparisonOperator) -> Bool {
        switch comparison {
        case .eq: a == b
        case .ne: a != b
        case .gt: a > b
        case .ge: a >= b
        case .lt: a < b
        case .le: a <= b
        case .co, .sw, .ew: false
        }
    }
}
