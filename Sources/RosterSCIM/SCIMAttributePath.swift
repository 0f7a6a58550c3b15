/// A reference to an attribute as filters write it (RFC 7644 §3.4.2.2 `attrPath`): `[URN ":"] attrName ["." subAttr]`,
/// such as `userName`, `name.familyName` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
/// It keeps the spelling it was given; names are matched case-insensitively when a filter is evaluated.
public struct SCIMAttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN before the attribute name, or nil when the path does not name one.
    public let urn: String?
    /// The attribute name.
    public let name: String
    /// The sub-attribute after the `.`, or nil.
    public let subAttribute: String?

    /// A path from its parts, taken as given (no checks; `init(parsing:)` checks text).
    public init(urn: String? = nil, _ name: String, subAttribute: String? = nil) {
        self.urn = urn
        self.name = name
        self.subAttribute = subAttribute
    }

    /// Reads `text` as an attrPath; nil when it is not one. The URN is everything before the last `:` (schema URNs
    /// contain dots and colons, attribute names contain neither) and must start with `urn:`. Names start with a
    /// letter (or `$`, for `$ref`) and continue with letters, digits, `-` and `_`.
    public init?(parsing text: some StringProtocol) {
        var rest = Substring(text)
        var urn: String?
        if let colon = rest.lastIndex(of: ":") {
            let prefix = rest[..<colon]
            guard prefix.count > 4, prefix.prefix(4).lowercased() == "urn:" else { return nil }
            urn = String(prefix)
            rest = rest[rest.index(after: colon)...]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy(Self.isName) else { return nil }
        self.init(urn: urn, String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// The path as it would be written in a filter.
    public var description: String {
        (urn.map { $0 + ":" } ?? "") + name + (subAttribute.map { "." + $0 } ?? "")
    }

    /// Whether `text` is an attribute name: RFC 7643 §2.1's `ALPHA *(nameChar)`, or `$ref`-style names.
    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetter || first == "$" else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
