import RosterModel

/// A SCIM filter (RFC 7644 §3.4.2.2), parsed from text such as
/// `userName eq "ann" and (emails[type eq "work" and value co "@example.com"] or not (active eq false))`.
///
/// `init(_:)` checks syntax only; `init(_:for:)` also checks the attributes against a resource type. `matches(_:type:)`
/// decides whether a resource document (core attributes at the top, extension attributes under their schema URN)
/// satisfies the filter. `equalityLookup` recognises filters an index can answer.
public enum SCIMFilter: Sendable, Equatable {
    /// The comparison operators of RFC 7644 §3.4.2.2 (`pr` is `present`), written in any case in filter text.
    public enum ComparisonOperator: String, Sendable, CaseIterable {
        case eq, ne, co, sw, ew, gt, ge, lt, le
    }

    /// The longest filter accepted, in Unicode scalars; the OpenAPI document's SCIM tag states it.
    public static let maximumLength = 2000

    /// The most conditions (`attr op value`, `attr pr`) one filter may have; the OpenAPI document's SCIM tag states it.
    public static let maximumConditions = 20

    /// `attrPath op value`, with the value a JSON string, number, boolean or null.
    case comparison(SCIMAttributePath, ComparisonOperator, JSON)
    /// `attrPath pr`.
    case present(SCIMAttributePath)
    /// Every filter matches (`a and b and c`, kept flat).
    case and([SCIMFilter])
    /// Some filter matches (`a or b or c`, kept flat).
    case or([SCIMFilter])
    /// `not (filter)`.
    indirect case not(SCIMFilter)
    /// `attrPath[filter]`: some value of the (complex) attribute matches the inner filter, whose attribute names
    /// are that attribute's sub-attributes.
    indirect case valuePath(SCIMAttributePath, SCIMFilter)

    /// Parses `text` and checks it against `type`: see `init(_:)` and `validate(for:)`.
    public init(_ text: String, for type: SCIMResourceType) throws(SCIMError) {
        try self.init(text)
        try validate(for: type)
    }

    /// The attributes whose equality with a string a store may answer from an index, each in its canonical spelling.
    public static let indexableAttributes = ["id", "externalId", "userName", "displayName", "emails.value", "members.value"]

    /// An equality every resource this filter matches satisfies, when it is one of `indexableAttributes`:
    /// `userName eq "x"`, `externalId eq "x"`, `id eq "x"`, `displayName eq "x"`, `emails.value eq "x"` (or
    /// `emails[value eq "x"]`), `members.value eq "x"` (or `members[value eq "x"]`), any of them with the core schema
    /// URN in front, or an `and` with one of these among its terms (the first is used).
    ///
    /// Resources found through an index on `attribute`, then kept only when `matches(_:type:)` holds, are exactly the
    /// resources the filter matches. The value is as written: the index must compare it the way the attribute's
    /// `caseExact` says (`id` and `externalId` exactly; `userName`, `displayName` and emails case-insensitively,
    /// by `Validation.comparisonKey`).
    public var equalityLookup: (attribute: String, value: String)? {
        switch self {
        case .comparison(let path, .eq, .string(let value)):
            return Self.indexable(path.name, path.subAttribute, urn: path.urn).map { ($0, value) }
        case .valuePath(let path, .comparison(let inner, .eq, .string(let value)))
        where path.subAttribute == nil && inner.urn == nil && inner.subAttribute == nil:
            return Self.indexable(path.name, inner.name, urn: path.urn).map { ($0, value) }
        case .and(let terms):
            return terms.lazy.compactMap(\.equalityLookup).first
        default:
            return nil
        }
    }

    private static func indexable(_ name: String, _ subAttribute: String?, urn: String?) -> String? {
        if let urn, !urn.lowercased().hasPrefix("urn:ietf:params:scim:schemas:core:2.0:") { return nil }
        let key = name + (subAttribute.map { "." + $0 } ?? "")
        return indexableAttributes.first { $0.equalsIgnoringCase(key) }
    }
}
