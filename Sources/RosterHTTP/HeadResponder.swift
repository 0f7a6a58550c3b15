import HTTPTypes
import Hummingbird

/// Answers `HEAD` wherever `GET` is served: the request runs as a `GET` through the whole router (authentication
/// included) and the answer keeps its status and headers, without the body.
struct HeadResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == RosterRequestContext {
    typealias Context = RosterRequestContext
    let base: Base

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response: Response
        do {
            response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        } catch {
            response = APIError(error).response(forPath: request.uri.path)
        }
        response.body = ResponseBody()
        return response
    }
}
