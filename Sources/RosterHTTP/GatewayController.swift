import HTTPTypes
import Hummingbird
import RosterModel
import RosterService

/// `/v1/gateway/authorize`: the forward-auth endpoint an AI gateway asks before it lets a model call through. It takes
/// any method, and the original path either appended (`/v1/gateway/authorize/v1/chat/completions`, Envoy's
/// `ext_authz`) or in a header (`X-Original-URI`, nginx's `auth_request`; `X-Forwarded-Uri`, Traefik's
/// `ForwardAuth`). The client's own `Authorization: Bearer` project or service account key is what is checked;
/// `X-Roster-Model` and `X-Roster-Tool` name the model and hosted tool when the gateway knows them.
///
/// 200 (no body) carries what the upstream may want in `X-Roster-*` headers; a key that cannot be used is a 401 and a
/// call the key may not make a 403, in OpenAI's error envelope. Decided from the in-memory policy alone. Not behind
/// `AccessMiddleware` (admin keys do not call models) nor its throttle: behind a gateway every client shares one
/// address, and a project key's 48 random letters and digits cannot be guessed.
struct GatewayController {
    let organization: Organization
    let routes: GatewayRoutes

    static let path = "v1/gateway/authorize"
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options]

    static let originalURI = HTTPField.Name("X-Original-URI")!
    static let forwardedURI = HTTPField.Name("X-Forwarded-Uri")!
    static let model = HTTPField.Name("X-Roster-Model")!
    static let tool = HTTPField.Name("X-Roster-Tool")!

    /// The headers of an allowed call.
    enum Answer {
        static let projectID = HTTPField.Name("X-Roster-Project-Id")!
        static let principalType = HTTPField.Name("X-Roster-Principal-Type")!
        static let principalID = HTTPField.Name("X-Roster-Principal-Id")!
        static let keyID = HTTPField.Name("X-Roster-Key-Id")!
        static let requestsPerMinute = HTTPField.Name("X-Roster-RateLimit-Requests-Per-Minute")!
        static let tokensPerMinute = HTTPField.Name("X-Roster-RateLimit-Tokens-Per-Minute")!
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        for method in Self.methods {
            router.on(RouterPath(Self.path), method: method, use: authorize)
            router.on(RouterPath(Self.path + "/**"), method: method, use: authorize)
        }
    }

    @Sendable func authorize(_ request: Request, context: RosterRequestContext) async throws -> Response {
        guard let header = request.headers.value(.authorization) else {
            throw APIError(
                .unauthorized, "You didn't provide an API key. Send it in an Authorization header: 'Authorization: Bearer YOUR_KEY'.",
                code: "missing_api_key")
        }
        guard let secret = AccessMiddleware.bearerSecret(header) else {
            throw APIError(.unauthorized, "The Authorization header must be 'Bearer YOUR_KEY'.", code: "invalid_api_key")
        }
        let call = Organization.ModelCall(
            path: try Self.originalPath(request), model: request.headers.value(Self.model), tool: request.headers.value(Self.tool))
        let grant = try await organization.authorize(call, keyHash: Organization.keyHash(secret), routes: routes)
        var headers: HTTPFields = [
            Answer.projectID: grant.key.projectID.rawValue, Answer.keyID: grant.key.id.rawValue,
            Answer.principalID: grant.key.owner.id.rawValue,
        ]
        headers[Answer.principalType] = if case .user = grant.key.owner { "user" } else { "service_account" }
        if let limits = grant.limits {
            headers[Answer.requestsPerMinute] = limits[.requestsPerMinute].map(String.init)
            headers[Answer.tokensPerMinute] = limits[.tokensPerMinute].map(String.init)
        }
        return Response(status: .ok, headers: headers)
    }

    /// The path of the call being authorized, percent-decoded and without its query: what follows
    /// `/v1/gateway/authorize` in the request's own path, else `X-Original-URI`, else `X-Forwarded-Uri`. A 400 when
    /// there is none, and for a path with `.` or `..` segments or empty ones (`//`), which an upstream could resolve
    /// to another API than the one decided on.
    static func originalPath(_ request: Request) throws -> String {
        let own = request.uri.path
        let prefix = "/" + path
        let raw: Substring
        if own.count > prefix.count + 1, own.hasPrefix(prefix + "/") {
            raw = own.dropFirst(prefix.count)
        } else if let uri = request.headers.value(originalURI) ?? request.headers.value(forwardedURI), uri.hasPrefix("/") {
            raw = uri.prefix { $0 != "?" && $0 != "#" }
        } else {
            throw APIError.invalid(
                "Which call should be authorized? Append its path (/v1/gateway/authorize/v1/chat/completions) or send it in "
                    + "X-Original-URI (nginx) or X-Forwarded-Uri (Traefik).", param: nil, code: "missing_original_uri")
        }
        let decoded = raw.contains("%") ? raw.removingPercentEncoding ?? String(raw) : String(raw)
        let dotted = decoded.hasSuffix("/.") || decoded.hasSuffix("/..") || decoded.contains("/./") || decoded.contains("/../")
        guard decoded == "/" || !(dotted || decoded.contains("//") || decoded.hasSuffix("/")) else {
            throw APIError.invalid(
                "The path to authorize, '\(decoded.prefix(200))', has empty, '.' or '..' segments; send the path as the upstream will see it.",
                param: nil, code: "invalid_path")
        }
        return decoded
    }
}
