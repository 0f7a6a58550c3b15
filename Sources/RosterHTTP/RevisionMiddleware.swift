import HTTPTypes
import Hummingbird
import RosterService

/// Revision tokens. Every successful response carries `roster-revision`, the revision of the change feed this instance's
/// policy holds when the response is sent; a write's response is sent after its own revision is applied, so its header
/// names a revision that includes it. A request carrying `roster-min-revision: N` is decided and answered only once the
/// policy holds revision N or later: the policy catches up with the store first. When the store has no revision N (no
/// server sharing it has made it), or cannot be read for `wait` (2 s), the answer is 503 `revision_unavailable`, which a
/// client may retry. A value that is not a whole number from 0 up is a 400.
struct RevisionMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext
    let organization: Organization
    var wait: Duration = .seconds(2)

    static let revision = HTTPField.Name("roster-revision")!
    static let minimumRevision = HTTPField.Name("roster-min-revision")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let value = request.headers.value(Self.minimumRevision) {
            guard let wanted = Int(value), wanted >= 0 else {
                return APIError(
                    .badRequest, "The roster-min-revision header must be a revision number from a roster-revision header; got '\(value.prefix(40))'.",
                    param: "roster-min-revision", code: "invalid_revision"
                ).response(forPath: request.uri.path)
            }
            let reached: Bool
            do {
                reached = try await organization.reachPolicy(revision: wanted, timeout: wait)
            } catch {
                reached = false
            }
            guard reached else {
                var response = APIError(
                    .serviceUnavailable,
                    "Revision \(wanted) is not available here: this server's database is at revision \(organization.policy.revision). "
                        + "Retry, and check that the token came from a server sharing this database.",
                    code: "revision_unavailable", type: "server_error"
                ).response(forPath: request.uri.path)
                response.headers[.retryAfter] = "1"
                response.headers[Self.revision] = String(organization.policy.revision)
                return response
            }
        }
        // Errors become responses in `RequestLogMiddleware`, without a revision: a refused write made none.
        var response = try await next(request, context)
        // Appended: no route sets it, and appending skips the search for one that setting makes.
        response.headers.append(HTTPField(name: Self.revision, value: String(organization.policy.revision)))
        return response
    }
}
