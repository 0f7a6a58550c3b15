extension SCIMFilter {
    /// Checks the filter against `type`, throwing `invalidFilter` when it names an attribute or sub-attribute the
    /// type does not define, a sub-attribute of a simple attribute, a value path on a simple attribute, an attribute
    /// with a schema URN inside a value path, or compares a complex attribute as a whole; and when it orders (`gt`,
    /// `ge`, `lt`, `le`) a boolean or binary attribute or uses `co`, `sw`, `ew` on one (RFC 7644 §3.4.2.2), or
    /// orders or substring-matches against `true`, `false` or `null`, or substring-matches against a number.
    public func validate(for type: SCIMResourceType) throws(SCIMError) {
        try validate(in: .resource(type))
    }

    func validate(in scope: Scope) throws(SCIMError) {
        switch self {
        case .and(let terms), .or(let terms):
            for term in terms { try term.validate(in: scope) }
        case .not(let inner):
            try inner.validate(in: scope)
        case .present(let path):
            _ = try Self.resolve(path, in: scope)
        case .valuePath(let path, let inner):
            let (attribute, _) = try Self.resolve(path, in: scope)
            guard path.subAttribute == nil, attribute.type == .complex else {
                throw .invalidFilter("'\(path)' has no sub-attributes to filter on")
            }
            try inner.validate(in: .element(of: attribute))
        case .comparison(let path, let comparison, let value):
            let (attribute, leaf) = try Self.resolve(path, in: scope)
            guard let leaf, leaf.type != .complex else {
                throw .invalidFilter("'\(path)' is complex: compare one of its sub-attributes, such as '\(attribute.name).\(attribute.subAttributes.first?.name ?? "value")'")
            }
            let ordering = [.gt, .ge, .lt, .le].contains(comparison)
            let substring = [.co, .sw, .ew].contains(comparison)
            if (ordering || substring) && (leaf.type == .boolean || leaf.type == .binary) {
                throw .invalidFilter("'\(comparison.rawValue)' cannot compare the \(leaf.type.rawValue) attribute '\(path)'")
            }
            switch value {
            case .bool, .null:
                if ordering || substring {
                    throw .invalidFilter("'\(comparison.rawValue)' cannot compare '\(path)' with \(value.serialized)")
                }
            case .int, .double:
                if substring { throw .invalidFilter("'\(comparison.rawValue)' needs a string, not \(value.serialized)") }
            default: break
            }
        }
    }

    /// The attribute a path names in `scope`, and the definition of what comparisons on it look at (its
    /// sub-attribute, a complex multi-valued attribute's `value`, or itself).
    private static func resolve(_ path: SCIMAttributePath, in scope: Scope) throws(SCIMError) -> (SCIMAttribute, SCIMAttribute?) {
        let attribute: SCIMAttribute
        switch scope {
        case .resource(let type):
            guard let found = type.resolve(urn: path.urn, name: path.name) else {
                throw .invalidFilter("'\(path)' is not an attribute of \(type.name)")
            }
            attribute = found.attribute
        case .element(let parent):
            guard path.urn == nil, path.subAttribute == nil, let found = parent?.subAttribute(path.name) else {
                throw .invalidFilter("'\(path)' is not a sub-attribute of '\(parent?.name ?? "?")'")
            }
            attribute = found
        }
        guard let subAttribute = path.subAttribute else {
            return (attribute, attribute.type == .complex && attribute.multiValued ? attribute.subAttribute("value") : attribute)
        }
        guard let sub = attribute.subAttribute(subAttribute) else {
            throw .invalidFilter("'\(path)': '\(attribute.name)' has no sub-attribute '\(subAttribute)'")
        }
        return (attribute, sub)
    }
}
