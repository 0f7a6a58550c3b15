import Foundation
import Hummingbird
import RosterModel
import RosterSCIM
import RosterService

/// The query of a SCIM list or search (RFC 7644 §3.4.2, §3.4.3), and the attribute selection of any response.
struct SCIMQuery {
    var listQuery: SCIMListQuery
    var attributes: [String]?
    var excludedAttributes: [String]?

    /// From URL parameters: `filter`, `startIndex`, `count`, `attributes`, `excludedAttributes`. They are read
    /// form-encoded, `+` standing for a space, as identity providers (Entra's validator among them) send them.
    init(query request: Request) throws {
        let parameters = request.formQuery
        func value(_ name: String) -> String? { parameters.last { $0.key.equalsIgnoringCase(name) }?.value }
        try self.init(
            filter: value("filter"), startIndex: value("startIndex"), count: value("count"),
            attributes: value("attributes"), excludedAttributes: value("excludedAttributes"))
    }

    /// From a `SearchRequest` body: an object whose `filter` is a string, `startIndex` and `count` integers, and
    /// `attributes` and `excludedAttributes` strings or arrays of strings. Anything else is `invalidValue`, never a
    /// list that ignores what it could not read.
    init(searchBody body: JSON) throws {
        guard body.objectValue != nil else { throw SCIMError.invalidSyntax("A SearchRequest must be a JSON object.") }
        func text(_ name: String) throws -> String? {
            switch body[member: name] {
            case nil, .null?: return nil
            case .string(let value)? where name != "startIndex" && name != "count": return value
            case .int(let value)? where name == "startIndex" || name == "count": return String(value)
            case .array(let values)? where name == "attributes" || name == "excludedAttributes":
                let strings = values.compactMap(\.stringValue)
                guard strings.count == values.count else { throw SCIMError.invalidValue("'\(name)' must list strings.") }
                return strings.joined(separator: ",")
            default:
                let kind = name == "filter" ? "a string" : name == "startIndex" || name == "count" ? "an integer" : "a string or an array of strings"
                throw SCIMError.invalidValue("'\(name)' must be \(kind).")
            }
        }
        try self.init(
            filter: try text("filter"), startIndex: try text("startIndex"), count: try text("count"),
            attributes: try text("attributes"), excludedAttributes: try text("excludedAttributes"))
    }

    private init(filter: String?, startIndex: String?, count: String?, attributes: String?, excludedAttributes: String?) throws {
        func integer(_ raw: String?, _ name: String, default fallback: Int) throws -> Int {
            guard let raw, !raw.isEmpty else { return fallback }
            guard let value = Int(raw) else { throw SCIMError.invalidValue("'\(name)' must be an integer; got '\(raw)'.") }
            return value
        }
        func list(_ raw: String?) -> [String]? {
            raw.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }
        self.attributes = list(attributes)
        self.excludedAttributes = list(excludedAttributes)
        let excludesMembers = self.excludedAttributes?.contains { $0.equalsIgnoringCase("members") } ?? false
        let selectsOthers = self.attributes.map { !$0.isEmpty && !$0.contains { $0.lowercased().hasPrefix("members") } } ?? false
        listQuery = SCIMListQuery(
            filter: filter.flatMap { $0.isEmpty ? nil : $0 }, startIndex: try integer(startIndex, "startIndex", default: 1),
            count: try integer(count, "count", default: SCIMListQuery.defaultCount), includeMembers: !(excludesMembers || selectsOthers))
    }

    /// Whether responses should carry group members.
    var includesMembers: Bool { listQuery.includeMembers }

    /// The resource with only the attributes the client asked for.
    func project(_ resource: JSON, type: SCIMResourceType) -> JSON {
        SCIMProjection.project(resource, type: type, attributes: attributes, excludedAttributes: excludedAttributes)
    }
}
