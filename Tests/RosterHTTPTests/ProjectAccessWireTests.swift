import Foundation
import HTTPTypes
import RosterModel
import RosterService
import Synchronization
import Testing

/// Project API keys (users' and service accounts'), model permissions, hosted tools and rate limits over the wire.
@Suite struct ProjectAccessWireTests {
    static let org = "/v1/organization"

    /// A project with a service account (role `member`), returning their ids.
    static func projectWithAccount(_ api: Fixture, role: String = "member") async throws -> (project: String, account: String) {
        let project = try await api.createProject("Gateway")
        let account = try await api.expectOK(api.post("\(org)/projects/\(project)/service_accounts", #"{"name": "Bot"}"#)).object()
        let accountID = try #require(account["id"] as? String)
        if role != "member" {
            try await api.expectOK(api.post("\(org)/projects/\(project)/service_accounts/\(accountID)", #"{"role": "\#(role)"}"#))
        }
        return (project, accountID)
    }

    @Test("a service account gets more keys: each secret once, listed redacted with its owner, scopes and expiry, and deleted one by one")
    func serviceAccountKeysRotate() async throws {
        try await Fixture.run { api in
            let (project, account) = try await Self.projectWithAccount(api)
            let keys = "\(Self.org)/projects/\(project)/api_keys"
            let created = try await api.expectOK(
                api.post(
                    "\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys",
                    #"{"name": "Deploy 2", "scopes": ["api.model.request"], "expires_in_seconds": 3600}"#)
            ).object()
            let secret = try #require(created["value"] as? String)
            #expect(secret.hasPrefix("sk-svcacct-"))
            #expect(created["object"] as? String == "organization.project.service_account.api_key")
            #expect(created["scopes"] as? [String] == ["api.model.request"])
            let newID = try #require(created["id"] as? String)

            let listed = try await api.expectOK(api.get(keys)).items()
            #expect(listed.count == 2, "the account's first key and the new one")
            let entry = try #require(listed.first { $0["id"] as? String == newID })
            #expect(entry["redacted_value"] as? String == "sk-svcacct-..." + secret.suffix(4))
            #expect(entry["owner_project_access"] as? String == "active")
            let owner = try #require(entry["owner"] as? [String: Any])
            #expect(owner["type"] as? String == "service_account")
            #expect((owner["service_account"] as? [String: Any])?["id"] as? String == account)
            #expect(try await !api.get(keys).text.contains(secret), "no list shows a secret")

            // Without a body: named "Secret Key", unlimited, never expiring.
            let plain = try await api.expectOK(api.send(.post, "\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys")).object()
            #expect(plain["name"] as? String == "Secret Key")
            #expect(plain["scopes"] is NSNull)

            try await api.expectOK(api.delete("\(keys)/\(newID)"))
            try expectError(try await api.get("\(keys)/\(newID)"), .notFound, param: nil)
            #expect(try await api.get(keys).items().count == 2)
        }
    }

    @Test("a key's scopes and expiry are checked: unknown or organization permissions, empty scopes, out-of-range lifetimes are 400s")
    func keyInputIsChecked() async throws {
        try await Fixture.run { api in
            let (project, account) = try await Self.projectWithAccount(api)
            let url = "\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys"
            try expectError(try await api.post(url, #"{"scopes": ["api.groups.read"]}"#), .badRequest, param: "scopes", code: "unknown_permission")
            try expectError(try await api.post(url, #"{"expires_in_seconds": 0}"#), .badRequest, param: "expires_in_seconds")
            try expectError(try await api.post(url, #"{"expires_in_seconds": 31536001}"#), .badRequest, param: "expires_in_seconds")
            try expectError(try await api.post(url, #"{"name": ""}"#), .badRequest, param: "name")
            let bare = try await api.expectOK(api.post("\(Self.org)/projects/\(project)/service_accounts", #"{"name": "Bare", "create_service_account_only": true}"#)).object()
            let bareID = try #require(bare["id"] as? String)
            try expectError(
                try await api.post("\(Self.org)/projects/\(project)/service_accounts/\(bareID)/api_keys", "{}"), .conflict, param: nil,
                code: "service_account_without_role")
            try expectError(
                try await api.get("\(Self.org)/projects/\(project)/api_keys?owner_project_access=sometimes"), .badRequest,
                param: "owner_project_access")
        }
    }

    @Test("a key cannot be made holding more than the calling key holds in the project")
    func keyCreationKeepsThePermissionFlowRule() async throws {
        try await Fixture.run { api in
            let (project, account) = try await Self.projectWithAccount(api, role: "owner")
            // Holds key management in the organization, but no project permission at all.
            let manager = try await api.holder("keys", holding: ["api.projects.read", "api.projects.write"])
            let url = "\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys"
            let refused = try await api.send(.post, url, json: "{}", key: manager.key)
            let error = try expectError(refused, .forbidden, param: nil, code: "permission_not_held")
            #expect(message(error).contains("api.model.request"), "\(message(error))")
            #expect(try await api.get("\(Self.org)/projects/\(project)/api_keys").items().count == 1, "nothing was made")
        }
    }

    @Test("a user makes a key of its own only as a project member; it turns inactive when the user leaves the project")
    func userKeysFollowMembership() async throws {
        try await Fixture.run { api in
            let project = try await api.createProject("Mine")
            let keys = "\(Self.org)/projects/\(project)/api_keys"
            try expectError(try await api.post(keys, #"{"name": "Mine"}"#), .conflict, param: nil, code: "not_project_member")
            try await api.expectOK(api.post("\(Self.org)/projects/\(project)/users", #"{"user_id": "\#(api.owner.id)", "role": "member"}"#))
            let created = try await api.expectOK(api.post(keys, #"{"name": "Mine", "scopes": ["api.model.request"]}"#)).object()
            #expect((created["value"] as? String)?.hasPrefix("sk-proj-") == true)
            let id = try #require(created["id"] as? String)
            let owner = try #require(created["owner"] as? [String: Any])
            #expect(owner["type"] as? String == "user")
            #expect((owner["user"] as? [String: Any])?["role"] as? String == "member")
            #expect(created["owner_project_access"] as? String == "active")

            try await api.expectOK(api.delete("\(Self.org)/projects/\(project)/users/\(api.owner.id)"))
            let key = try await api.expectOK(api.get("\(keys)/\(id)")).object()
            #expect(key["owner_project_access"] as? String == "inactive")
            #expect(try await api.get("\(keys)?owner_project_access=inactive").ids() == [id])
            #expect(try await api.get("\(keys)?owner_project_access=active").ids() == [])
            #expect(try await api.get("\(keys)?owner_project_access=any").ids() == [id])
        }
    }

    @Test("updating a key changes its name, scopes and expiry and leaves the rest")
    func keyUpdate() async throws {
        try await Fixture.run { api in
            let (project, _) = try await Self.projectWithAccount(api)
            let keys = "\(Self.org)/projects/\(project)/api_keys"
            let id = try #require(try await api.get(keys).ids().first)
            let updated = try await api.expectOK(api.post("\(keys)/\(id)", #"{"scopes": ["api.model.request"], "expires_in_seconds": 60}"#)).object()
            #expect(updated["name"] as? String == "Secret Key")
            #expect(updated["scopes"] as? [String] == ["api.model.request"])
            #expect(updated["expires_at"] is Int)
            let renamed = try await api.expectOK(api.post("\(keys)/\(id)", #"{"name": "Prod"}"#)).object()
            #expect(renamed["name"] as? String == "Prod")
            #expect(renamed["scopes"] as? [String] == ["api.model.request"])
            // As OpenAI's: an empty list lifts the limits; a request changing nothing is a 400.
            let unlimited = try await api.expectOK(api.post("\(keys)/\(id)", #"{"scopes": []}"#)).object()
            #expect(unlimited["scopes"] is NSNull)
            try expectError(try await api.post("\(keys)/\(id)", "{}"), .badRequest, param: nil, code: "missing_required_parameter")
        }
    }

    @Test("an expired key cannot be changed, nor brought back by a new expiry; an empty scope list at creation means no limit")
    func expiredKeysStayExpired() async throws {
        let clock = Mutex(1_700_000_000)
        try await Fixture.run(now: { clock.withLock { $0 } }) { api in
            let (project, account) = try await Self.projectWithAccount(api)
            let created = try await api.expectOK(
                api.post("\(Self.org)/projects/\(project)/service_accounts/\(account)/api_keys", #"{"scopes": [], "expires_in_seconds": 10}"#)
            ).object()
            #expect(created["scopes"] is NSNull)
            let id = try #require(created["id"] as? String)
            clock.withLock { $0 += 10 }
            try expectError(
                try await api.post("\(Self.org)/projects/\(project)/api_keys/\(id)", #"{"expires_in_seconds": 3600}"#), .conflict, param: nil,
                code: "expired_api_key")
        }
    }

    @Test("model permissions default to every model, are set as an allow or deny list, and deleted back to every model")
    func modelPermissions() async throws {
        try await Fixture.run { api in
            let project = try await api.createProject("Models")
            let url = "\(Self.org)/projects/\(project)/model_permissions"
            let initial = try await api.expectOK(api.get(url)).object()
            #expect(initial["mode"] as? String == "deny_list")
            #expect((initial["model_ids"] as? [String])?.isEmpty == true)
            let set = try await api.expectOK(api.post(url, #"{"mode": "allow_list", "model_ids": ["o3", "gpt-4.1", "o3"]}"#)).object()
            #expect(set["model_ids"] as? [String] == ["gpt-4.1", "o3"])
            #expect(try await api.get(url).object()["mode"] as? String == "allow_list")
            try expectError(try await api.post(url, #"{"mode": "some", "model_ids": []}"#), .badRequest, param: "mode")
            try expectError(try await api.post(url, #"{"mode": "allow_list", "model_ids": [" o3"]}"#), .badRequest, param: "model_ids")
            let many = (0...ModelPermissions.maximumModels).map { "\"m\($0)\"" }.joined(separator: ",")
            try expectError(try await api.post(url, #"{"mode": "deny_list", "model_ids": [\#(many)]}"#), .badRequest, param: "model_ids")
            let deleted = try await api.expectOK(api.delete(url)).object()
            #expect(deleted["object"] as? String == "project.model_permissions.deleted")
            #expect(try await api.get(url).object()["mode"] as? String == "deny_list")
        }
    }

    @Test("hosted tools are all on until switched off; a tool left out keeps its state")
    func hostedTools() async throws {
        try await Fixture.run { api in
            let project = try await api.createProject("Tools")
            let url = "\(Self.org)/projects/\(project)/hosted_tool_permissions"
            func enabled(_ body: [String: Any]) -> [String: Bool] {
                body.compactMapValues { ($0 as? [String: Any])?["enabled"] as? Bool }
            }
            let all = HostedTool.allCases.map(\.rawValue)
            #expect(enabled(try await api.expectOK(api.get(url)).object()) == Dictionary(uniqueKeysWithValues: all.map { ($0, true) }))
            _ = try await api.expectOK(api.post(url, #"{"web_search": {"enabled": false}, "mcp": null}"#))
            _ = try await api.expectOK(api.post(url, #"{"image_generation": {"enabled": false}}"#))
            let now = enabled(try await api.get(url).object())
            #expect(now["web_search"] == false && now["image_generation"] == false && now["mcp"] == true && now["file_search"] == true)
            try expectError(try await api.post(url, #"{"web_search": {}}"#), .badRequest, param: "web_search.enabled")
        }
    }

    @Test("rate limits list every known model with its defaults, page by id, and change one field at a time")
    func rateLimits() async throws {
        try await Fixture.run { api in
            let project = try await api.createProject("Limits")
            let url = "\(Self.org)/projects/\(project)/rate_limits"
            let all = try await api.expectOK(api.get(url)).object()
            let ids = try #require((all["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            #expect(ids == Model.defaults.map(\.rateLimitID).sorted())
            let first = try await api.get("\(url)?limit=2").object()
            #expect((first["data"] as? [Any])?.count == 2 && first["has_more"] as? Bool == true)
            let next = try await api.get("\(url)?limit=2&after=\(first["last_id"] as? String ?? "")").object()
            #expect((next["data"] as? [[String: Any]])?.first?["id"] as? String == ids[2])
            let back = try await api.get("\(url)?limit=2&before=\(ids[2])").object()
            #expect((back["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == Array(ids[0..<2]))

            let updated = try await api.expectOK(api.post("\(url)/rl-gpt-4.1", #"{"max_requests_per_1_minute": 120}"#)).object()
            #expect(updated["max_requests_per_1_minute"] as? Int == 120)
            #expect(updated["max_tokens_per_1_minute"] as? Int == Model.defaults.first { $0.id == "gpt-4.1" }?.defaultLimits[.tokensPerMinute])
            #expect(updated["max_images_per_1_minute"] == nil, "a text model has no image limit")
            let listed = try await api.get(url).items().first { $0["id"] as? String == "rl-gpt-4.1" }
            #expect(listed?["max_requests_per_1_minute"] as? Int == 120)
            try expectError(
                try await api.post("\(url)/rl-gpt-4.1", #"{"max_images_per_1_minute": 5}"#), .badRequest, param: "max_images_per_1_minute")
            try expectError(try await api.post("\(url)/rl-gpt-4.1", #"{"max_requests_per_1_minute": 0}"#), .badRequest, param: "max_requests_per_1_minute")
            try expectError(try await api.post("\(url)/rl-nonexistent", #"{"max_requests_per_1_minute": 10}"#), .notFound, param: "rate_limit_id")
            try expectError(try await api.get("\(url)?limit=101"), .badRequest, param: "limit")
        }
    }

    @Test("an archived project's model access and keys cannot be changed, but its keys can still be deleted")
    func archivedProjects() async throws {
        try await Fixture.run { api in
            let (project, account) = try await Self.projectWithAccount(api)
            let keyID = try #require(try await api.get("\(Self.org)/projects/\(project)/api_keys").ids().first)
            try await api.expectOK(api.post("\(Self.org)/projects/\(project)/archive", "{}"))
            let base = "\(Self.org)/projects/\(project)"
            for reply in [
                try await api.post("\(base)/model_permissions", #"{"mode": "allow_list", "model_ids": []}"#),
                try await api.post("\(base)/hosted_tool_permissions", #"{"mcp": {"enabled": false}}"#),
                try await api.post("\(base)/rate_limits/rl-o3", #"{"max_requests_per_1_minute": 1}"#),
                try await api.post("\(base)/service_accounts/\(account)/api_keys", "{}"),
            ] {
                try expectError(reply, .conflict, param: nil, code: "project_archived")
            }
            try await api.expectOK(api.delete("\(base)/api_keys/\(keyID)"))
        }
    }
}
