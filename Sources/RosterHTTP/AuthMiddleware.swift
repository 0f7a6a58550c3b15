import Hummingbird
import RosterService

/// Authenticates `Authorization: Bearer <admin key>` and records the caller in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext
    let organization: Organization

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(
                .unauthorized,
                "You didn't provide an API key. Send it in an Authorization header: 'Authorization: Bearer YOUR_KEY'.",
                code: "missing_api_key")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError(.unauthorized, "The Authorization header must be 'Bearer YOUR_KEY'.", code: "invalid_api_key")
        }
        var context = context
        context.caller = try await organization.authenticate(secret: String(parts[1]))
        return try await next(request, context)
    }
}
