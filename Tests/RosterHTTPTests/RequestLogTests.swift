import Testing

@testable import RosterHTTP

@Suite struct RequestLogTests {
    @Test("a request line's duration is milliseconds with one decimal, rounded half up")
    func durationInMilliseconds() {
        #expect(RequestLogMiddleware.milliseconds(.zero) == "0.0")
        #expect(RequestLogMiddleware.milliseconds(.nanoseconds(49_999)) == "0.0")
        #expect(RequestLogMiddleware.milliseconds(.nanoseconds(50_000)) == "0.1")
        #expect(RequestLogMiddleware.milliseconds(.microseconds(1_234)) == "1.2")
        #expect(RequestLogMiddleware.milliseconds(.microseconds(1_250)) == "1.3")
        #expect(RequestLogMiddleware.milliseconds(.seconds(12.96)) == "12960.0")
    }
}
