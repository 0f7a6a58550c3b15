import RosterModel

/// One operation of a PATCH request (RFC 7644 §3.5.2).
public struct SCIMPatchOperation: Sendable, Equatable, Decodable {
    /// The three operations RFC 7644 §3.5.2 defines, spelt in lower case.
    public enum Kind: String, Sendable, CaseIterable {
        case add, replace, remove
    }

    /// What the operation does.
    public let op: Kind
    /// The target, as the client wrote it; nil when the operation has none.
    public let path: String?
    /// The value; nil when the operation carries none, `.null` when it carries `null`.
    public let value: JSON?

    /// An operation from its parts; the path is read only when the operation is applied.
    public init(op: Kind, path: String? = nil, value: JSON? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// Reads one element of a PatchOp's `Operations`. Member names and the `op` value are matched case-insensitively
    /// (Microsoft Entra sends `"Replace"` and `"Add"`); a `null` path counts as none. Throws `invalidSyntax` when the
    /// element is not an object, `op` is missing or not add, replace or remove, or `path` is not a string.
    public init(_ json: JSON) throws(SCIMError) {
        guard json.objectValue != nil else { throw .invalidSyntax("each PATCH operation must be an object") }
        guard let opText = json[member: "op"]?.stringValue,
            let op = Kind.allCases.first(where: { $0.rawValue.equalsIgnoringCase(opText) })
        else {
            throw .invalidSyntax("a PATCH operation's 'op' must be 'add', 'replace' or 'remove'")
        }
        var path: String?
        switch json[member: "path"] {
        case nil, .null?: path = nil
        case .string(let text)?: path = text
        default: throw .invalidSyntax("a PATCH operation's 'path' must be a string")
        }
        self.init(op: op, path: path, value: json[member: "value"])
    }

    /// Decodes as `init(_:)` reads, failing with the `SCIMError` it throws.
    public init(from decoder: any Decoder) throws {
        try self.init(JSON(from: decoder))
    }
}
