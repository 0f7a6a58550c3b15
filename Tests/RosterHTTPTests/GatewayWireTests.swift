import Foundation
import HTTPTypes
import RosterHTTP
import RosterModel
import RosterService
import Synchronization
import Testing

/// `/v1/gateway/authorize`: whether a project or service account key may make a model call, as nginx, Envoy and
/// Traefik ask it.
@Suite struct GatewayWireTests {
    static let org = "/v1/organization"
    static let authorize = "/v1/gateway/authorize"

    /// Asks, nginx-style, whether `key` may call `path`.
    static func ask(
        _ api: Fixture, key: String, path: String = "/v1/chat/completions", model: String? = nil, tool: String? = nil
    ) async throws -> Reply {
        var headers: HTTPFields = [HTTPField.Name("X-Original-URI")!: path, HTTPField.Name("X-Original-Method")!: "POST"]
        if let model { headers[HTTPField.Name("X-Roster-Model")!] = model }
        if let tool { headers[HTTPField.Name("X-Roster-Tool")!] = tool }
        return try await api.send(.get, authorize, key: key, headers: headers)
    }

    /// A project with a service account of `role`, returning the project, the account and the account's key.
    static func account(_ api: Fixture, role: String = "member") async throws -> (project: String, account: String, key: String) {
        let project = try await api.createProject("Gateway")
        let created = try await api.expectOK(api.post("\(org)/projects/\(project)/service_accounts", #"{"name": "Bot"}"#)).object()
        let account = try #require(created["id"] as? String)
        let key = try #require((created["api_key"] as? [String: Any])?["value"] as? String)
        if role != "member" {
            try await api.expectOK(api.post("\(org)/projects/\(project)/service_accounts/\(account)", #"{"role": "\#(role)"}"#))
        }
        return (project, account, key)
    }

    @Test("a service account key that may call models is let through, with its project, principal, key and the model's limits")
    func allowedCallCarriesHeaders() async throws {
        try await Fixture.run { api in
            let (project, account, key) = try await Self.account(api)
            let reply = try await Self.ask(api, key: key, model: "gpt-4.1")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.headers[HTTPField.Name("X-Roster-Project-Id")!] == project)
            #expect(reply.headers[HTTPField.Name("X-Roster-Principal-Type")!] == "service_account")
            #expect(reply.headers[HTTPField.Name("X-Roster-Principal-Id")!] == account)
            #expect(reply.headers[HTTPField.Name("X-Roster-Key-Id")!]?.hasPrefix("key_") == true)
            let defaults = try #require(Model.defaults.first { $0.id == "gpt-4.1" }).defaultLimits
            #expect(reply.headers[HTTPField.Name("X-Roster-RateLimit-Requests-Per-Minute")!] == defaults[.requestsPerMinute].map(String.init))
            #expect(reply.headers[HTTPField.Name("X-Roster-RateLimit-Tokens-Per-Minute")!] == defaults[.tokensPerMinute].map(String.init))

            // The project's own limits replace the defaults at once; a model Roster does not know has no limit headers.
            try await api.expectOK(api.post("\(Self.org)/projects/\(project)/rate_limits/rl-gpt-4.1", #"{"max_requests_per_1_minute": 7}"#))
            let limited = try await Self.ask(api, key: key, model: "gpt-4.1")
            #expect(limited.headers[HTTPField.Name("X-Roster-RateLimit-Requests-Per-Minute")!] == "7")
            let unknownModel = try await Self.ask(api, key: key, model: "llama-3-70b")
            #expect(unknownModel.status == .ok)
            #expect(unknownModel.headers[HTTPField.Name("X-Roster-RateLimit-Requests-Per-Minute")!] == nil)
        }
    }

    @Test("the three conventions name the call alike: the path appended (Envoy), X-Original-URI (nginx), X-Forwarded-Uri (Traefik)")
    func conventions() async throws {
        try await Fixture.run { api in
            let (_, _, key) = try await Self.account(api)
            let envoy = try await api.send(.post, "\(Self.authorize)/v1/responses", key: key)
            #expect(envoy.status == .ok, "\(envoy.text)")
            let traefik = try await api.send(
                .get, Self.authorize, key: key,
                headers: [HTTPField.Name("X-Forwarded-Method")!: "POST", HTTPField.Name("X-Forwarded-Uri")!: "/v1/embeddings?x=1"])
            #expect(traefik.status == .ok, "\(traefik.text)")
            #expect(try await Self.ask(api, key: key, path: "/v1/responses/resp_123").status == .ok)
            let head = try await api.send(.head, "\(Self.authorize)/v1/models", key: key)
            #expect(head.status == .ok)
            let nowhere = try await api.send(.get, Self.authorize, key: key)
            try expectError(nowhere, .badRequest, param: nil, code: "missing_original_uri")
            for sneaky in ["/v1/chat/completions/../../admin", "/v1/chat/completions/%2e%2e/x", "//v1/chat/completions"] {
                try expectError(try await Self.ask(api, key: key, path: sneaky), .badRequest, param: nil, code: "invalid_path")
            }
            try expectError(try await Self.ask(api, key: key, path: "/v1/files"), .forbidden, param: nil, code: "unknown_endpoint")
            try expectError(try await Self.ask(api, key: key, path: "/v1/chat/completionsX"), .forbidden, param: nil, code: "unknown_endpoint")
        }
    }

    @Test("a route added with --gateway-route is let through with the permission it names; a bad one is refused at start")
    func configuredRoutes() async throws {
        let routes = try GatewayRoutes(extra: [(path: "/v1/files/", permission: "api.model.request"), (path: "/v1/embeddings", permission: "api.project.users.write")])
        #expect(routes.permission(for: "/v1/files/file_1") == "api.model.request")
        #expect(routes.permission(for: "/v1/embeddings") == "api.project.users.write", "an entry of the table is replaced")
        #expect(throws: ServiceError.self) { try GatewayRoutes(extra: [(path: "v1/files", permission: "api.model.request")]) }
        #expect(throws: ServiceError.self) { try GatewayRoutes(extra: [(path: "/v1/files", permission: "api.groups.read")]) }
        try await Fixture.run(settings: HTTPSettings(gatewayRoutes: routes)) { api in
            let (_, _, key) = try await Self.account(api)
            #expect(try await Self.ask(api, key: key, path: "/v1/files").status == .ok)
            // A `member` service account does not hold api.project.users.write.
            try expectError(try await Self.ask(api, key: key, path: "/v1/embeddings"), .forbidden, param: nil, code: "missing_permission")
        }
    }

    @Test("unknown, admin, deleted and expired keys are 401s; a deleted key is refused on its very next call")
    func unusableKeys() async throws {
        let clock = Mutex(1_700_000_000)
        try await Fixture.run(now: { clock.withLock { $0 } }) { api in
            let (project, account, key) = try await Self.account(api)
            try expectError(try await api.send(.get, Self.authorize, key: nil), .unauthorized, param: nil, code: "missing_api_key")
            try expectError(try await Self.ask(api, key: "sk-proj-nothing"), .unauthorized, param: nil, code: "invalid_api_key")
            try expectError(try await Self.ask(api, key: Fixture.key), .unauthorized, param: nil, code: "invalid_api_key")

            let keys = "\(Self.org)/projects/\(project)/api_keys"
            let keyID = try #require(try await api.get(keys).ids().first)
            #expect(try await Self.ask(api, key: key).status == .ok)
            try await api.expectOK(api.delete("\(keys)/\(keyID)"))
            try expectError(try await Self.ask(api, key: key), .unauthorized, param: nil, code: "invalid_api_key")

            let expiring = try await api.expectOK(
                api.post("\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys", #"{"expires_in_seconds": 60}"#)
            ).object()
            let secret = try #require(expiring["value"] as? String)
            #expect(try await Self.ask(api, key: secret).status == .ok)
            clock.withLock { $0 += 60 }
            try expectError(try await Self.ask(api, key: secret), .unauthorized, param: nil, code: "expired_api_key")
        }
    }

    @Test("a key is refused without the permission (owner or scopes), in an archived project, for a model or tool the project shuts out")
    func refusedCalls() async throws {
        try await Fixture.run { api in
            let (project, account, key) = try await Self.account(api)
            let base = "\(Self.org)/projects/\(project)"
            // Scopes that leave api.model.request out.
            let narrow = try await api.expectOK(
                api.post("\(base)/service_accounts/\(account)/api_keys", #"{"scopes": ["api.project.users.read"]}"#)
            ).object()
            let narrowKey = try #require(narrow["value"] as? String)
            let scoped = try expectError(try await Self.ask(api, key: narrowKey), .forbidden, param: nil, code: "missing_permission")
            #expect(message(scoped).contains("api.model.request"))

            try await api.expectOK(api.post("\(base)/model_permissions", #"{"mode": "allow_list", "model_ids": ["gpt-4.1"]}"#))
            #expect(try await Self.ask(api, key: key, model: "gpt-4.1").status == .ok)
            try expectError(try await Self.ask(api, key: key, model: "o3"), .forbidden, param: nil, code: "model_not_allowed")
            #expect(try await Self.ask(api, key: key).status == .ok, "no model named: the gateway does not know it")
            try await api.expectOK(api.delete("\(base)/model_permissions"))
            #expect(try await Self.ask(api, key: key, model: "o3").status == .ok)

            try await api.expectOK(api.post("\(base)/hosted_tool_permissions", #"{"web_search": {"enabled": false}}"#))
            try expectError(try await Self.ask(api, key: key, tool: "web_search"), .forbidden, param: nil, code: "tool_disabled")
            #expect(try await Self.ask(api, key: key, tool: "file_search").status == .ok)
            try expectError(try await Self.ask(api, key: key, tool: "teleport"), .forbidden, param: nil, code: "unknown_tool")

            try await api.expectOK(api.post("\(base)/archive", "{}"))
            try expectError(try await Self.ask(api, key: key), .forbidden, param: nil, code: "project_archived")
        }
    }

    @Test("a user's key works while the user holds api.model.request in the project, and stops when it leaves or its group loses access")
    func userKeysFollowAccess() async throws {
        try await Fixture.run { api in
            let project = try await api.createProject("Mine")
            let base = "\(Self.org)/projects/\(project)"
            try await api.expectOK(api.post("\(base)/users", #"{"user_id": "\#(api.owner.id)", "role": "member"}"#))
            let created = try await api.expectOK(api.post("\(base)/api_keys", #"{"name": "Mine"}"#)).object()
            let key = try #require(created["value"] as? String)
            let allowed = try await Self.ask(api, key: key)
            #expect(allowed.status == .ok, "\(allowed.text)")
            #expect(allowed.headers[HTTPField.Name("X-Roster-Principal-Type")!] == "user")
            #expect(allowed.headers[HTTPField.Name("X-Roster-Principal-Id")!] == api.owner.id.rawValue)

            try await api.expectOK(api.delete("\(base)/users/\(api.owner.id)"))
            try expectError(try await Self.ask(api, key: key), .unauthorized, param: nil, code: "inactive_api_key")

            // Back through a group with access as `member`: the key works again, until the group loses access.
            let group = try await api.createGroup("Team")
            try await api.expectOK(api.post("\(Self.org)/groups/\(group)/users", #"{"user_id": "\#(api.owner.id)"}"#))
            try await api.expectOK(api.post("\(base)/groups", #"{"group_id": "\#(group)", "role": "member"}"#))
            #expect(try await Self.ask(api, key: key).status == .ok)
            try await api.expectOK(api.delete("\(base)/groups/\(group)"))
            try expectError(try await Self.ask(api, key: key), .unauthorized, param: nil, code: "inactive_api_key")
        }
    }

    @Test("an authorized call is the key's last use: shown at once, and written to the store by the next flush")
    func lastUse() async throws {
        try await Fixture.run(now: { 1_700_000_500 }) { api in
            let (project, _, key) = try await Self.account(api)
            let keys = "\(Self.org)/projects/\(project)/api_keys"
            expectNull(try #require(try await api.get(keys).items().first), "last_used_at")
            #expect(try await Self.ask(api, key: key).status == .ok)
            #expect(try await api.get(keys).items().first?["last_used_at"] as? Int == 1_700_000_500, "noted in memory")
            try await api.organization.flushKeyUse()
            let stored = try await api.store.read { tx in
                try await tx.projectKeys(projectID: Identifier(project, kind: .project)!, ownerHasAccess: nil, page: .init(limit: 1))
            }
            #expect(stored.items.first?.key.lastUsedAt == 1_700_000_500)
        }
    }
}
