import Foundation
import RosterHTTP
import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import ServiceLifecycle
import Synchronization
import Testing

/// Admin API keys over `/v1/organization/admin_api_keys`: every operation's 200 in the shape of OpenAI's reference,
/// the errors, and the ways a key stops working.
@Suite struct AdminKeyWireTests {
    static let adminKey = ["object", "id", "name", "redacted_value", "created_at", "expires_at", "last_used_at", "owner"]
    static let owner = ["type", "object", "id", "name", "created_at", "role"]
    static let rangeList = ["object", "data", "first_id", "last_id", "has_more"]

    @Test("the four admin key operations answer 200 in the reference's shapes")
    func adminKeys() async throws {
        try await Fixture.run { api in
            let created = try await api.post("/v1/organization/admin_api_keys", #"{"name": "CI key"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let key = try created.object()
            expectFields(key, Self.adminKey + ["value"], in: "admin-api-keys-create")
            let id = try #require(key["id"] as? String)
            let secret = try #require(key["value"] as? String)
            #expect(id.hasPrefix("key_"))
            #expect(secret.hasPrefix("sk-admin-"))
            #expect(key["object"] as? String == "organization.admin_api_key")
            #expect(key["name"] as? String == "CI key")
            #expect(key["redacted_value"] as? String == "sk-admin-..." + String(secret.suffix(4)))
            expectNull(key, "scopes")
            #expect(key["created_at"] is Int)
            expectNull(key, "expires_at")
            expectNull(key, "last_used_at")
            let owner = try #require(key["owner"] as? [String: Any])
            expectFields(owner, Self.owner, in: "the key's owner")
            #expect(owner["type"] as? String == "user")
            #expect(owner["object"] as? String == "organization.user")
            #expect(owner["id"] as? String == api.owner.id.rawValue)
            #expect(owner["name"] as? String == api.owner.name)
            #expect(owner["created_at"] as? Int == api.owner.addedAt)
            #expect(owner["role"] as? String == "owner")

            let list = try await api.get("/v1/organization/admin_api_keys?limit=10")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Self.rangeList, in: "admin-api-keys-list")
            #expect(page["object"] as? String == "list")
            #expect(page["has_more"] as? Bool == false)
            let ids = try list.ids()
            #expect(ids.count == 2 && ids.last == id, "the start-up key, then the new one: \(ids)")
            #expect(page["first_id"] as? String == ids.first)
            #expect(page["last_id"] as? String == id)
            for item in try list.items() {
                expectFields(item, Self.adminKey, in: "a listed key")
                #expect(item["value"] == nil, "a listed key shows its secret")
            }

            let retrieved = try await api.get("/v1/organization/admin_api_keys/\(id)")
            #expect(retrieved.status == .ok)
            let shown = try retrieved.object()
            expectFields(shown, Self.adminKey, in: "admin-api-keys-get")
            #expect(shown["id"] as? String == id)
            #expect(shown["value"] == nil, "a retrieved key shows its secret")
            #expect(!retrieved.text.contains(secret))

            let deleted = try await api.delete("/v1/organization/admin_api_keys/\(id)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, ["id", "object", "deleted"], in: "admin-api-keys-delete")
            #expect(ack["object"] as? String == "organization.admin_api_key.deleted")
            #expect(ack["id"] as? String == id)
            #expect(ack["deleted"] as? Bool == true)
            try expectError(try await api.get("/v1/organization/admin_api_keys/\(id)"), .notFound, param: nil, code: "not_found")
        }
    }

    @Test("a new key works at once, shows expires_at, and shows last_used_at once used")
    func newKeyInUse() async throws {
        try await Fixture.run { api in
            let created = try await api.post("/v1/organization/admin_api_keys", #"{"name": "Deploys", "expires_in_seconds": 3600}"#)
            let key = try created.object()
            let id = try #require(key["id"] as? String)
            let secret = try #require(key["value"] as? String)
            let createdAt = try #require(key["created_at"] as? Int)
            #expect(key["expires_at"] as? Int == createdAt + 3600)

            let byItself = try await api.send(.get, "/v1/organization/admin_api_keys/\(id)", key: secret)
            #expect(byItself.status == .ok, "\(byItself.text)")
            let lastUsed = try #require(try byItself.object()["last_used_at"] as? Int, "no last_used_at: \(byItself.text)")
            #expect(lastUsed >= createdAt)
            #expect(try await api.get("/v1/organization/admin_api_keys/\(id)").object()["last_used_at"] as? Int == lastUsed)
        }
    }

    @Test("a key made by another key belongs to that key's user")
    func ownerIsTheCaller() async throws {
        // Bob is a reader who may make admin keys (a reader alone may not: that needs api.admin_keys.write).
        let file = OrganizationFile(
            roles: [.init(name: "Key Maker", permissions: ["api.admin_keys.write"])],
            users: [.init(email: "bob@example.com", name: "Bob", roles: ["Key Maker"])])
        try await Fixture.run(seeding: file) { api in
            let bob = try await api.organization.user(id: Identifier(trusted: try await api.userID("bob@example.com")))
            let bobs = try await api.organization.createAdminKey(
                name: "Bob's", expiresInSeconds: nil, by: Caller(userID: bob.id, keyID: .make(.adminKey)))
            let created = try await api.send(.post, "/v1/organization/admin_api_keys", json: #"{"name": "made by Bob"}"#, key: bobs.secret)
            let owner = try #require(try created.object()["owner"] as? [String: Any])
            #expect(owner["id"] as? String == bob.id.rawValue)
            #expect(owner["name"] as? String == "Bob")
            #expect(owner["role"] as? String == "reader")
        }
    }

    @Test("admin keys page by after and limit, in either order")
    func paging() async throws {
        try await Fixture.run { api in
            var ids = try await api.get("/v1/organization/admin_api_keys").ids()
            for name in ["a", "b"] {
                ids.append(try #require(try await api.post("/v1/organization/admin_api_keys", #"{"name": "\#(name)"}"#).object()["id"] as? String))
            }
            let first = try await api.get("/v1/organization/admin_api_keys?limit=2")
            #expect(try first.ids() == Array(ids.prefix(2)))
            #expect(try first.object()["has_more"] as? Bool == true)
            let rest = try await api.get("/v1/organization/admin_api_keys?limit=2&after=\(ids[1])")
            #expect(try rest.ids() == [ids[2]])
            #expect(try rest.object()["has_more"] as? Bool == false)
            #expect(try await api.get("/v1/organization/admin_api_keys?order=desc").ids() == ids.reversed())
            let empty = try await api.get("/v1/organization/admin_api_keys?after=\(ids[2])").object()
            expectNull(empty, "first_id")
            expectNull(empty, "last_id")
        }
    }

    @Test("a bad name, expires_in_seconds, limit, order or after answers 400 naming it; an unknown key 404")
    func errors() async throws {
        try await Fixture.run { api in
            let path = "/v1/organization/admin_api_keys"
            try expectError(try await api.post(path, #"{}"#), .badRequest, param: "name", code: "missing_required_parameter")
            try expectError(try await api.post(path, #"{"name": "  "}"#), .badRequest, param: "name")
            try expectError(try await api.post(path, #"{"name": 7}"#), .badRequest, param: "name", code: "invalid_type")
            for seconds in ["0", "31536001", "-1"] {
                try expectError(
                    try await api.post(path, #"{"name": "k", "expires_in_seconds": \#(seconds)}"#), .badRequest, param: "expires_in_seconds")
            }
            try expectError(
                try await api.post(path, #"{"name": "k", "expires_in_seconds": "soon"}"#), .badRequest, param: "expires_in_seconds",
                code: "invalid_type")
            try expectError(try await api.post(path, "not json"), .badRequest, param: nil, code: "invalid_json")
            try expectError(try await api.get(path + "?limit=0"), .badRequest, param: "limit")
            try expectError(try await api.get(path + "?limit=101"), .badRequest, param: "limit")
            try expectError(try await api.get(path + "?order=newest"), .badRequest, param: "order")
            try expectError(try await api.get(path + "?after=user_x"), .badRequest, param: "after")
            #expect(try await api.get(path).ids().count == 1, "a refused create made a key")

            let unknown = Identifier.make(.adminKey).rawValue
            try expectError(try await api.get("\(path)/\(unknown)"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.delete("\(path)/\(unknown)"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.get("\(path)/key_nope"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.get("\(path)/\(try await api.userID(Fixture.ownerEmail))"), .notFound, param: nil)
        }
    }

    @Test("a deleted key answers 401 from the next request on")
    func deletedKeyIsRefused() async throws {
        try await Fixture.run { api in
            let key = try await api.post("/v1/organization/admin_api_keys", #"{"name": "short-lived"}"#).object()
            let (id, secret) = (try #require(key["id"] as? String), try #require(key["value"] as? String))
            #expect(try await api.send(.get, "/v1/organization/admin_api_keys", key: secret).status == .ok)
            #expect(try await api.send(.delete, "/v1/organization/admin_api_keys/\(id)", key: secret).status == .ok)
            try expectError(
                try await api.send(.get, "/v1/organization/admin_api_keys", key: secret), .unauthorized, param: nil, code: "invalid_api_key")
        }
    }

    @Test("deactivating a user over SCIM deletes its keys for good; reactivating gives back roles, not keys")
    func deactivatedOwnerIsRefused() async throws {
        try await Fixture.run { api in
            let userID = try await api.createSCIMUser(userName: "dee@example.com")
            let dees = try await api.organization.createAdminKey(
                name: "Dee's", expiresInSeconds: nil, by: Caller(userID: Identifier(trusted: userID), keyID: .make(.adminKey)))
            #expect(try await api.send(.get, "/v1/organization/groups", key: dees.secret).status == .ok)
            let patched = try await api.scim(.patch, "/Users/\(userID)", SCIM.patch(#"{"op": "replace", "path": "active", "value": false}"#))
            #expect(patched.status == .ok, "\(patched.text)")
            try expectError(
                try await api.send(.get, "/v1/organization/groups", key: dees.secret), .unauthorized, param: nil,
                code: "invalid_api_key")
            let keys = try await api.expectOK(api.get("/v1/organization/admin_api_keys?limit=100"))
            #expect(try keys.ids().contains(dees.key.key.id.rawValue) == false)
            let events = try await api.expectOK(api.get("/v1/organization/audit_logs?event_types[]=api_key.deleted"))
            #expect(try events.items().contains { $0["api_key.deleted"].flatMap { ($0 as? [String: Any])?["id"] as? String } == dees.key.key.id.rawValue })
            try await api.expectOK(
                api.scim(.patch, "/Users/\(userID)", SCIM.patch(#"{"op": "replace", "path": "active", "value": true}"#)))
            try expectError(
                try await api.send(.get, "/v1/organization/groups", key: dees.secret), .unauthorized, param: nil,
                code: "invalid_api_key")
        }
    }

    @Test("an expired key answers 401 saying it expired")
    func expiredKeyIsRefused() async throws {
        let clock = Mutex(1_700_000_000)
        try await Fixture.run(now: { clock.withLock { $0 } }) { api in
            let key = try await api.post("/v1/organization/admin_api_keys", #"{"name": "a minute", "expires_in_seconds": 60}"#).object()
            let secret = try #require(key["value"] as? String)
            #expect(key["expires_at"] as? Int == 1_700_000_060)
            clock.withLock { $0 += 59 }
            #expect(try await api.send(.get, "/v1/organization/admin_api_keys", key: secret).status == .ok)
            clock.withLock { $0 += 1 }
            let error = try expectError(
                try await api.send(.get, "/v1/organization/admin_api_keys", key: secret), .unauthorized, param: nil,
                code: "expired_api_key")
            #expect(message(error).contains("expired"), "\(message(error))")
            #expect(try await api.get("/v1/organization/admin_api_keys").ids().count == 2, "the expired key is still listed")
        }
    }
}

/// The background service that writes admin key uses to the store.
@Suite struct KeyUseFlusherTests {
    /// Runs `flusher` in a service group while `body` runs, then shuts the group down gracefully and waits for it.
    static func running(_ flusher: KeyUseFlusher, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: [flusher], logger: Fixture.quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func storedLastUse(_ store: SQLiteDatastore) async throws -> Int? {
        try await store.read { try await $0.keys(page: PageRequest(limit: 1)) }.items.first?.lastUsedAt
    }

    /// Runs `body` with a new organization whose only key is `Fixture.key`, and its store.
    static func withOrganization(_ body: (Organization, SQLiteDatastore) async throws -> Void) async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { store async throws in
            let organization = Organization(store: store)
            _ = try await organization.bootstrap(adminKey: Fixture.key, ownerEmail: Fixture.ownerEmail)
            try await body(organization, store)
        }
    }

    @Test("the flusher writes key uses every interval while the server runs")
    func flushesPeriodically() async throws {
        try await Self.withOrganization { organization, store async throws in
            let flusher = KeyUseFlusher(organization: organization, interval: .milliseconds(20), logger: Fixture.quietLogger)
            try await Self.running(flusher) {
                _ = try await organization.authenticate(secret: Fixture.key)
                for _ in 0..<250 {
                    if try await Self.storedLastUse(store) != nil { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await Self.storedLastUse(store) != nil, "no flush within 5 seconds")
            }
        }
    }

    @Test("the flusher writes what is left on graceful shutdown")
    func flushesOnShutdown() async throws {
        try await Self.withOrganization { organization, store async throws in
            let flusher = KeyUseFlusher(organization: organization, interval: .seconds(3600), logger: Fixture.quietLogger)
            try await Self.running(flusher) {
                _ = try await organization.authenticate(secret: Fixture.key)
                #expect(try await Self.storedLastUse(store) == nil)
            }
            #expect(try await Self.storedLastUse(store) != nil)
        }
    }
}
