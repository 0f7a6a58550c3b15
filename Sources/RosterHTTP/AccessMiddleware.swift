import Hummingbird
import RosterModel
import RosterService

/// Authenticates `Authorization: Bearer <admin key>` and lets the request through only when the key's user holds what
/// `OperationPermissions` says the route needs: the organization permission, or for a route under a project the
/// project permission inside the project named by the `project_id` path parameter. A missing or bad key is a 401; a
/// missing permission is a 403 (`missing_permission`) naming it, and a route missing from the table is refused. Both
/// are answered in the envelope of the API the path belongs to. The key, its user and the decision come from one read
/// of the store.
///
/// Failed authentications are throttled per client address (`FailedAuthenticationThrottle`): past the budget, a 429
/// `rate_limit_exceeded` with `Retry-After`.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext
    let organization: Organization
    let settings: HTTPSettings
    let throttle: FailedAuthenticationThrottle
    let metrics: RosterMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = settings.clientAddress(for: request.head, peer: context.peerAddress)
        guard let header = request.headers.value(.authorization) else {
            throw APIError(
                .unauthorized,
                "You didn't provide an API key. Send it in an Authorization header: 'Authorization: Bearer YOUR_KEY'.",
                code: "missing_api_key")
        }
        let secret = Self.bearerSecret(header)
        // The key's SHA-256 serves both the throttle (a presented key, remembered without keeping it) and the lookup.
        let fingerprint = Organization.keyHash(secret ?? header)
        let admission = throttle.admission(address: address, fingerprint: fingerprint)
        if let seconds = admission.retryAfter {
            var response = APIError(
                .tooManyRequests,
                "Too many requests with invalid API keys came from your address; try again in \(seconds) seconds.",
                code: "rate_limit_exceeded", type: "requests"
            ).response(forPath: request.uri.path)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        do {
            guard secret != nil else {
                throw APIError(.unauthorized, "The Authorization header must be 'Bearer YOUR_KEY'.", code: "invalid_api_key")
            }
            let response = try await checked(request, context: context, keyHash: fingerprint, next: next)
            if !admission.isKnownGood { throttle.noteSuccess(address: address, fingerprint: fingerprint) }
            return response
        } catch let error as ServiceError where error.kind == .forbidden && error.code == "missing_permission" {
            metrics.recordDecision(allowed: false)
            throw error
        } catch let error as APIError where error.status == .forbidden {
            metrics.recordDecision(allowed: false)
            throw error
        } catch let error as ServiceError where error.kind == .unauthenticated {
            throttle.noteFailure(address: address)
            throw error
        } catch let error as APIError where error.status == .unauthorized {
            throttle.noteFailure(address: address)
            throw error
        }
    }

    /// The key of an `Authorization: Bearer KEY` header; nil for any other header.
    static func bearerSecret(_ header: String) -> String? {
        // The scheme is compared byte by byte, ignoring case, without splitting the header or lower-casing a copy.
        let scheme = "bearer".utf8
        let utf8 = header.utf8
        guard utf8.count > scheme.count + 1, zip(utf8, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let afterScheme = utf8.index(utf8.startIndex, offsetBy: scheme.count)
        guard utf8[afterScheme] == UInt8(ascii: " ") else { return nil }
        // Extra spaces after the scheme are not part of the key.
        guard let start = utf8[utf8.index(after: afterScheme)...].firstIndex(where: { $0 != UInt8(ascii: " ") }) else { return nil }
        return String(header[start...])
    }

    /// Authenticates and authorizes the request, then runs the route; `keyHash` is the SHA-256 of the presented key.
    private func checked(
        _ request: Request, context: Context, keyHash: [UInt8], next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = context.endpointPath ?? request.uri.path
        guard let requirement = OperationPermissions.requirement(request.method, path) else {
            // Still authenticate first, so that an unknown key learns nothing about the routes.
            _ = try await organization.authenticate(keyHash: keyHash)
            throw APIError(
                .forbidden, "\(request.method.rawValue) \(path) has no permission defined for it, so no key may call it.",
                code: "missing_permission")
        }
        let projectID = context.parameters.get("project_id").flatMap { Identifier($0, kind: .project) }
        var context = context
        context.caller = try await organization.authenticateAndAuthorize(
            keyHash: keyHash, requirement, projectID: projectID, operation: "\(request.method.rawValue) \(path)")
        metrics.recordDecision(allowed: true)
        return try await next(request, context)
    }
}
