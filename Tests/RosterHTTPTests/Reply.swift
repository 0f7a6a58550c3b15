import Foundation
import HTTPTypes
import Testing

/// A response as a handler test reads it: status, headers and the body, parsed on demand with JSONSerialization
/// (so a `null` member is `NSNull`, and a missing one is absent).
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    /// The body as a JSON object; throws (failing the test) when it is not one.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try #require(json as? [String: Any], "body is not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The `data` array of a list body.
    func items(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let object = try object(sourceLocation: sourceLocation)
        return try #require(object["data"] as? [[String: Any]], "no data array in: \(text)", sourceLocation: sourceLocation)
    }

    /// The `id`s of a list body's items, in order.
    func ids(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        try items(sourceLocation: sourceLocation).map { $0["id"] as? String ?? "<no id>" }
    }

    /// The request id Roster gives every response.
    var requestID: String? { headers[HTTPField.Name("x-request-id")!] }
}

/// Checks that `object` has every member in `fields`; a member whose value is `null` counts as present.
func expectFields(
    _ object: [String: Any], _ fields: [String], in what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let missing = fields.filter { object[$0] == nil }
    #expect(missing.isEmpty, "\(what) lacks \(missing); it has \(object.keys.sorted())", sourceLocation: sourceLocation)
}

/// Checks that `object[member]` is present and `null`.
func expectNull(_ object: [String: Any], _ member: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(object[member] is NSNull, "'\(member)' should be null, is \(String(describing: object[member]))", sourceLocation: sourceLocation)
}

/// Checks that `reply` is an error with `status` in OpenAI's envelope — `{"error": {message, type, param, code}}`
/// with every member present — carrying an `x-request-id`, and with `param` and `code` as given (nil means the
/// member must be `null`; `code: .some(nil)` is the way to ask for a null code, leave it out to accept any).
/// Returns the `error` object for further checks.
@discardableResult
func expectError(
    _ reply: Reply, _ status: HTTPResponse.Status, param: String?, code: String?? = .none, type: String = "invalid_request_error",
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: Any] {
    #expect(reply.status == status, "expected \(status.code), got \(reply.status.code): \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.requestID?.isEmpty == false, "no x-request-id on the \(reply.status.code)", sourceLocation: sourceLocation)
    #expect(reply.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    let envelope = try reply.object(sourceLocation: sourceLocation)
    #expect(envelope.keys.sorted() == ["error"], "the envelope has other members: \(reply.text)", sourceLocation: sourceLocation)
    let error = try #require(envelope["error"] as? [String: Any], "no error object in: \(reply.text)", sourceLocation: sourceLocation)
    expectFields(error, ["message", "type", "param", "code"], in: "the error object", sourceLocation: sourceLocation)
    #expect((error["message"] as? String)?.isEmpty == false, "the message is not a sentence: \(reply.text)", sourceLocation: sourceLocation)
    #expect(error["type"] as? String == type, "type: \(reply.text)", sourceLocation: sourceLocation)
    if let param {
        #expect(error["param"] as? String == param, "param: \(reply.text)", sourceLocation: sourceLocation)
    } else {
        expectNull(error, "param", sourceLocation: sourceLocation)
    }
    switch code {
    case .none:
        #expect(error["code"] is String || error["code"] is NSNull, sourceLocation: sourceLocation)
    case .some(.none):
        expectNull(error, "code", sourceLocation: sourceLocation)
    case .some(.some(let code)):
        #expect(error["code"] as? String == code, "code: \(reply.text)", sourceLocation: sourceLocation)
    }
    return error
}

/// The message of an error reply, or "" when there is none.
func message(_ error: [String: Any]) -> String { error["message"] as? String ?? "" }
