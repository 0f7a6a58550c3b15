import HTTPTypes
import Hummingbird
import NIOCore
import RosterModel
import RosterSCIM
import RosterService
import RosterStore

/// An error as the client sees it: a status and OpenAI's envelope
/// `{"error": {"message", "type", "param", "code"}}`, or under `/scim/v2` SCIM's (RFC 7644 §3.12).
/// `init(_:)` is the one place where every other error (use case, store, SCIM, framework) becomes one of these.
public struct APIError: Error, Equatable, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?

    public init(
        _ status: HTTPResponse.Status, _ message: String, param: String? = nil, code: String? = nil,
        type: String = "invalid_request_error"
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// A 400 for a request field.
    static func invalid(_ message: String, param: String?, code: String = "invalid_value") -> APIError {
        APIError(.badRequest, message, param: param, code: code)
    }

    /// A 404 for an identifier that names nothing.
    static func notFound(_ kind: IdentifierKind, _ id: String) -> APIError {
        APIError(.notFound, "No \(noun(kind)) found with id '\(id)'.", code: "not_found")
    }

    /// Maps any error to what the client sees. Errors that are not the client's fault become a 500 whose
    /// message hides the details (they are logged).
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as SCIMError:
            self.init(HTTPResponse.Status(code: error.status), error.detail, code: error.scimType)
        case let error as ServiceError:
            let status: HTTPResponse.Status =
                switch error.kind {
                case .invalidRequest: .badRequest
                case .notFound: .notFound
                case .conflict: .conflict
                case .unauthenticated: .unauthorized
                case .forbidden: .forbidden
                }
            self.init(status, error.message, param: error.param, code: error.code)
        case let error as StoreError:
            if let (kind, key) = error.missing {
                self = .notFound(kind, key)
            } else if let message = error.conflictMessage {
                self.init(.conflict, message, code: "conflict")
            } else if error.isUnreachable {
                self.init(
                    .serviceUnavailable, "The database cannot be reached right now; retry shortly.", code: "store_unavailable",
                    type: "server_error")
            } else {
                self.init(.internalServerError, "The server could not complete the request.", code: "server_error", type: "server_error")
            }
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, "The request body is larger than the 1 MiB the server accepts.", code: "request_too_large")
        case let error as HTTPError where error.status == .notFound:
            self.init(.notFound, "No such endpoint. See GET /openapi.yaml for the endpoints Roster serves.", code: "unknown_url")
        case let error as HTTPError:
            self.init(error.status, error.body ?? error.status.reasonPhrase, type: error.status.code >= 500 ? "server_error" : "invalid_request_error")
        default:
            self.init(.internalServerError, "The server could not complete the request.", code: "server_error", type: "server_error")
        }
    }

    /// The response in the envelope of the API `path` belongs to.
    func response(forPath path: String) -> Response {
        path.hasPrefix("/scim/") ? scimResponse() : response()
    }

    /// The response carrying SCIM's error body; `scimType` comes from the code when it is one of RFC 7644's.
    func scimResponse() -> Response {
        let scimTypes: Set<String> = [
            "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget",
            "invalidValue", "invalidVers", "sensitive",
        ]
        var scimType = code.flatMap { scimTypes.contains($0) ? $0 : nil }
        // A taken name is SCIM's `uniqueness`; other conflicts (such as `last_owner`) have no SCIM type.
        if scimType == nil, status == .conflict, code == nil || code == "conflict" { scimType = "uniqueness" }
        if scimType == nil, status == .badRequest { scimType = code == "invalid_json" ? "invalidSyntax" : "invalidValue" }
        var members: [(String, JSON)] = [
            ("schemas", .array([.string(SCIMSchemas.errorURN)])), ("status", .string(String(status.code))),
        ]
        if let scimType { members.append(("scimType", .string(scimType))) }
        members.append(("detail", .string(message)))
        return Response(
            status: status, headers: [.contentType: SCIMController.scimMediaType],
            body: ResponseBody(byteBuffer: ByteBuffer(json: .object(members))))
    }

    /// The response carrying the envelope.
    func response() -> Response {
        let body: JSON = .object([
            (
                "error",
                .object([
                    ("message", .string(message)), ("type", .string(type)), ("param", .optional(param)),
                    ("code", .optional(code)),
                ])
            )
        ])
        var response = Response.json(body, status: status)
        // A database that cannot be reached is worth asking again soon (OpenAI's SDKs honour Retry-After).
        if code == "store_unavailable" { response.headers[.retryAfter] = "1" }
        return response
    }

    private static func noun(_ kind: IdentifierKind) -> String {
        switch kind {
        case .user: "user"
        case .group: "group"
        case .role: "role"
        case .adminKey: "admin API key"
        case .project: "project"
        case .serviceAccount: "service account"
        case .invite: "invite"
        case .auditLog: "audit log event"
        }
    }
}

extension Response {
    /// A JSON response.
    static func json(_ body: JSON, status: HTTPResponse.Status = .ok) -> Response {
        json(ByteBuffer(json: body), status: status)
    }

    /// A JSON response of text already written (`ByteBuffer(writer:)`).
    static func json(_ text: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: text))
    }
}

extension ByteBuffer {
    /// `json` as compact JSON text.
    init(json: JSON) {
        var writer = JSONWriter()
        writer.value(json)
        self.init(writer: writer)
    }

    /// What `writer` wrote, copied once.
    init(writer: borrowing JSONWriter) {
        self = writer.withUnsafeBytes { ByteBuffer(bytes: $0) }
    }
}
