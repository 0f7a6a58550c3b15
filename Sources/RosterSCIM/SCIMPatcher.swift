import RosterModel

/// Applies PATCH operations to one resource document; see `SCIMPatch.apply(_:to:type:)` for the rules.
struct SCIMPatcher {
    let type: SCIMResourceType
    var resource: SCIMObject

    mutating func apply(_ operation: SCIMPatchOperation) throws(SCIMError) {
        let op = operation.op
        if op == .remove {
            guard let path = operation.path else { throw .noTarget("a remove operation needs a path") }
            return try remove(at: SCIMPath(path, type: type), naming: operation.value)
        }
        guard let value = operation.value else { throw .invalidValue("an \(op.rawValue) operation needs a value") }
        if let path = operation.path { return try write(op, value, at: SCIMPath(path, type: type)) }
        guard let members = value.objectValue else {
            throw .invalidValue("an \(op.rawValue) operation without a path needs an object value")
        }
        try write(op, members, under: nil)
    }

    // MARK: Reading and storing an attribute

    /// The value of the attribute `path` names (ignoring its filter and sub-attribute). Setting stores the value
    /// under the schema's spelling, or removes the attribute when the value is unassigned (null, `[]`, `{}`); an
    /// extension object left empty is removed.
    subscript(attributeOf path: SCIMPath) -> JSON? {
        get {
            guard let attribute = path.attribute else { return path.extensionURN.flatMap { resource[$0] } }
            return path.extensionURN.map { SCIMObject(resource[$0])[attribute] } ?? resource[attribute]
        }
        set {
            let value = SCIMValues.isAssigned(newValue) ? newValue : nil
            guard let attribute = path.attribute else {
                if let urn = path.extensionURN { resource[urn] = value }
                return
            }
            guard let urn = path.extensionURN else {
                resource[attribute] = value
                return
            }
            var container = SCIMObject(resource[urn])
            container[attribute] = value
            resource[urn] = container.isEmpty ? nil : container.json
        }
    }

    // MARK: add and replace

    /// A path-less value's members, each applied with its name as the path (under `urn` inside an extension object).
    private mutating func write(_ op: SCIMPatchOperation.Kind, _ members: [(String, JSON)], under urn: String?) throws(SCIMError) {
        for (name, value) in members {
            // `schemas` is kept by `normalizeSchemas`, at the top and inside extension objects alike.
            if name.equalsIgnoringCase("schemas") { continue }
            try write(op, value, at: SCIMPath(urn.map { $0 + ":" + name } ?? name, type: type), inPathlessValue: true)
        }
    }

    /// `add` / `replace` of `value` at `path`. In a path-less value (`inPathlessValue`), a filtered name that matches
    /// nothing creates the value as `add` does, even for `replace`: Microsoft Entra sends new values that way.
    private mutating func write(
        _ op: SCIMPatchOperation.Kind, _ value: JSON, at path: SCIMPath, inPathlessValue: Bool = false
    ) throws(SCIMError) {
        if value == .null { return try remove(at: path, naming: nil) }
        guard let attribute = path.definition else {
            guard let members = value.objectValue else {
                throw .invalidValue("the value for \(path) must be an object of its attributes")
            }
            return try write(op, members, under: path.extensionURN)
        }
        if let filter = path.valueFilter {
            return try writeSelected(op, value, at: path, attribute, filter, createUnmatched: op == .add || inPathlessValue)
        }
        let current = self[attributeOf: path]

        if let sub = path.subDefinition {
            guard !attribute.multiValued else {
                throw .invalidPath("select the values of '\(attribute.name)' with a filter, as in '\(attribute.name)[type eq \"work\"].\(sub.name)'")
            }
            try Self.checkWritable(attribute, current: current)
            var object = SCIMObject(current)
            try Self.set(sub, to: value, in: &object)
            self[attributeOf: path] = object.json
            return
        }

        if attribute.mutability == .readOnly || attribute.mutability == .immutable {
            let proposed = try SCIMValues.coerce(value, to: attribute, keepReadOnly: true)
            if SCIMValues.same(current, proposed, as: attribute) { return }
            try Self.checkWritable(attribute, current: current)
        }
        let coerced = try SCIMValues.coerce(value, to: attribute)
        if attribute.multiValued {
            // `replace` adds to nothing, so that it too stores each entry once.
            var elements = op == .replace ? [] : current?.arrayValue ?? []
            var entries = SCIMEntryIndex(elements, of: attribute)
            var touched: [Int] = []
            for new in coerced.arrayValue ?? [] {
                if let index = entries.first(sameAs: new, in: elements) {
                    if attribute.type == .complex { elements[index] = try Self.merge(new, into: elements[index], attribute) }
                    touched.append(index)
                } else {
                    elements.append(new)
                    entries.add(new, at: elements.count - 1)
                    touched.append(elements.count - 1)
                }
            }
            Self.keepOnePrimary(&elements, touched: touched, attribute)
            self[attributeOf: path] = .array(elements)
        } else if attribute.type == .complex {
            self[attributeOf: path] = try Self.merge(coerced, into: current ?? .object([]), attribute)
        } else {
            self[attributeOf: path] = coerced
        }
    }

    /// `add` / `replace` on `attr[filter]` or `attr[filter].sub`.
    private mutating func writeSelected(
        _ op: SCIMPatchOperation.Kind, _ value: JSON, at path: SCIMPath, _ attribute: SCIMAttribute, _ filter: SCIMFilter,
        createUnmatched: Bool
    ) throws(SCIMError) {
        try Self.checkWritable(attribute, current: self[attributeOf: path])
        var elements = self[attributeOf: path]?.arrayValue ?? []
        var touched = elements.indices.filter { filter.evaluate(elements[$0], in: .element(of: attribute)) }
        var created = false
        if touched.isEmpty {
            guard createUnmatched, let implied = Self.impliedValue(of: filter, attribute) else {
                throw .noTarget("no value of '\(attribute.name)' matches the filter in \(path)")
            }
            elements.append(implied)
            touched = [elements.count - 1]
            created = true
        }
        let element = SCIMValues.singleValued(attribute)
        for index in touched {
            if let sub = path.subDefinition {
                var object = SCIMObject(elements[index])
                try Self.set(sub, to: value, in: &object)
                elements[index] = object.json
            } else {
                let coerced = try SCIMValues.coerce(value, to: element)
                elements[index] = op == .replace && !created ? coerced : try Self.merge(coerced, into: elements[index], attribute)
            }
        }
        Self.keepOnePrimary(&elements, touched: touched, attribute)
        self[attributeOf: path] = .array(elements)
    }

    // MARK: remove

    private mutating func remove(at path: SCIMPath, naming values: JSON?) throws(SCIMError) {
        guard let attribute = path.definition else {
            self[attributeOf: path] = nil
            return
        }
        let current = self[attributeOf: path]
        guard SCIMValues.isPresent(current) else { return }
        if let filter = path.valueFilter {
            guard var elements = current?.arrayValue else { return }
            let selected = Set(elements.indices.filter { filter.evaluate(elements[$0], in: .element(of: attribute)) })
            guard !selected.isEmpty else { return }
            try Self.checkRemovable(attribute, current: current)
            if let sub = path.subDefinition {
                for index in selected {
                    var object = SCIMObject(elements[index])
                    try Self.checkRemovable(sub, current: object[sub.name])
                    object[sub.name] = nil
                    elements[index] = object.json
                }
                elements.removeAll { !SCIMValues.isAssigned($0) }
            } else {
                elements = elements.indices.filter { !selected.contains($0) }.map { elements[$0] }
            }
            self[attributeOf: path] = .array(elements)
            return
        }
        if let sub = path.subDefinition {
            try Self.checkRemovable(attribute, current: current)
            let values = current?.arrayValue ?? current.map { [$0] } ?? []
            var remaining: [JSON] = []
            for value in values {
                var object = SCIMObject(value)
                try Self.checkRemovable(sub, current: object[sub.name])
                object[sub.name] = nil
                remaining.append(object.json)
            }
            remaining.removeAll { !SCIMValues.isAssigned($0) }
            self[attributeOf: path] = attribute.multiValued ? .array(remaining) : remaining.first
            return
        }
        if attribute.multiValued, let values, values != .null {
            try Self.checkRemovable(attribute, current: current)
            let named = try SCIMValues.coerce(values, to: attribute, keepReadOnly: true).arrayValue ?? []
            let namedEntries = SCIMEntryIndex(named, of: attribute)
            let remaining = (current?.arrayValue ?? []).filter { element in
                namedEntries.first(sameAs: element, in: named) == nil
            }
            self[attributeOf: path] = .array(remaining)
            return
        }
        try Self.checkRemovable(attribute, current: current)
        self[attributeOf: path] = nil
    }

    // MARK: schemas

    /// Makes `schemas` list the core schema and exactly the extensions holding a value, removing empty extensions.
    mutating func reconcileSchemas() {
        var schemas = (resource["schemas"]?.arrayValue ?? []).compactMap(\.stringValue)
        func listed(_ urn: String) -> Bool { schemas.contains { $0.equalsIgnoringCase(urn) } }
        if !listed(type.schema.id) { schemas.insert(type.schema.id, at: 0) }
        for (extensionSchema, _) in type.extensions {
            let urn = extensionSchema.id
            if SCIMValues.isPresent(resource[urn]) {
                if !listed(urn) { schemas.append(urn) }
            } else {
                if resource[urn] != nil { resource[urn] = nil }
                schemas.removeAll { $0.equalsIgnoringCase(urn) }
            }
        }
        resource["schemas"] = .array(schemas.map(JSON.string))
    }

    // MARK: Rules

    /// Throws `mutability` when `attribute`, now `current`, may not change: a read-only attribute never changes; an
    /// immutable one only gains a first value. Callers let unchanged writes through before asking.
    private static func checkWritable(_ attribute: SCIMAttribute, current: JSON?) throws(SCIMError) {
        switch attribute.mutability {
        case .readOnly:
            throw .mutability("'\(attribute.name)' is read-only")
        case .immutable where SCIMValues.isPresent(current):
            throw .mutability("'\(attribute.name)' is immutable: it cannot change once set")
        default:
            break
        }
    }

    /// Throws `mutability` when removing `attribute`'s value `current` is not allowed; removing nothing always is.
    private static func checkRemovable(_ attribute: SCIMAttribute, current: JSON?) throws(SCIMError) {
        if SCIMValues.isPresent(current) { try checkWritable(attribute, current: current) }
    }

    /// Sets `sub` in `object` to `value` (removing it when null), coerced to its type, unless its mutability forbids
    /// the change; writing an unchanged value is always allowed.
    private static func set(_ sub: SCIMAttribute, to value: JSON, in object: inout SCIMObject) throws(SCIMError) {
        let current = object[sub.name]
        let proposed = try SCIMValues.coerce(value, to: sub, keepReadOnly: true)
        if SCIMValues.same(current, proposed, as: sub) { return }
        try checkWritable(sub, current: current)
        object[sub.name] = SCIMValues.isAssigned(proposed) ? proposed : nil
    }

    /// `source`'s sub-attributes written over `target`'s, refusing to change a set immutable sub-attribute.
    private static func merge(_ source: JSON, into target: JSON, _ attribute: SCIMAttribute) throws(SCIMError) -> JSON {
        var object = SCIMObject(target)
        for (name, value) in source.objectValue ?? [] {
            guard let sub = attribute.subAttribute(name) else { continue }
            try set(sub, to: value, in: &object)
        }
        return object.json
    }

    /// The value a filter of `eq` terms joined by `and` describes (`type eq "work"` → `{"type": "work"}`), so that
    /// `add` on `emails[type eq "work"].value` can create the work email; nil for any other filter.
    private static func impliedValue(of filter: SCIMFilter, _ attribute: SCIMAttribute) -> JSON? {
        let terms: [SCIMFilter]
        if case .and(let all) = filter { terms = all } else { terms = [filter] }
        var object = SCIMObject(nil)
        for term in terms {
            guard case .comparison(let path, .eq, let value) = term, value != .null, path.urn == nil,
                path.subAttribute == nil, let sub = attribute.subAttribute(path.name),
                let coerced = try? SCIMValues.coerce(value, to: sub)
            else { return nil }
            object[sub.name] = coerced
        }
        return object.json
    }

    /// After values at `touched` were written: if one of them is now `primary`, every other value stops being
    /// primary (RFC 7643 §2.4), the last written one winning.
    private static func keepOnePrimary(_ elements: inout [JSON], touched: [Int], _ attribute: SCIMAttribute) {
        guard let primary = attribute.subAttribute("primary"),
            let chosen = touched.last(where: { elements[$0][member: primary.name]?.boolValue == true })
        else { return }
        for index in elements.indices where index != chosen && elements[index][member: primary.name]?.boolValue == true {
            var object = SCIMObject(elements[index])
            object[primary.name] = .bool(false)
            elements[index] = object.json
        }
    }
}
