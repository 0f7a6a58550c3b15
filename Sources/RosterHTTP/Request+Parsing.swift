import Foundation
import HTTPTypes
import Hummingbird
import RosterModel
import RosterStore

/// How one list endpoint pages: its limits and default order, as OpenAI's reference gives them.
struct ListRules {
    var defaultLimit: Int
    var limitRange: ClosedRange<Int> = 0...1000
    var defaultOrder: ListOrder = .ascending
    /// The kind of identifier `after` must be.
    var cursorKind: IdentifierKind
    /// Whether the endpoint takes `order` at all.
    var acceptsOrder = true
}

/// The body of every role assignment request.
private struct AssignRoleBody: Decodable { let role_id: String }

extension HTTPFields {
    /// `self[name]`: the field's value, or the values of every field with that name joined as the subscript joins
    /// them. Reads the common single field without the subscript's joining, which costs more than the lookup.
    func value(_ name: HTTPField.Name) -> String? {
        var value: String?
        for field in self where field.name == name {
            guard value == nil else { return self[name] }
            value = field.value
        }
        return value
    }
}

extension Request {
    /// Query parameters, percent-decoded (keys too, so `emails%5B%5D` is `emails[]`), in request order. A `+`
    /// stays a `+`, so that `emails=a+b@example.com` means that address.
    var query: [(key: String, value: String)] { queryParameters(plusIsSpace: false) }

    /// Query parameters decoded as an HTML form: `+` is a space.
    var formQuery: [(key: String, value: String)] { queryParameters(plusIsSpace: true) }

    private func queryParameters(plusIsSpace: Bool) -> [(key: String, value: String)] {
        guard let query = uri.query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ raw: Substring) -> String {
                let text = plusIsSpace ? raw.replacingOccurrences(of: "+", with: " ") : String(raw)
                return text.removingPercentEncoding ?? text
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The last value of a query parameter.
    func queryValue(_ name: String) -> String? {
        query.last { $0.key == name }?.value
    }

    /// Every value of an array query parameter, in request order: `name[]=…` (the SDK's form) and `name=…`, repeated.
    func queryValues(_ name: String) -> [String] {
        query.filter { $0.key == name || $0.key == "\(name)[]" }.map(\.value)
    }

    /// A boolean query parameter: `true` or `false`, `defaultValue` when absent; anything else is a 400 naming it.
    func boolQuery(_ name: String, default defaultValue: Bool = false) throws -> Bool {
        guard let raw = queryValue(name) else { return defaultValue }
        switch raw {
        case "true": return true
        case "false": return false
        default: throw APIError.invalid("'\(name)' must be 'true' or 'false'; got '\(raw)'.", param: name)
        }
    }

    /// The page a list request asks for; a bad `limit`, `order` or `after` is a 400 naming it.
    func pageRequest(_ rules: ListRules) throws -> PageRequest {
        var page = PageRequest(limit: rules.defaultLimit, order: rules.defaultOrder)
        if let raw = queryValue("limit") {
            guard let limit = Int(raw), rules.limitRange.contains(limit) else {
                throw APIError.invalid(
                    "'limit' must be an integer from \(rules.limitRange.lowerBound) to \(rules.limitRange.upperBound); got '\(raw)'.",
                    param: "limit")
            }
            page.limit = limit
        }
        if rules.acceptsOrder, let raw = queryValue("order") {
            guard let order = ListOrder(rawValue: raw) else {
                throw APIError.invalid("'order' must be 'asc' or 'desc'; got '\(raw)'.", param: "order")
            }
            page.order = order
        }
        if let raw = queryValue("after"), !raw.isEmpty {
            guard let after = Identifier(raw, kind: rules.cursorKind) else {
                throw APIError.invalid(
                    "'after' must be the 'next' value (an id starting with '\(rules.cursorKind.prefix)') of a previous page; got '\(raw)'.",
                    param: "after")
            }
            page.after = after
        }
        return page
    }

    /// The `role_id` of a role assignment body (`{"role_id": …}`); one that is not a role id names nothing (404).
    func assignedRoleID(context: some RequestContext) async throws -> Identifier {
        let body = try await decode(AssignRoleBody.self, context: context)
        guard let roleID = Identifier(body.role_id, kind: .role) else { throw APIError.notFound(.role, body.role_id) }
        return roleID
    }

    /// The JSON body decoded as `Body`. Malformed JSON (strictly: invalid UTF-8 and trailing commas included), a
    /// missing or mistyped field is a 400 whose `param` names the field; so is a string with a control character
    /// other than tab and line breaks, or longer than `Validation.maximumTextLength` Unicode scalars. A body over the
    /// context's limit is a 413.
    func decode<Body: Decodable>(_ type: Body.Type, context: some RequestContext) async throws -> Body {
        guard let decoded = try await decodeIfPresent(type, context: context) else {
            throw APIError.invalid("The request needs a JSON body.", param: nil, code: "invalid_json")
        }
        return decoded
    }

    /// `decode(_:context:)` for an operation whose body is optional: nil when the request has none.
    func decodeIfPresent<Body: Decodable>(_ type: Body.Type, context: some RequestContext) async throws -> Body? {
        guard let parsed = try await jsonBodyIfPresent(context: context) else { return nil }
        do {
            return try JSONValueDecoder.decode(Body.self, from: parsed)
        } catch let error as DecodingError {
            throw Self.apiError(error)
        }
    }

    /// The members of the body's JSON object, for a route on the hot path that reads its few fields itself rather than
    /// through `Decodable`. The body is checked as `decode(_:context:)` checks it, and `BodyFields` answers a missing
    /// or mistyped field with the same errors.
    func bodyFields(context: some RequestContext) async throws -> BodyFields {
        guard let parsed = try await jsonBodyIfPresent(context: context) else {
            throw APIError.invalid("The request needs a JSON body.", param: nil, code: "invalid_json")
        }
        guard case .object(let members) = parsed else {
            throw APIError.invalid("The request body must be a JSON object.", param: nil, code: "invalid_json")
        }
        return BodyFields(members: members)
    }

    /// The body parsed as JSON, its strings checked; nil when the request has none. See `decode(_:context:)`.
    private func jsonBodyIfPresent(context: some RequestContext) async throws -> JSON? {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        let parsed: JSON
        do {
            parsed = try JSON.parse(Array(buffer.readableBytesView))
        } catch {
            throw APIError.invalid(
                "We could not parse the JSON body of your request. Send valid JSON with 'Content-Type: application/json'.",
                param: nil, code: "invalid_json")
        }
        if let path = Validation.firstUnacceptableString(in: parsed) {
            throw APIError.invalid(
                "'\(path)' must be at most \(Validation.maximumTextLength) characters with no control characters.", param: path)
        }
        return parsed
    }

    private static func apiError(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String? {
            guard !codingPath.isEmpty else { return nil }
            return codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let param = path(context.codingPath + [key])
            return .invalid("Missing required parameter: '\(param ?? key.stringValue)'.", param: param, code: "missing_required_parameter")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            guard let param = path(context.codingPath) else {
                return .invalid("The request body must be a JSON object.", param: nil, code: "invalid_json")
            }
            return .invalid("Invalid type for '\(param)': expected \(describe(type)).", param: param, code: "invalid_type")
        case .dataCorrupted(let context):
            if let param = path(context.codingPath) {
                return .invalid("Invalid value for '\(param)'.", param: param)
            }
            return .invalid(
                "We could not parse the JSON body of your request. Send valid JSON with 'Content-Type: application/json'.",
                param: nil, code: "invalid_json")
        @unknown default:
            return .invalid("We could not parse the JSON body of your request.", param: nil, code: "invalid_json")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is [String].Type, is [String]?.Type: "an array of strings"
        case is [Any].Type: "an array"
        case is Bool.Type: "a boolean"
        case is Int.Type: "an integer"
        default: "a JSON object"
        }
    }
}

/// The members of a JSON object body (`Request.bodyFields(context:)`), read by name with the errors a `Decodable` body
/// gives: a missing field is a 400 `missing_required_parameter`, one of another type (or null where one is required)
/// a 400 `invalid_type`, each naming the field. Of a repeated name, the parser kept the last.
struct BodyFields {
    let members: [(String, JSON)]

    /// The string field `name`.
    func string(_ name: String) throws -> String {
        guard let value = members.first(where: { $0.0 == name })?.1 else {
            throw APIError.invalid("Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        }
        guard case .string(let string) = value else { throw Self.notAString(name) }
        return string
    }

    /// The string field `name`, nil when it is absent or null.
    func optionalString(_ name: String) throws -> String? {
        switch members.first(where: { $0.0 == name })?.1 {
        case nil, .null?: return nil
        case .string(let string)?: return string
        default: throw Self.notAString(name)
        }
    }

    private static func notAString(_ name: String) -> APIError {
        .invalid("Invalid type for '\(name)': expected a string.", param: name, code: "invalid_type")
    }
}

extension RequestContext {
    /// The identifier in path parameter `name`; one that is not of `kind` names nothing, so it is a 404.
    func identifier(_ name: String, _ kind: IdentifierKind) throws -> Identifier {
        let raw = parameters.get(name) ?? ""
        guard let id = Identifier(raw, kind: kind) else { throw APIError.notFound(kind, raw) }
        return id
    }
}
