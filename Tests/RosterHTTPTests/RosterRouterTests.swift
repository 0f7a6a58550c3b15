import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterHTTP
import Testing

/// `RosterRouter` resolves paths by the rules of Hummingbird's router, which Roster's routes were written against:
/// each test asks both the same requests over the same routes and expects the same answers.
@Suite struct RosterRouterTests {
    /// What a route answers: its template, its parameters (sorted) and what `**` took.
    @Sendable static func answer(_ request: Request, _ context: RosterRequestContext) -> String {
        let rest = context.parameters.getCatchAll().joined(separator: "/")
        let parameters = context.parameters.filter { !$0.key.contains("*") }.map { "\($0.key)=\($0.value)" }.sorted()
        return "\(context.endpointPath ?? "-") [\(parameters.joined(separator: ","))]" + (rest.isEmpty ? "" : " " + rest)
    }

    /// Routes that answer with their template, their parameters (sorted) and what `**` took.
    static func addRoutes<Router: RouterMethods<RosterRequestContext>>(to router: Router) {
        router.add(middleware: Marker(name: "router"))
        for path in [
            "groups", "groups/:group_id", "groups/:group_id/users/:user_id", "groups/special/users",
            "Users/:id", "projects/:project_id/roles", "gateway/authorize", "gateway/authorize/**",
        ] {
            router.get(RouterPath(path)) { request, context in Self.answer(request, context) }
        }
        router.post("Users/.search") { request, context in Self.answer(request, context) }
        router.group("v1/organization").add(middleware: Marker(name: "group")).get("roles") { request, context in
            Self.answer(request, context)
        }
    }

    /// Adds `x-marker: NAME` to every response it passes, so a test sees which middlewares ran.
    struct Marker: RouterMiddleware {
        typealias Context = RosterRequestContext
        let name: String
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            do {
                var response = try await next(request, context)
                response.headers.append(HTTPField(name: HTTPField.Name("x-marker")!, value: name))
                return response
            } catch let error as HTTPError {
                var response = Response(status: error.status)
                response.headers.append(HTTPField(name: HTTPField.Name("x-marker")!, value: name))
                return response
            }
        }
    }

    /// The answers of Roster's router and of Hummingbird's to `requests`, each as "template [parameters] rest
    /// <middlewares>" or "status <middlewares>".
    func answers(_ requests: [(HTTPRequest.Method, String)]) async throws -> (roster: [String], hummingbird: [String]) {
        let roster = RosterRouter()
        Self.addRoutes(to: roster)
        let hummingbird = Router(context: RosterRequestContext.self)
        Self.addRoutes(to: hummingbird)
        return (try await answers(requests, from: roster.buildResponder()), try await answers(requests, from: hummingbird.buildResponder()))
    }

    func answers(_ requests: [(HTTPRequest.Method, String)], from responder: some HTTPResponder<RosterRequestContext>) async throws -> [String] {
        let app = Application(responder: responder)
        return try await app.test(.router) { client in
            var answers: [String] = []
            for (method, uri) in requests {
                let reply = try await client.execute(uri: uri, method: method)
                let markers = reply.headers[values: HTTPField.Name("x-marker")!].joined(separator: "+")
                answers.append(reply.status == .ok ? "\(String(buffer: reply.body)) <\(markers)>" : "\(reply.status.code) <\(markers)>")
            }
            return answers
        }
    }

    @Test("a path finds its route's template and parameters; empty components and a query are ignored")
    func templatesAndParameters() async throws {
        let answers = try await answers([
            (.get, "/groups"), (.get, "/groups/g1"), (.get, "//groups///g1/"), (.get, "/groups/g1/users/u2?limit=3"),
            (.get, "/projects/p%201/roles"),
        ])
        #expect(answers.roster == answers.hummingbird)
        #expect(answers.roster == [
            "/groups [] <router>", "/groups/{group_id} [group_id=g1] <router>", "/groups/{group_id} [group_id=g1] <router>",
            "/groups/{group_id}/users/{user_id} [group_id=g1,user_id=u2] <router>",
            "/projects/{project_id}/roles [project_id=p%201] <router>",
        ])
    }

    @Test("a constant component is tried before a parameter, and the parameter when the constant's path goes on where it cannot")
    func constantsBeforeParameters() async throws {
        let answers = try await answers([
            (.get, "/groups/special/users"), (.get, "/groups/special"), (.get, "/groups/special/users/u1"),
            (.post, "/Users/.search"), (.get, "/Users/.search"), (.get, "/Users/u9"),
        ])
        #expect(answers.roster == answers.hummingbird)
        #expect(answers.roster == [
            // A path that ends on a constant without a route is not found, though a parameter would take it.
            "/groups/special/users [] <router>", "404 <router>",
            "/groups/{group_id}/users/{user_id} [group_id=special,user_id=u1] <router>",
            "/Users/.search [] <router>", "404 <router>", "/Users/{id} [id=u9] <router>",
        ])
    }

    @Test("** takes the rest of the path, one component or more; without any, the path's own route answers")
    func restOfThePath() async throws {
        let answers = try await answers([
            (.get, "/gateway/authorize"), (.get, "/gateway/authorize/"), (.get, "/gateway/authorize/v1/chat/completions/"),
        ])
        #expect(answers.roster == answers.hummingbird)
        #expect(answers.roster == [
            "/gateway/authorize [] <router>", "/gateway/authorize [] <router>",
            "/gateway/authorize/** [] v1/chat/completions <router>",
        ])
    }

    @Test("an unknown path, a path that stops between routes, another method or another case is a 404 through the router's middlewares")
    func notFound() async throws {
        let answers = try await answers([
            (.get, "/nothing"), (.get, "/projects/p1"), (.delete, "/groups/g1"), (.get, "/GROUPS"), (.get, "/"),
            (.get, "/groups/g1/users"),
        ])
        #expect(answers.roster == answers.hummingbird)
        #expect(answers.roster == Array(repeating: "404 <router>", count: 6))
    }

    @Test("a group's middlewares run inside the router's, around the group's routes only")
    func groupMiddlewares() async throws {
        let answers = try await answers([(.get, "/v1/organization/roles"), (.get, "/groups")])
        #expect(answers.roster == answers.hummingbird)
        #expect(answers.roster == ["/v1/organization/roles [] <group+router>", "/groups [] <router>"])
    }

    @Test("the routes list every path with each of its methods, in the order they were added")
    func routes() {
        let router = RosterRouter()
        Self.addRoutes(to: router)
        let routes = router.routes.map { "\($0.method) \($0.path)" }
        #expect(routes.count == 10)
        #expect(routes.prefix(2) == ["GET /groups", "GET /groups/{group_id}"])
        #expect(routes.suffix(2) == ["POST /Users/.search", "GET /v1/organization/roles"])
    }
}
