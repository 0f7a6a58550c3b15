import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RosterService

/// Builds the application `roster serve` runs: Roster's router, served as `configuration` says, together with the
/// background services the organization needs (`KeyUseFlusher`, `PolicyFollower`), which start and stop with the server.
/// With `onEventLoops`, each connection's handlers run on the connection's event loop (`http1OnEventLoops`); otherwise
/// on Swift's global executor.
public func buildApplication(
    organization: Organization, settings: HTTPSettings, metrics: RosterMetrics, configuration: ApplicationConfiguration,
    onEventLoops: Bool = false, logger: Logger
) -> some ApplicationProtocol {
    Application(
        responder: buildResponder(organization: organization, settings: settings, metrics: metrics),
        server: onEventLoops ? .http1OnEventLoops() : .http1(), configuration: configuration,
        services: [
            KeyUseFlusher(organization: organization, metrics: metrics, logger: logger),
            PolicyFollower(organization: organization, interval: settings.policyInterval, metrics: metrics, logger: logger),
        ], logger: logger)
}

/// Roster's router as the responder `roster serve` and the handler tests run: every route, `HEAD` answered wherever
/// `GET` is, and 405 for any other method on a known path (`MethodResponder`).
public func buildResponder(
    organization: Organization, settings: HTTPSettings = HTTPSettings(), metrics: RosterMetrics = RosterMetrics()
) -> some HTTPResponder<RosterRequestContext> {
    MethodResponder(base: buildRouter(organization: organization, settings: settings, metrics: metrics).buildResponder())
}

/// Builds Roster's router: the shared entry point of `roster serve` and the handler tests.
/// - Parameter answerWrongMethods: add the routes that answer 405 for a known path asked with another method
///   (on by default; off only to list the routes Roster really serves).
public func buildRouter(
    organization: Organization, settings: HTTPSettings = HTTPSettings(), metrics: RosterMetrics = RosterMetrics(),
    answerWrongMethods: Bool = true
) -> RosterRouter {
    let router = RosterRouter()
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: RevisionMiddleware(organization: organization))
    // Liveness, readiness and metrics need no key: a load balancer and a Prometheus scraper ask them.
    router.get("healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ok\n"))) }
    router.get("readyz") { _, _ in
        guard await organization.isReady() else {
            throw APIError(
                .serviceUnavailable, "The store is not open or cannot be reached; Roster is not ready to serve requests.",
                code: "store_unavailable", type: "server_error")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ready\n")))
    }
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: .init(string: metrics.exposition())))
    }
    router.get("openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: .init(string: OpenAPIDocument.text)))
    }
    /// A group whose routes need a key whose user holds what `OperationPermissions` says each route needs.
    let throttle = FailedAuthenticationThrottle(
        perMinute: settings.failedAuthenticationsPerMinute, clock: { Date().timeIntervalSince1970 })
    func guarded(_ path: RouterPath) -> RouterGroup<RosterRequestContext> {
        router.group(path).add(
            middleware: AccessMiddleware(organization: organization, settings: settings, throttle: throttle, metrics: metrics))
    }
    let api = guarded("v1/organization")
    GroupsController(organization: organization).addRoutes(to: api)
    RolesController(organization: organization).addRoutes(to: api)
    UsersController(organization: organization).addRoutes(to: api)
    ProjectsController(organization: organization).addRoutes(to: api)
    ProjectAccessController(organization: organization).addRoutes(to: api)
    InvitesController(organization: organization).addRoutes(to: api)
    KeysController(organization: organization).addRoutes(to: api)
    AuditLogsController(organization: organization).addRoutes(to: api)
    PermissionsController(organization: organization).addRoutes(to: api)
    let projectAPI = guarded("v1/projects")
    ProjectRolesController(organization: organization).addRoutes(to: projectAPI)
    let scim = guarded("scim/v2")
    SCIMController(organization: organization, settings: settings).addRoutes(to: scim)
    GatewayController(organization: organization, routes: settings.gatewayRoutes).addRoutes(to: router)
    if answerWrongMethods { addMethodNotAllowed(to: router) }
    return router
}

/// Answers 405, naming the allowed methods, for a known path asked with a method it does not serve.
private func addMethodNotAllowed(to router: RosterRouter) {
    let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options]
    assert(Set(methods) == MethodResponder<RosterRouter.Resolver>.routedMethods)
    var allowed: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
    for route in router.routes {
        allowed[route.path.description, default: (route.path, [])].methods.insert(route.method)
    }
    for (path, served) in allowed.values {
        var allowedMethods = methods.filter(served.contains).map(\.rawValue)
        if served.contains(.get) { allowedMethods.insert("HEAD", at: 1) }
        let allowHeader = allowedMethods.joined(separator: ", ")
        for method in methods where !served.contains(method) {
            router.on(path, method: method) { request, _ -> Response in
                var response = APIError(
                    .methodNotAllowed, "\(method.rawValue) is not allowed here; this path accepts \(allowHeader).",
                    code: "method_not_allowed"
                ).response(forPath: request.uri.path)
                response.headers[.allow] = allowHeader
                return response
            }
        }
    }
}

/// The OpenAPI document served at `/openapi.yaml`, read once from the target's resources.
public enum OpenAPIDocument {
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "" }
        return text
    }()
}
