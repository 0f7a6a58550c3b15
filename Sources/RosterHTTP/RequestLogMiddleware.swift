import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Gives every request an id, returned as `x-request-id`, turns every error into OpenAI's envelope, logs one line
/// per request and counts it in `metrics` by route template, method and status.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = RosterRequestContext
    let metrics: RosterMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.newRequestID()
        let started = ContinuousClock.now
        var context = context
        // Setting metadata costs even when nothing is logged: only when request lines are.
        let logsRequests = context.logger.logLevel <= .info
        if logsRequests { context.logger[metadataKey: "request_id"] = .string(requestID) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.status.code >= 500 {
                context.logger.error(
                    "request failed", metadata: ["error": .string(String(reflecting: error)), "request_id": .string(requestID)])
            }
            response = apiError.response(forPath: request.uri.path)
        }
        // Appended: nothing inside sets it, and appending skips the search for one that setting makes.
        response.headers.append(HTTPField(name: Self.requestIDField, value: requestID))
        let elapsed = ContinuousClock.now - started
        if logsRequests {
            let milliseconds = Self.milliseconds(elapsed)
            context.logger.info(
                "\(request.method) \(request.uri.path) \(response.status.code) \(milliseconds)ms",
                metadata: [
                    "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                    "status": .stringConvertible(response.status.code), "duration_ms": .string(milliseconds),
                ])
        }
        // Unmatched paths share one series, so a scan of random URLs cannot grow the registry.
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, duration: elapsed)
        return response
    }

    static let requestIDField = HTTPField.Name("x-request-id")!

    /// `duration` in milliseconds with one decimal, as "12.3" (by hand: `String(format:)` is slow).
    static func milliseconds(_ duration: Duration) -> String {
        let tenths = (duration.nanoseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `req_` and 32 hexadecimal digits: a random half drawn once per process, then a counter, so that ids are unique
    /// without a draw from the system's random source on every request.
    static func newRequestID() -> String {
        let counter = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 36) { buffer in
            for (index, byte) in "req_".utf8.enumerated() { buffer[index] = byte }
            writeHex(requestIDPrefix, into: buffer, at: 4)
            writeHex(counter, into: buffer, at: 20)
            return 36
        }
    }

    private static let requestIDPrefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let requestCounter = Atomic<UInt64>(0)

    /// Writes `value` as 16 lower-case hexadecimal digits from `offset`.
    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let digits: StaticString = "0123456789abcdef"
        for position in 0..<16 {
            buffer[offset + position] = digits.utf8Start[Int((value >> UInt64(60 - 4 * position)) & 0xF)]
        }
    }
}
