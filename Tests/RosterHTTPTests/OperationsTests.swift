import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterHTTP
import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Synchronization
import Testing

/// What an operator's tools ask of a running Roster: readiness and metrics, with no key.
@Suite("Operations")
struct OperationsTests {
    /// One sample line of Prometheus' text format: a name, its labels and a number.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses Prometheus' text exposition format (version 0.0.4), failing on any line that is not a comment, a blank
    /// or a well-formed sample.
    static func parse(_ text: String) throws -> [Sample] {
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+0-9.eE]+|NaN|\+Inf|-Inf)$/
        let label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/
        var samples: [Sample] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") || line.hasPrefix("# HELP ") { continue }
            guard let match = try sample.wholeMatch(in: String(line)) else { throw FixtureError("not Prometheus text: \(line)") }
            var labels: [String: String] = [:]
            if let inner = match.output.3 {
                for found in String(inner).matches(of: label) { labels[String(found.output.1)] = String(found.output.2) }
            }
            samples.append(Sample(name: String(match.output.1), labels: labels, value: Double(match.output.4) ?? .nan))
        }
        return samples
    }

    @Test("/metrics needs no key and counts requests by route template, method and status, and authorization decisions")
    func metricsAreScraped() async throws {
        let metrics = RosterMetrics()
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { base in
            let organization = Organization(store: MeteredDatastore(base, metrics: metrics))
            _ = try await organization.bootstrap(adminKey: Fixture.key, ownerEmail: Fixture.ownerEmail)
            let app = Application(responder: buildResponder(organization: organization, metrics: metrics), logger: Fixture.quietLogger)
            try await app.test(.router) { client in
                let auth: HTTPFields = [.authorization: "Bearer \(Fixture.key)"]
                let group = try await client.execute(
                    uri: "/v1/organization/groups", method: .post, headers: auth + [.contentType: "application/json"],
                    body: .init(string: #"{"name": "Ops"}"#))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: group.body)) as? [String: Any])
                let id = try #require(object["id"] as? String)
                _ = try await client.execute(uri: "/v1/organization/groups/\(id)", method: .get, headers: auth)
                _ = try await client.execute(uri: "/v1/organization/groups/\(id)", method: .get, headers: [.authorization: "Bearer wrong"])
                let scraped = try await client.execute(uri: "/metrics", method: .get)
                #expect(scraped.status == .ok)
                #expect(scraped.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let samples = try Self.parse(String(buffer: scraped.body))
                func value(_ name: String, _ labels: [String: String]) -> Double? {
                    samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
                }
                let route = "/v1/organization/groups/{group_id}"
                #expect(value("roster_http_requests_total", ["route": route, "method": "GET", "status": "200"]) == 1)
                #expect(value("roster_http_requests_total", ["route": route, "method": "GET", "status": "401"]) == 1)
                #expect(value("roster_http_requests_total", ["route": "/v1/organization/groups", "method": "POST", "status": "200"]) == 1)
                #expect(value("roster_http_request_duration_seconds_count", ["route": route, "method": "GET"]) == 2)
                #expect(value("roster_authorization_decisions_total", ["decision": "allowed"]) == 2)
                #expect((value("roster_store_transaction_duration_seconds_count", ["kind": "write"]) ?? 0) >= 1)
                #expect(!samples.contains { $0.labels["route"]?.contains(id) == true }, "ids must not become series")
            }
        }
    }

    @Test("/readyz answers 200 while the store answers, and 503 store_unavailable when it does not")
    func readiness() async throws {
        try await Fixture.run { api in
            let ready = try await api.send(.get, "/readyz", key: nil)
            #expect(ready.status == .ok)
        }
        let broken = Organization(store: UnreachableStore())
        let app = Application(responder: buildResponder(organization: broken), logger: Fixture.quietLogger)
        try await app.test(.router) { client in
            let reply = try await client.execute(uri: "/readyz", method: .get)
            #expect(reply.status == .serviceUnavailable)
            #expect(String(buffer: reply.body).contains("store_unavailable"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}

extension OperationsTests {
    @Test("while the database cannot be reached, requests that need it get a retryable 503 store_unavailable; keys are still checked, and it recovers by itself")
    func databaseOutage() async throws {
        let sqlite = try await SQLiteDatastore.open(.init(path: ":memory:"))
        let store = OutageStore(base: sqlite)
        do {
            let organization = Organization(store: store)
            _ = try await organization.bootstrap(adminKey: Fixture.key, ownerEmail: Fixture.ownerEmail)
            let app = Application(responder: buildResponder(organization: organization), logger: Fixture.quietLogger)
            try await app.test(.router) { client in
                let auth: HTTPFields = [.authorization: "Bearer \(Fixture.key)"]
                store.isDown.store(true, ordering: .relaxed)
                for (method, uri) in [(HTTPRequest.Method.get, "/v1/organization/groups"), (.post, "/v1/organization/groups")] {
                    let reply = try await client.execute(
                        uri: uri, method: method, headers: auth + [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"name": "during the outage"}"#))
                    #expect(reply.status == .serviceUnavailable)
                    #expect(reply.headers[.retryAfter] == "1")
                    let error = try #require(try JSONSerialization.jsonObject(with: Data(buffer: reply.body)) as? [String: Any])["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "store_unavailable")
                    #expect(error?["type"] as? String == "server_error")
                }
                // Keys are decided from memory: a wrong one is still refused as such.
                let stranger = try await client.execute(
                    uri: "/v1/organization/groups", method: .get, headers: [.authorization: "Bearer sk-admin-not-a-key"])
                #expect(stranger.status == .unauthorized)
                #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)

                store.isDown.store(false, ordering: .relaxed)
                #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
                let listed = try await client.execute(uri: "/v1/organization/groups", method: .get, headers: auth)
                #expect(listed.status == .ok)
                #expect(!String(buffer: listed.body).contains("during the outage"))
            }
        } catch {
            try? await sqlite.close()
            throw error
        }
        try await sqlite.close()
    }
}

/// A store whose database goes away while `isDown`, as PostgreSQL does when it restarts.
private final class OutageStore: Datastore {
    let base: any Datastore
    let isDown = Atomic(false)

    init(base: any Datastore) { self.base = base }

    func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        if isDown.load(ordering: .relaxed) { throw StoreError.unreachable("the database restarts") }
        return try await base.withTransaction(body)
    }

    func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        if isDown.load(ordering: .relaxed) { throw StoreError.unreachable("the database restarts") }
        return try await base.read(body)
    }
}

/// A store that cannot be reached: every transaction fails.
private struct UnreachableStore: Datastore {
    func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        throw StoreError.unavailable("the database cannot be reached")
    }

    func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        throw StoreError.unavailable("the database cannot be reached")
    }
}

private func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
    var fields = lhs
    fields.append(contentsOf: rhs)
    return fields
}
