import Foundation
import Hummingbird
import Logging

/// Gives every request an id, returned as `x-request-id`, turns every error into OpenAI's envelope, and logs
/// one line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.newRequestID()
        let started = ContinuousClock.now
        var context = context
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
            }
            response = apiError.response(forPath: request.uri.path)
        }
        response.headers[.init("x-request-id")!] = requestID
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms")
        return response
    }

    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + String(format: "%016llx%016llx", generator.next() as UInt64, generator.next() as UInt64)
    }
}
