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

    @Test("request ids are req_ and 32 lower-case hexadecimal digits, one process's sharing their first half and never repeating")
    func requestIDs() {
        let ids = (0..<1000).map { _ in RequestLogMiddleware.newRequestID() }
        for id in ids {
            #expect(id.hasPrefix("req_") && id.count == 36, "\(id)")
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids.map { $0.prefix(20) }).count == 1)
        // The second half counts up.
        #expect(UInt64(ids[1].suffix(16), radix: 16) == UInt64(ids[0].suffix(16), radix: 16).map { $0 + 1 })
    }

    @Test("the key of an Authorization header is what follows 'Bearer' (any case) and its spaces; anything else has none")
    func bearerSecrets() {
        #expect(AccessMiddleware.bearerSecret("Bearer sk-admin-1") == "sk-admin-1")
        #expect(AccessMiddleware.bearerSecret("bEARER sk-admin-1") == "sk-admin-1")
        #expect(AccessMiddleware.bearerSecret("Bearer   sk-admin-1") == "sk-admin-1")
        #expect(AccessMiddleware.bearerSecret("Bearer sk admin") == "sk admin")
        #expect(AccessMiddleware.bearerSecret("Bearer clé") == "clé")
        for header in ["Bearer", "Bearer ", "Bearer   ", "Bearerx sk", "Basic c2stdGVzdA==", "sk-admin-1", "Béarer sk", ""] {
            #expect(AccessMiddleware.bearerSecret(header) == nil, "\(header)")
        }
    }
}
