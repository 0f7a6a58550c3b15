import Foundation
import HTTPTypes
import Hummingbird
import RosterHTTP
import RosterModel
import RosterService
import RosterSQLite
import Synchronization
import Testing

/// `GET /v1/organization/audit_logs`, and the events every write route leaves behind.
@Suite struct AuditLogWireTests {
    static let auditLogs = "/v1/organization/audit_logs"

    static let seed = OrganizationFile(
        users: [
            .init(email: "ada@example.com", name: "Ada", role: "owner"), .init(email: "bob@example.com", name: "Bob"),
            .init(email: "cy@example.com", name: "Cy"),
        ],
        groups: [.init(name: "IdP Engineering", scimManaged: true)])

    /// The events newer than the event `marker` (all of them when nil), oldest first.
    static func events(_ api: Fixture, since marker: String?) async throws -> [[String: Any]] {
        let query = marker.map { "&before=\($0)" } ?? ""
        let reply = try await api.get("\(auditLogs)?limit=100\(query)")
        #expect(reply.status == .ok, "\(reply.text)")
        return try reply.items().reversed()
    }

    static func newestEvent(_ api: Fixture) async throws -> String? {
        try await api.get("\(auditLogs)?limit=1").items().first?["id"] as? String
    }

    /// Sends a request and expects it to succeed and to leave exactly one event of `type`, made with the fixture's
    /// key by its owner, about `resource` when given; returns the reply.
    @discardableResult
    static func expectOneEvent(
        _ api: Fixture, _ type: String, resource: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ request: () async throws -> Reply
    ) async throws -> Reply {
        let marker = try await newestEvent(api)
        let reply = try await request()
        #expect((200..<300).contains(reply.status.code), "\(type): \(reply.status.code) \(reply.text)", sourceLocation: sourceLocation)
        let events = try await events(api, since: marker)
        #expect(events.map { $0["type"] as? String ?? "" } == [type], sourceLocation: sourceLocation)
        guard let event = events.first else { return reply }
        let actor = event["actor"] as? [String: Any]
        let key = actor?["api_key"] as? [String: Any]
        let user = key?["user"] as? [String: Any]
        #expect(actor?["type"] as? String == "api_key", sourceLocation: sourceLocation)
        let keyID = try await api.keyID.rawValue
        #expect(key?["id"] as? String == keyID, "\(type) actor: \(String(describing: actor))", sourceLocation: sourceLocation)
        #expect(user?["id"] as? String == api.owner.id.rawValue, sourceLocation: sourceLocation)
        #expect(user?["email"] as? String == Fixture.ownerEmail, sourceLocation: sourceLocation)
        let details = event[type] as? [String: Any]
        #expect(details?["id"] is String, "\(type) has no details: \(event)", sourceLocation: sourceLocation)
        if let resource {
            let named = [details?["id"] as? String, details?["principal_id"] as? String]
            #expect(named.contains(resource), "\(type) names \(named), not \(resource)", sourceLocation: sourceLocation)
        }
        return reply
    }

    static func id(_ reply: Reply, _ member: String = "id") throws -> String {
        try #require(try reply.object()[member] as? String, "no \(member) in \(reply.text)")
    }

    @Test("every write route, over the Admin API and SCIM, leaves exactly one event of its type, made with the caller's key")
    func everyWriteRouteIsAudited() async throws {
        try await Fixture.run(seeding: Self.seed) { api in
            var exercised: Set<String> = []
            func step(
                _ method: HTTPRequest.Method, _ pattern: String, _ type: String, resource: String? = nil,
                _ request: () async throws -> Reply
            ) async throws -> Reply {
                exercised.insert("\(method.rawValue) \(pattern)")
                return try await Self.expectOneEvent(api, type, resource: resource, request)
            }
            let org = "/v1/organization"
            let cy = try await api.userID("cy@example.com")
            let bob = try await api.userID("bob@example.com")

            let group = try Self.id(
                try await step(.post, "\(org)/groups", "group.created") { try await api.post("\(org)/groups", #"{"name": "Support"}"#) })
            _ = try await step(.post, "\(org)/groups/{group_id}", "group.updated", resource: group) {
                try await api.post("\(org)/groups/\(group)", #"{"name": "Help"}"#)
            }
            _ = try await step(.post, "\(org)/groups/{group_id}/users", "group.updated", resource: group) {
                try await api.post("\(org)/groups/\(group)/users", #"{"user_id": "\#(cy)"}"#)
            }
            _ = try await step(.delete, "\(org)/groups/{group_id}/users/{user_id}", "group.updated", resource: group) {
                try await api.delete("\(org)/groups/\(group)/users/\(cy)")
            }
            let role = try Self.id(
                try await step(.post, "\(org)/roles", "role.created") {
                    try await api.post("\(org)/roles", #"{"role_name": "Auditor", "permissions": ["api.audit_logs.read"]}"#)
                })
            _ = try await step(.post, "\(org)/roles/{role_id}", "role.updated", resource: role) {
                try await api.post("\(org)/roles/\(role)", #"{"description": "Reads the log"}"#)
            }
            _ = try await step(.post, "\(org)/groups/{group_id}/roles", "role.assignment.created", resource: group) {
                try await api.post("\(org)/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            }
            _ = try await step(.delete, "\(org)/groups/{group_id}/roles/{role_id}", "role.assignment.deleted", resource: group) {
                try await api.delete("\(org)/groups/\(group)/roles/\(role)")
            }
            _ = try await step(.post, "\(org)/users/{user_id}/roles", "role.assignment.created", resource: cy) {
                try await api.post("\(org)/users/\(cy)/roles", #"{"role_id": "\#(role)"}"#)
            }
            _ = try await step(.delete, "\(org)/users/{user_id}/roles/{role_id}", "role.assignment.deleted", resource: cy) {
                try await api.delete("\(org)/users/\(cy)/roles/\(role)")
            }
            _ = try await step(.post, "\(org)/users/{user_id}", "user.updated", resource: cy) {
                try await api.post("\(org)/users/\(cy)", #"{"role": "owner"}"#)
            }

            let project = try Self.id(
                try await step(.post, "\(org)/projects", "project.created") { try await api.post("\(org)/projects", #"{"name": "Apollo"}"#) })
            _ = try await step(.post, "\(org)/projects/{project_id}", "project.updated", resource: project) {
                try await api.post("\(org)/projects/\(project)", #"{"name": "Artemis"}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/users", "user.added", resource: cy) {
                try await api.post("\(org)/projects/\(project)/users", #"{"user_id": "\#(cy)", "role": "member"}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/users/{user_id}", "user.updated", resource: cy) {
                try await api.post("\(org)/projects/\(project)/users/\(cy)", #"{"role": "owner"}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/groups", "role.assignment.created", resource: group) {
                try await api.post("\(org)/projects/\(project)/groups", #"{"group_id": "\#(group)", "role": "member"}"#)
            }
            let projectRoles = "/v1/projects/\(project)/roles"
            let projectRole = try Self.id(
                try await step(.post, "/v1/projects/{project_id}/roles", "role.created") {
                    try await api.post(projectRoles, #"{"role_name": "Keys", "permissions": ["api.project.users.read"]}"#)
                })
            _ = try await step(.post, "/v1/projects/{project_id}/roles/{role_id}", "role.updated", resource: projectRole) {
                try await api.post("\(projectRoles)/\(projectRole)", #"{"role_name": "Key readers"}"#)
            }
            _ = try await step(.post, "/v1/projects/{project_id}/users/{user_id}/roles", "role.assignment.created", resource: cy) {
                try await api.post("/v1/projects/\(project)/users/\(cy)/roles", #"{"role_id": "\#(projectRole)"}"#)
            }
            _ = try await step(.delete, "/v1/projects/{project_id}/users/{user_id}/roles/{role_id}", "role.assignment.deleted", resource: cy) {
                try await api.delete("/v1/projects/\(project)/users/\(cy)/roles/\(projectRole)")
            }
            _ = try await step(.post, "/v1/projects/{project_id}/groups/{group_id}/roles", "role.assignment.created", resource: group) {
                try await api.post("/v1/projects/\(project)/groups/\(group)/roles", #"{"role_id": "\#(projectRole)"}"#)
            }
            _ = try await step(
                .delete, "/v1/projects/{project_id}/groups/{group_id}/roles/{role_id}", "role.assignment.deleted", resource: group
            ) {
                try await api.delete("/v1/projects/\(project)/groups/\(group)/roles/\(projectRole)")
            }
            _ = try await step(.delete, "/v1/projects/{project_id}/roles/{role_id}", "role.deleted", resource: projectRole) {
                try await api.delete("\(projectRoles)/\(projectRole)")
            }
            let accounts = "\(org)/projects/\(project)/service_accounts"
            let account = try Self.id(
                try await step(.post, "\(org)/projects/{project_id}/service_accounts", "service_account.created") {
                    try await api.post(accounts, #"{"name": "Bot"}"#)
                })
            _ = try await step(
                .post, "\(org)/projects/{project_id}/service_accounts/{service_account_id}", "service_account.updated", resource: account
            ) {
                try await api.post("\(accounts)/\(account)", #"{"role": "owner"}"#)
            }
            let accountKey = try Self.id(
                try await step(
                    .post, "\(org)/projects/{project_id}/service_accounts/{service_account_id}/api_keys", "api_key.created"
                ) {
                    try await api.post("\(accounts)/\(account)/api_keys", #"{"name": "Rotated", "scopes": ["api.model.request"]}"#)
                })
            let keys = "\(org)/projects/\(project)/api_keys"
            _ = try await step(.post, "\(org)/projects/{project_id}/api_keys/{key_id}", "api_key.updated", resource: accountKey) {
                try await api.post("\(keys)/\(accountKey)", #"{"name": "Rotated again"}"#)
            }
            _ = try await step(.delete, "\(org)/projects/{project_id}/api_keys/{key_id}", "api_key.deleted", resource: accountKey) {
                try await api.delete("\(keys)/\(accountKey)")
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/users", "user.added", resource: api.owner.id.rawValue) {
                try await api.post("\(org)/projects/\(project)/users", #"{"user_id": "\#(api.owner.id)", "role": "owner"}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/api_keys", "api_key.created") {
                try await api.post(keys, #"{"name": "Mine", "expires_in_seconds": 3600}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/model_permissions", "project.updated", resource: project) {
                try await api.post("\(org)/projects/\(project)/model_permissions", #"{"mode": "allow_list", "model_ids": ["o3"]}"#)
            }
            _ = try await step(.delete, "\(org)/projects/{project_id}/model_permissions", "project.updated", resource: project) {
                try await api.delete("\(org)/projects/\(project)/model_permissions")
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/hosted_tool_permissions", "project.updated", resource: project) {
                try await api.post("\(org)/projects/\(project)/hosted_tool_permissions", #"{"web_search": {"enabled": false}}"#)
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/rate_limits/{rate_limit_id}", "rate_limit.updated", resource: "rl-o3") {
                try await api.post("\(org)/projects/\(project)/rate_limits/rl-o3", #"{"max_requests_per_1_minute": 120}"#)
            }
            _ = try await step(
                .delete, "\(org)/projects/{project_id}/service_accounts/{service_account_id}", "service_account.deleted", resource: account
            ) {
                try await api.delete("\(accounts)/\(account)")
            }
            _ = try await step(.delete, "\(org)/projects/{project_id}/groups/{group_id}", "role.assignment.deleted", resource: group) {
                try await api.delete("\(org)/projects/\(project)/groups/\(group)")
            }
            _ = try await step(.delete, "\(org)/projects/{project_id}/users/{user_id}", "user.deleted", resource: cy) {
                try await api.delete("\(org)/projects/\(project)/users/\(cy)")
            }
            _ = try await step(.post, "\(org)/projects/{project_id}/archive", "project.archived", resource: project) {
                try await api.post("\(org)/projects/\(project)/archive", "{}")
            }

            let invite = try Self.id(
                try await step(.post, "\(org)/invites", "invite.sent") {
                    try await api.post("\(org)/invites", #"{"email": "dee@example.com", "role": "reader"}"#)
                })
            _ = try await step(.delete, "\(org)/invites/{invite_id}", "invite.deleted", resource: invite) {
                try await api.delete("\(org)/invites/\(invite)")
            }
            let key = try Self.id(
                try await step(.post, "\(org)/admin_api_keys", "api_key.created") {
                    try await api.post("\(org)/admin_api_keys", #"{"name": "CI"}"#)
                })
            _ = try await step(.delete, "\(org)/admin_api_keys/{key_id}", "api_key.deleted", resource: key) {
                try await api.delete("\(org)/admin_api_keys/\(key)")
            }
            _ = try await step(.delete, "\(org)/roles/{role_id}", "role.deleted", resource: role) {
                try await api.delete("\(org)/roles/\(role)")
            }
            _ = try await step(.delete, "\(org)/groups/{group_id}", "group.deleted", resource: group) {
                try await api.delete("\(org)/groups/\(group)")
            }
            _ = try await step(.delete, "\(org)/users/{user_id}", "user.deleted", resource: bob) {
                try await api.delete("\(org)/users/\(bob)")
            }

            let user = #"{"schemas": ["\#(SCIM.userURN)"], "userName": "dee@example.com", "displayName": "Dee"}"#
            let scimUser = try Self.id(try await step(.post, "/scim/v2/Users", "user.added") { try await api.scim(.post, "/Users", user) })
            _ = try await step(.put, "/scim/v2/Users/{id}", "user.updated", resource: scimUser) {
                try await api.scim(.put, "/Users/\(scimUser)", user.replacingOccurrences(of: "Dee", with: "Dee Dee"))
            }
            _ = try await step(.patch, "/scim/v2/Users/{id}", "user.updated", resource: scimUser) {
                try await api.scim(.patch, "/Users/\(scimUser)", SCIM.patch(#"{"op": "replace", "path": "active", "value": false}"#))
            }
            let scimGroupBody = #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "Okta Sales", "members": [{"value": "\#(scimUser)"}]}"#
            let scimGroup = try Self.id(
                try await step(.post, "/scim/v2/Groups", "group.created") { try await api.scim(.post, "/Groups", scimGroupBody) })
            _ = try await step(.put, "/scim/v2/Groups/{id}", "group.updated", resource: scimGroup) {
                try await api.scim(.put, "/Groups/\(scimGroup)", scimGroupBody.replacingOccurrences(of: "Okta Sales", with: "Okta Sales EU"))
            }
            _ = try await step(.patch, "/scim/v2/Groups/{id}", "group.updated", resource: scimGroup) {
                try await api.scim(.patch, "/Groups/\(scimGroup)", SCIM.patch(#"{"op": "remove", "path": "members"}"#))
            }
            _ = try await step(.delete, "/scim/v2/Groups/{id}", "group.deleted", resource: scimGroup) {
                try await api.scim(.delete, "/Groups/\(scimGroup)")
            }
            _ = try await step(.delete, "/scim/v2/Users/{id}", "user.deleted", resource: scimUser) {
                try await api.scim(.delete, "/Users/\(scimUser)")
            }

            // Every route that writes was exercised: all but GETs, searches, permission checks and the gateway's
            // authorizations, which change nothing.
            let store = try await SQLiteDatastore.open(.init(path: ":memory:"))
            let routes = buildRouter(organization: Organization(store: store), answerWrongMethods: false).routes
            try await store.close()
            let writes = Set(
                routes.filter { $0.method != .get }.map { "\($0.method.rawValue) \(OpenAPIDocumentTests.openAPIPath($0.path.description))" }
            ).filter { !$0.hasSuffix(".search") && !$0.hasSuffix("/permission_checks") && !$0.contains(" /v1/gateway/authorize") }
            #expect(writes.subtracting(exercised).sorted() == [], "write routes this test does not exercise")
        }
    }

    @Test("a request that is refused or fails leaves no event")
    func refusedRequestsLeaveNoEvent() async throws {
        try await Fixture.run(seeding: Self.seed) { api in
            let marker = try await Self.newestEvent(api)
            let idp = try await api.groupID("IdP Engineering")
            let nobody = try await api.holder("nobody")
            let marker2 = try await Self.newestEvent(api)
            let refusals: [Reply] = [
                try await api.post("/v1/organization/groups", #"{"name": " "}"#),
                try await api.post("/v1/organization/groups", #"{"name": "idp engineering"}"#),
                try await api.post("/v1/organization/groups/\(idp)", #"{"name": "Other"}"#),
                try await api.delete("/v1/organization/groups/\(Identifier.make(.group))"),
                try await api.post("/v1/organization/roles", #"{"role_name": "Bad", "permissions": ["api.nope"]}"#),
                try await api.send(.post, "/v1/organization/groups", json: #"{"name": "Sneaky"}"#, key: nobody.key),
                try await api.send(.post, "/v1/organization/groups", json: #"{"name": "Anonymous"}"#, key: nil),
                try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "cy@example.com"}"#),
            ]
            #expect(refusals.map(\.status.code).allSatisfy { $0 >= 400 }, "\(refusals.map(\.status.code))")
            #expect(try await Self.events(api, since: marker2).isEmpty)
            _ = marker
        }
    }

    @Test("an event has OpenAI's shape: id, type, effective_at, the actor's key and user, the project, and the details under its type")
    func eventShape() async throws {
        try await Fixture.run(seeding: Self.seed, now: { 1_700_000_123 }) { api in
            let project = try await api.createProject("Apollo")
            let reply = try await api.get("\(Self.auditLogs)?limit=1")
            #expect(reply.status == .ok)
            let list = try reply.object()
            expectFields(list, ["object", "data", "first_id", "last_id", "has_more"], in: "the list")
            #expect(list["object"] as? String == "list")
            #expect(list["has_more"] as? Bool == true)
            let event = try #require(try reply.items().first)
            #expect(list["first_id"] as? String == event["id"] as? String)
            #expect(list["last_id"] as? String == event["id"] as? String)
            #expect((event["id"] as? String)?.hasPrefix("audit_log-") == true)
            #expect(event["type"] as? String == "project.created")
            #expect(event["effective_at"] as? Int == 1_700_000_123)
            #expect(event["project"] as? [String: String] == ["id": project, "name": "Apollo"])
            let actor = try #require(event["actor"] as? [String: Any])
            #expect(actor["type"] as? String == "api_key")
            let key = try #require(actor["api_key"] as? [String: Any])
            #expect(key["type"] as? String == "user")
            #expect(key["user"] as? [String: String] == ["id": api.owner.id.rawValue, "email": Fixture.ownerEmail])
            let details = try #require(event["project.created"] as? [String: Any])
            #expect(details["id"] as? String == project)
            #expect(details["data"] as? [String: String] == ["name": "Apollo", "title": "Apollo"])

            let group = try await api.createGroup("Support")
            let created = try #require(try await api.get("\(Self.auditLogs)?limit=1").items().first)
            #expect(created["project"] == nil, "an event outside projects has no project member")
            let groupCreated = created["group.created"] as? [String: Any]
            #expect(groupCreated?["id"] as? String == group)
            #expect(groupCreated?["data"] as? [String: String] == ["group_name": "Support"])

            // The seed file's changes are Roster's own.
            let seeded = try await api.get("\(Self.auditLogs)?event_types[]=user.added&limit=100").items()
            #expect(!seeded.isEmpty && seeded.allSatisfy { $0["actor"] is NSNull })
        }
    }

    @Test("every filter keeps exactly the events it names, alone and combined, with or without brackets")
    func filters() async throws {
        let clock = Mutex(1_000)
        try await Fixture.run(seeding: Self.seed, now: { clock.withLock { $0 } }) { api in
            let dana = try await api.holder("dana", role: .owner)
            clock.withLock { $0 = 2_000 }
            let project = try await api.createProject("Apollo")
            let group = try await api.createGroup("Support")
            clock.withLock { $0 = 3_000 }
            let cy = try await api.userID("cy@example.com")
            _ = try await api.send(
                .post, "/v1/organization/projects/\(project)/users", json: #"{"user_id": "\#(cy)", "role": "member"}"#, key: dana.key)
            _ = try await api.send(.post, "/v1/organization/groups/\(group)/users", json: #"{"user_id": "\#(cy)"}"#, key: dana.key)
            clock.withLock { $0 = 4_000 }
            _ = try await api.post("/v1/organization/groups/\(group)", #"{"name": "Help"}"#)
            let danaKey = try #require(
                try await api.get("/v1/organization/admin_api_keys?limit=100").items().first { $0["name"] as? String == "dana's key" }?["id"]
                    as? String)

            let all = try await api.get("\(Self.auditLogs)?limit=100").items()
            #expect(all.count > 8 && all.count < 100)
            func actor(_ event: [String: Any]) -> (key: String?, user: String?, email: String?) {
                let key = (event["actor"] as? [String: Any])?["api_key"] as? [String: Any]
                let user = key?["user"] as? [String: Any]
                return (key?["id"] as? String, user?["id"] as? String, user?["email"] as? String)
            }
            func resource(_ event: [String: Any]) -> String? {
                let details = event[event["type"] as? String ?? ""] as? [String: Any]
                return details?["principal_id"] as? String ?? details?["id"] as? String
            }
            func time(_ event: [String: Any]) -> Int { event["effective_at"] as? Int ?? -1 }
            func projectID(_ event: [String: Any]) -> String? { (event["project"] as? [String: Any])?["id"] as? String }
            let owner = api.owner.id.rawValue
            let checks: [(query: String, keep: ([String: Any]) -> Bool)] = [
                ("effective_at[gt]=2000", { time($0) > 2000 }),
                ("effective_at[gte]=2000", { time($0) >= 2000 }),
                ("effective_at[lt]=3000", { time($0) < 3000 }),
                ("effective_at[lte]=3000", { time($0) <= 3000 }),
                ("effective_at[gte]=2000&effective_at[lt]=4000", { (2000..<4000).contains(time($0)) }),
                ("project_ids[]=\(project)", { projectID($0) == project }),
                ("project_ids=\(project)&project_ids=\(Identifier.make(.project))", { projectID($0) == project }),
                ("event_types[]=group.updated", { $0["type"] as? String == "group.updated" }),
                ("event_types[]=group.created&event_types[]=user.added", { ["group.created", "user.added"].contains($0["type"] as? String) }),
                ("event_types[]=login.succeeded", { _ in false }),
                ("actor_ids[]=\(dana.userID)", { actor($0).user == dana.userID }),
                ("actor_ids[]=\(danaKey)", { actor($0).key == danaKey }),
                ("actor_ids[]=\(danaKey)&actor_ids[]=\(owner)", { actor($0).key == danaKey || actor($0).user == owner }),
                ("actor_emails[]=DANA@example.com", { actor($0).email == "dana@example.com" }),
                ("actor_emails=\(Fixture.ownerEmail)", { actor($0).email == Fixture.ownerEmail }),
                ("resource_ids[]=\(group)", { resource($0) == group }),
                ("resource_ids[]=\(cy)&resource_ids[]=\(project)", { [cy, project].contains(resource($0)) }),
                (
                    "resource_ids[]=\(group)&actor_ids[]=\(dana.userID)&effective_at[gte]=3000&event_types[]=group.updated",
                    { resource($0) == group && actor($0).user == dana.userID && $0["type"] as? String == "group.updated" }
                ),
                ("project_ids[]=\(project)&actor_emails[]=dana@example.com", { projectID($0) == project && actor($0).email == "dana@example.com" }),
            ]
            for (query, keep) in checks {
                let expected = all.filter(keep).map { $0["id"] as? String ?? "" }
                let reply = try await api.get("\(Self.auditLogs)?limit=100&\(query)")
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                #expect(try reply.ids() == expected, "\(query)")
                #expect(!expected.isEmpty || query.contains("login"), "\(query) should keep something")
            }
            #expect(try await api.get("\(Self.auditLogs)?tenant_only=true").items().isEmpty)
        }
    }

    @Test("the list pages newest first: last_id as after gives older events, first_id as before newer ones")
    func paging() async throws {
        try await Fixture.run(seeding: Self.seed) { api in
            for index in 0..<20 { _ = try await api.createGroup("Team \(index)") }
            let query = "\(Self.auditLogs)?event_types[]=group.created"
            let all = try await api.get("\(query)&limit=100").ids()
            #expect(all.count == 21, "twenty groups and the seed's")
            let first = try await api.get("\(query)&limit=2")
            #expect(try first.ids() == Array(all[0..<2]))
            #expect(try first.object()["has_more"] as? Bool == true)
            let lastID = try #require(try first.object()["last_id"] as? String)
            let second = try await api.get("\(query)&limit=2&after=\(lastID)")
            #expect(try second.ids() == Array(all[2..<4]))
            let firstID = try #require(try second.object()["first_id"] as? String)
            let back = try await api.get("\(query)&limit=2&before=\(firstID)")
            #expect(try back.ids() == Array(all[0..<2]))
            #expect(try back.object()["has_more"] as? Bool == false)
            let last = try await api.get("\(query)&limit=100&after=\(all[3])")
            #expect(try last.ids() == Array(all[4...]))
            #expect(try last.object()["last_id"] as? String == all.last)
            #expect(try last.object()["has_more"] as? Bool == false)
            let defaulted = try await api.get(Self.auditLogs)
            #expect(try defaulted.items().count == 20, "20 by default")
            #expect(try defaulted.object()["has_more"] as? Bool == true)
        }
    }

    @Test("a malformed filter, limit or cursor is a 400 naming it")
    func badParameters() async throws {
        try await Fixture.run(seeding: Self.seed) { api in
            let some = try #require(try await Self.newestEvent(api))
            let cases: [(query: String, param: String)] = [
                ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"),
                ("effective_at[gt]=yesterday", "effective_at[gt]"), ("effective_at[after]=1", "effective_at[after]"),
                ("effective_at=1", "effective_at"),
                ("project_ids[]=apollo", "project_ids"), ("event_types[]=Group%20Created", "event_types"),
                ("event_types[]=group", "event_types"), ("actor_ids[]=someone", "actor_ids"), ("actor_emails[]=", "actor_emails"),
                ("resource_ids[]=", "resource_ids"), ("after=group_123", "after"), ("before=nope", "before"),
                ("after=\(Identifier.make(.auditLog))", "after"), ("before=\(Identifier.make(.auditLog))", "before"),
                ("after=\(some)&before=\(some)", "before"), ("tenant_only=maybe", "tenant_only"),
            ]
            for (query, param) in cases {
                try expectError(try await api.get("\(Self.auditLogs)?\(query)"), .badRequest, param: param)
            }
            let many = (0...1000).map { _ in "project_ids[]=\(Identifier.make(.project))" }.joined(separator: "&")
            try expectError(try await api.get("\(Self.auditLogs)?\(many)"), .badRequest, param: "project_ids")
        }
    }
}

extension Fixture {
    /// The id of `Fixture.key`.
    var keyID: Identifier {
        get async throws { try await organization.authenticate(secret: Fixture.key).keyID }
    }
}
