import Foundation
import HTTPTypes
import NIOCore
import RosterModel
import Testing

@testable import RosterHTTP

@Suite("HTTP hardening")
struct HTTPHardeningTests {
    static let scimUser = #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "hal@example.com"}"#

    @Test("SCIM URLs come from the listen address, never from a Host or X-Forwarded-Proto the client sends")
    func scimURLsIgnoreClientHeaders() async throws {
        try await Fixture.run(settings: HTTPSettings(listenAddress: "127.0.0.1:9999")) { api in
            let headers: HTTPFields = [
                .contentType: SCIM.mediaType, HTTPField.Name("Host")!: "evil.example", HTTPField.Name("X-Forwarded-Proto")!: "javascript",
                HTTPField.Name("X-Forwarded-Host")!: "evil.example",
            ]
            let reply = try await api.send(.post, "/scim/v2/Users", json: Self.scimUser, headers: headers)
            #expect(reply.status == .created, "\(reply.text)")
            let location = try #require(reply.headers[.location])
            #expect(location.hasPrefix("http://127.0.0.1:9999/scim/v2/Users/"), "\(location)")
            let meta = try #require(try reply.object()["meta"] as? [String: Any])
            #expect(meta["location"] as? String == location)
        }
    }

    @Test("with --public-url SCIM URLs use it; trusted forwarded headers are used only as http or https")
    func publicURLAndTrustedProxy() async throws {
        try await Fixture.run(settings: HTTPSettings(publicURL: "https://roster.example.com/")) { api in
            let reply = try await api.scim(.post, "/Users", Self.scimUser)
            #expect(reply.headers[.location]?.hasPrefix("https://roster.example.com/scim/v2/Users/") == true, "\(reply.headers)")
        }
        try await Fixture.run(settings: HTTPSettings(listenAddress: "127.0.0.1:9999", trustForwardedHeaders: true)) { api in
            var headers: HTTPFields = [
                .contentType: SCIM.mediaType, HTTPField.Name("X-Forwarded-Proto")!: "https", HTTPField.Name("X-Forwarded-Host")!: "idp.example.com",
            ]
            let proxied = try await api.send(.get, "/scim/v2/ServiceProviderConfig", headers: headers)
            #expect((try proxied.object()["meta"] as? [String: Any])?["location"] as? String == "https://idp.example.com/scim/v2/ServiceProviderConfig")
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "javascript"
            headers[HTTPField.Name("X-Forwarded-Host")!] = "a\"b<c>"
            let hostile = try await api.send(.get, "/scim/v2/ServiceProviderConfig", headers: headers)
            #expect((try hostile.object()["meta"] as? [String: Any])?["location"] as? String == "http://127.0.0.1:9999/scim/v2/ServiceProviderConfig")
        }
        #expect(HTTPSettings.problem(withPublicURL: "javascript:alert(1)") != nil)
        #expect(HTTPSettings.problem(withPublicURL: "https://roster.example.com?x=1") != nil)
        #expect(HTTPSettings.problem(withPublicURL: "https://roster.example.com/base") == nil)
    }

    @Test("failed authentications from one address are throttled with 429 and Retry-After; a key that worked there still works")
    func failedAuthenticationsAreThrottled() async throws {
        try await Fixture.run(settings: HTTPSettings(failedAuthenticationsPerMinute: 5)) { api in
            try await api.expectOK(api.get("/v1/organization/groups"))
            for attempt in 0..<5 {
                let reply = try await api.send(.get, "/v1/organization/groups", key: "sk-admin-guess-\(attempt)")
                #expect(reply.status == .unauthorized, "attempt \(attempt): \(reply.text)")
            }
            let throttled = try await api.send(.get, "/v1/organization/groups", key: "sk-admin-guess-5")
            let error = try expectError(throttled, .tooManyRequests, param: nil, code: "rate_limit_exceeded", type: "requests")
            #expect(message(error).contains("seconds"))
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Even a real key is refused unchecked, unless it authenticated from this address before.
            let other = try await api.holder("newcomer", role: .reader)
            #expect(try await api.send(.get, "/v1/organization/groups", key: other.key).status == .tooManyRequests)
            try await api.expectOK(api.get("/v1/organization/groups"))
        }
    }

    @Test("the throttle refills over a minute, keeps addresses apart and forgets the quietest when full")
    func throttleBudget() {
        let clock = TestClock()
        let throttle = FailedAuthenticationThrottle(perMinute: 6, maximumAddresses: 10, clock: { clock.now })
        let guess: [UInt8] = [1]
        for _ in 0..<6 { throttle.noteFailure(address: "10.0.0.1") }
        #expect(throttle.admission(address: "10.0.0.1", fingerprint: guess).retryAfter == 10)
        #expect(throttle.admission(address: "10.0.0.2", fingerprint: guess).retryAfter == nil)
        clock.now += 10
        #expect(throttle.admission(address: "10.0.0.1", fingerprint: guess).retryAfter == nil)
        throttle.noteFailure(address: "10.0.0.1")
        #expect(throttle.admission(address: "10.0.0.1", fingerprint: guess).retryAfter != nil)
        for index in 0..<20 {
            clock.now += 1
            throttle.noteFailure(address: "192.0.2.\(index)")
        }
        #expect(throttle.admission(address: "10.0.0.1", fingerprint: guess).retryAfter == nil, "the quietest address is forgotten")

        // A key that authenticated from an address is known there, and goes through while the address is refused.
        let key: [UInt8] = [2]
        #expect(throttle.admission(address: "10.0.0.3", fingerprint: key) == .init(isKnownGood: false))
        throttle.noteSuccess(address: "10.0.0.3", fingerprint: key)
        for _ in 0..<6 { throttle.noteFailure(address: "10.0.0.3") }
        #expect(throttle.admission(address: "10.0.0.3", fingerprint: key) == .init(isKnownGood: true))
        #expect(throttle.admission(address: "10.0.0.3", fingerprint: guess).retryAfter != nil)
    }

    @Test("a peer's address is written as NIO writes it, IPv4 and IPv6 alike")
    func peerAddressText() throws {
        for address in ["127.0.0.1", "0.0.0.0", "10.9.80.255", "192.168.100.7", "255.255.255.255", "::1", "2001:db8::42"] {
            let socketAddress = try SocketAddress(ipAddress: address, port: 443)
            #expect(RosterRequestContext.ipText(socketAddress) == socketAddress.ipAddress)
            #expect(RosterRequestContext.ipText(socketAddress) == address)
        }
    }

    @Test("HEAD is answered wherever GET is, without a body; other methods on a known path are 405 with Allow")
    func headAndMethods() async throws {
        try await Fixture.run { api in
            let health = try await api.send(.head, "/healthz", key: nil)
            #expect(health.status == .ok)
            #expect(health.text.isEmpty)
            let groups = try await api.send(.head, "/v1/organization/groups")
            #expect(groups.status == .ok)
            #expect(groups.text.isEmpty)
            #expect(try await api.send(.head, "/v1/organization/groups", key: nil).status == .unauthorized)
            for method in [HTTPRequest.Method.put, .options, .trace, HTTPRequest.Method("PROPFIND")!] {
                let wrong = try await api.send(method, "/v1/organization/groups")
                try expectError(wrong, .methodNotAllowed, param: nil, code: "method_not_allowed")
                #expect(wrong.headers[.allow] == "GET, HEAD, POST", "\(method)")
            }
            #expect(try await api.send(.trace, "/v1/nowhere").status == .notFound)
        }
    }
}

/// A clock a test moves by hand.
final class TestClock: @unchecked Sendable {
    var now: Double = 1_000_000
}
