/// The target of a PATCH operation (RFC 7644 §3.5.2 `PATH`), resolved against a resource type:
/// `[URN ":"] attrName ["." subAttr]`, or `attrName "[" valFilter "]" ["." subAttr]`, or an extension schema URN alone
/// for the whole extension object. Examples: `userName`, `name.givenName`, `emails[type eq "work"].value`,
/// `members[value eq "2819c223"]`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
public struct SCIMPath: Sendable, Equatable, CustomStringConvertible {
    /// The extension schema the attribute belongs to, spelt as the schema spells it; nil for core and common
    /// attributes.
    public let extensionURN: String?
    /// The attribute's name as the schema spells it; nil when the path is the extension URN alone.
    public let attribute: String?
    /// The filter in brackets, selecting values of a multi-valued complex attribute; its names are sub-attributes.
    public let valueFilter: SCIMFilter?
    /// The sub-attribute's name as the schema spells it, or nil.
    public let subAttribute: String?

    /// The attribute's definition (nil only for a whole extension).
    let definition: SCIMAttribute?
    /// The sub-attribute's definition, when there is a sub-attribute.
    let subDefinition: SCIMAttribute?

    /// Reads `text` against `type`. A URN is recognised by being one of the type's schema ids followed by `:` (or
    /// being an extension id alone), compared case-insensitively, so the dots and colons inside it do not matter.
    /// Attribute names are case-insensitive; an extension attribute may also be named without its URN. Throws
    /// `invalidPath` when the text is not a path, names a schema, attribute or sub-attribute the type does not have,
    /// puts a filter on anything but a multi-valued complex attribute, or has a filter that is not a valid filter
    /// over that attribute's sub-attributes.
    public init(_ text: String, type: SCIMResourceType) throws(SCIMError) {
        let trimmed = text.trimmingWhitespace
        var attributeText = Substring(trimmed)
        var filterText: Substring?
        var subText: Substring?
        if let open = trimmed.firstIndex(of: "[") {
            attributeText = trimmed[..<open]
            guard let close = Self.closingBracket(in: trimmed, after: open) else {
                throw .invalidPath("the '[' in '\(trimmed)' is not closed")
            }
            filterText = trimmed[trimmed.index(after: open)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ".", rest.count > 1 else { throw .invalidPath("'\(trimmed)' has '\(rest)' after its filter") }
                subText = rest.dropFirst()
            }
        }

        let (urn, rest) = type.splitSchemaPrefix(String(attributeText))
        if let urn, rest.isEmpty {
            guard filterText == nil, !urn.equalsIgnoringCase(type.schema.id) else {
                throw .invalidPath("'\(trimmed)' names a schema, not an attribute")
            }
            self.init(extensionURN: urn, attribute: nil, valueFilter: nil, subAttribute: nil, definition: nil, subDefinition: nil)
            return
        }
        guard urn != nil || !rest.contains(":") else {
            throw .invalidPath("'\(trimmed)' does not start with a schema of \(type.name)")
        }
        let names = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(names.count), names.allSatisfy(SCIMAttributePath.isName),
            names.count == 1 || filterText == nil
        else { throw .invalidPath("'\(trimmed)' is not an attribute path") }
        guard let (definition, extensionURN) = type.resolve(urn: urn, name: String(names[0])) else {
            throw .invalidPath("'\(names[0])' is not an attribute of \(type.name)")
        }
        if names.count == 2 { subText = names[1] }

        var subDefinition: SCIMAttribute?
        if let subText {
            guard SCIMAttributePath.isName(subText), let found = definition.subAttribute(String(subText)) else {
                throw .invalidPath("'\(definition.name)' has no sub-attribute '\(subText)'")
            }
            subDefinition = found
        }

        var valueFilter: SCIMFilter?
        if let filterText {
            guard definition.multiValued, definition.type == .complex else {
                throw .invalidPath("'\(definition.name)' is not multi-valued and complex, so it cannot take a filter")
            }
            do {
                let filter = try SCIMFilter(String(filterText))
                try filter.validate(in: .element(of: definition))
                valueFilter = filter
            } catch {
                throw .invalidPath("'\(trimmed)': \(error.detail)")
            }
        }
        self.init(
            extensionURN: extensionURN, attribute: definition.name, valueFilter: valueFilter,
            subAttribute: subDefinition?.name, definition: definition, subDefinition: subDefinition)
    }

    private init(
        extensionURN: String?, attribute: String?, valueFilter: SCIMFilter?, subAttribute: String?,
        definition: SCIMAttribute?, subDefinition: SCIMAttribute?
    ) {
        self.extensionURN = extensionURN
        self.attribute = attribute
        self.valueFilter = valueFilter
        self.subAttribute = subAttribute
        self.definition = definition
        self.subDefinition = subDefinition
    }

    /// The path with URN and names as the schema spells them (the filter is summarised as `[…]`).
    public var description: String {
        var text = extensionURN ?? ""
        if let attribute { text += (text.isEmpty ? "" : ":") + attribute }
        if valueFilter != nil { text += "[…]" }
        if let subAttribute { text += "." + subAttribute }
        return text
    }

    /// Paths are equal when they name the same extension, attribute, filter and sub-attribute.
    public static func == (lhs: SCIMPath, rhs: SCIMPath) -> Bool {
        lhs.extensionURN == rhs.extensionURN && lhs.attribute == rhs.attribute && lhs.valueFilter == rhs.valueFilter
            && lhs.subAttribute == rhs.subAttribute
    }

    /// The `]` matching the `[` at `open`, skipping brackets inside quoted strings.
    private static func closingBracket(in text: String, after open: String.Index) -> String.Index? {
        var quote: Character?
        var escaped = false
        var index = text.index(after: open)
        while index < text.endIndex {
            let character = text[index]
            if let current = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == current {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "]" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}
