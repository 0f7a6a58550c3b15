/// Why a use case refused a request. The HTTP layer turns it into OpenAI's error envelope.
public struct ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of failure, which decides the HTTP status.
    public enum Kind: Equatable, Sendable {
        /// The request itself is wrong (400).
        case invalidRequest
        /// Something the request names does not exist in the way the request needs it (404).
        case notFound
        /// The request conflicts with the current state: a taken name, a predefined role, a SCIM-managed group (409).
        case conflict
        /// The caller is not authenticated (401).
        case unauthenticated
        /// The caller is authenticated but lacks a permission the request needs (403).
        case forbidden
    }

    public let kind: Kind
    /// A sentence for the person reading the error.
    public let message: String
    /// The request field at fault, when there is one.
    public let param: String?
    /// A short machine-readable reason, such as `scim_managed`.
    public let code: String?

    public init(_ kind: Kind, _ message: String, param: String? = nil, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.param = param
        self.code = code
    }

    public var description: String { message }

    static func invalid(_ message: String, param: String?, code: String = "invalid_value") -> ServiceError {
        ServiceError(.invalidRequest, message, param: param, code: code)
    }
}
