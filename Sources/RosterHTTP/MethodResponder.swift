import HTTPTypes
import Hummingbird

/// What the router's routes do not say about methods:
/// - `HEAD` is answered wherever `GET` is: the request runs as a `GET` through the whole router (authentication
///   included) and the answer keeps its status and headers, without the body;
/// - a method Roster serves nowhere (`TRACE`, `CONNECT`, anything else) on a known path is a 405 naming the methods
///   the path takes in `Allow`, like any other method the path does not take.
struct MethodResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == RosterRequestContext {
    typealias Context = RosterRequestContext
    let base: Base

    /// The methods some route serves, or answers 405 for (`Application+build.swift`).
    static var routedMethods: Set<HTTPRequest.Method> { methodsRouted }

    func respond(to request: Request, context: Context) async throws -> Response {
        if request.method == .head {
            var response = try await answer(request, as: .get, context: context)
            response.body = ResponseBody()
            return response
        }
        guard !Self.routedMethods.contains(request.method) else { return try await base.respond(to: request, context: context) }
        // Every known path answers OPTIONS (405 unless it serves it), so asking it tells whether the path is known.
        let probe = try await answer(request, as: .options, context: context)
        guard probe.status == .methodNotAllowed, let allow = probe.headers[.allow] else { return probe }
        var response = APIError(
            .methodNotAllowed, "\(request.method.rawValue) is not allowed here; this path accepts \(allow).", code: "method_not_allowed"
        ).response(forPath: request.uri.path)
        response.headers[.allow] = allow
        // The probe went through the request log, which gave it the request's id.
        for field in probe.headers where field.name.canonicalName == "x-request-id" { response.headers.append(field) }
        return response
    }

    /// The answer to `request` asked with `method` instead, errors included.
    private func answer(_ request: Request, as method: HTTPRequest.Method, context: Context) async throws -> Response {
        var head = request.head
        head.method = method
        do {
            return try await base.respond(to: Request(head: head, body: request.body), context: context)
        } catch {
            return APIError(error).response(forPath: request.uri.path)
        }
    }
}

/// `MethodResponder.routedMethods`, made once: a generic type cannot store it.
private let methodsRouted: Set<HTTPRequest.Method> = [.get, .post, .put, .patch, .delete, .options]
