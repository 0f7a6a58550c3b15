import Foundation
import HTTPTypes
import RosterHTTP
import RosterModel
import RosterService
import RosterStore
import Testing

/// A randomized, model-based test of the permission-flow rule. Many actors — users with random custom roles, project
/// roles and key scopes, and an identity provider's SCIM key — send thousands of requests drawn from every path that
/// can move a permission. After each one the test reads, through the explanation endpoint's code path (not the rule's),
/// what every user, key and service account holds in every scope, and checks that a success moved only permissions
/// the calling key held, that a refusal changed nothing, and that the organization still has an active owner.
///
/// The seed is fixed; `ROSTER_MODEL_STEPS` and `ROSTER_MODEL_SEED` run it longer or differently
/// (`Tests/model-check.sh`).
@Suite("Permission flow, model-based")
struct PermissionFlowModelTests {
    @Test("thousands of random requests by many actors never move a permission their key does not hold")
    func randomRequestsKeepTheRule() async throws {
        let environment = ProcessInfo.processInfo.environment
        let steps = environment["ROSTER_MODEL_STEPS"].flatMap(Int.init) ?? 1000
        let seed = environment["ROSTER_MODEL_SEED"].flatMap(UInt64.init) ?? 8
        // Every actor calls from one address; keys that stop working must not throttle the others.
        try await Fixture.run(settings: HTTPSettings(failedAuthenticationsPerMinute: 1_000_000)) { api in
            var model = try await Model.make(api, seed: seed)
            var outcomes: [String: Int] = [:]
            for step in 0..<steps {
                try await model.replenish(api)
                let before = try await World.read(api)
                let actor = model.pickActor()
                let request = model.randomRequest(in: before)
                let reply = try await api.send(request.method, request.path, json: request.body, key: actor.secret, headers: request.headers)
                let after = try await World.read(api)
                let succeeded = reply.status.code < 300
                var outcome = succeeded ? "ok" : String(reply.status.code)
                if reply.status == .forbidden, reply.text.contains("permission_not_held") || reply.text.contains("A key may only give") {
                    outcome = "refused by the rule"
                }
                outcomes["\(outcome): \(request.kind)", default: 0] += 1
                // A key that no longer authenticates (deleted, or its user deactivated) acts no more.
                if reply.status == .unauthorized { model.actors.removeAll { $0.keyID == actor.keyID } }
                let context = "step \(step) (seed \(seed)): \(actor.name) \(request.method) \(request.path) \(request.body ?? "") → \(reply.status.code) \(reply.text.prefix(300))"
                #expect(reply.status.code < 500, "\(context)")
                if succeeded {
                    let held = before.holdings["key:\(actor.keyID)"] ?? [:]
                    for violation in World.moves(from: before, to: after).filter({ !(held[$0.scope] ?? []).contains($0.permission) }) {
                        Issue.record("moved \(violation) without holding it: \(context)")
                    }
                    if request.kind == "create key", let object = try? reply.object(), let secret = object["value"] as? String,
                        let id = object["id"] as? String
                    {
                        model.actors.append(Actor(name: "key \(id)", keyID: id, secret: secret))
                    }
                } else {
                    #expect(after == before, "a refused request changed something: \(context)")
                }
                #expect(after.hasActiveOwner, "no active owner left: \(context)")
                if !after.hasActiveOwner || after.users.isEmpty { break }
            }
            if environment["ROSTER_MODEL_VERBOSE"] != nil { print(outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")) }
            // The run must exercise both answers on the paths that matter, or it proves nothing.
            let refusals = outcomes.filter { $0.key.hasPrefix("refused by the rule") }.values.reduce(0, +)
            let successes = outcomes.filter { $0.key.hasPrefix("ok") }.values.reduce(0, +)
            #expect(refusals > steps / 100, "too few refusals by the rule: \(outcomes)")
            #expect(successes > steps / 10, "too few successes: \(outcomes)")
        }
    }
}

/// Everything the rule is about, read through the service's public reads: what each principal holds in each scope,
/// and the structure a partial write would disturb.
private struct World: Equatable {
    /// "user:<id>", "key:<id>", "sa:<id>" → scope ("org" or a project id) → permissions.
    var holdings: [String: [String: Set<String>]] = [:]
    /// User id → "active owner", "inactive reader", ….
    var users: [String: String] = [:]
    var members: [String: Set<String>] = [:]
    /// Role id → permissions, for the organization's roles and each project's.
    var roles: [String: Set<String>] = [:]
    var projectRoles: [String: [String]] = [:]
    var projects: [String] = []
    var serviceAccounts: [String: String] = [:]
    var keys: [String] = []

    var hasActiveOwner: Bool { users.values.contains("active owner") }

    static func read(_ api: Fixture) async throws -> World {
        let org = api.organization
        var world = World()
        world.projects = try await api.store.read { tx in
            try await tx.projects(includeArchived: true, page: PageRequest(limit: 100)).items.map(\.id.rawValue)
        }
        let users = try await api.store.read { tx in try await tx.users(emails: nil, includeInactive: true, page: PageRequest(limit: 1000)).items }
        var userHoldings: [String: [String: Set<String>]] = [:]
        for user in users {
            world.users[user.id.rawValue] = "\(user.isActive ? "active" : "inactive") \(user.role?.rawValue ?? "none")"
            var held: [String: Set<String>] = ["org": Set(try await org.permissions(of: user.id, projectID: nil).map(\.permission))]
            for project in world.projects {
                held[project] = Set(
                    try await org.permissions(of: user.id, projectID: Identifier(trusted: project)).filter { $0.scope != .organization }
                        .map(\.permission))
            }
            userHoldings[user.id.rawValue] = held
            world.holdings["user:\(user.id)"] = held
        }
        for group in try await org.groups(page: PageRequest(limit: 1000)).items {
            world.members[group.id.rawValue] = Set(try await org.members(groupID: group.id, page: PageRequest(limit: 1000)).items.map(\.id.rawValue))
        }
        for role in try await org.roles(page: PageRequest(limit: 1000)).items { world.roles[role.id.rawValue] = Set(role.grantedPermissions) }
        for project in world.projects {
            let id = Identifier(trusted: project)
            let roles = try await org.projectRoles(projectID: id, page: PageRequest(limit: 1000)).items
            world.projectRoles[project] = roles.map(\.id.rawValue)
            for role in roles { world.roles[role.id.rawValue] = Set(role.grantedPermissions) }
            for account in try await org.serviceAccounts(projectID: id, page: PageRequest(limit: 1000)).items {
                world.serviceAccounts[account.id.rawValue] = account.role.rawValue
                let permissions = PredefinedProjectRole(rawValue: account.role.rawValue)?.permissions ?? []
                world.holdings["sa:\(account.id)"] = [project: Set(permissions)]
            }
        }
        for owned in try await org.adminKeys(page: PageRequest(limit: 1000)).items {
            let key = owned.key
            world.keys.append(key.id.rawValue)
            let scopes = key.scopes.map(Set.init)
            world.holdings["key:\(key.id)"] = (userHoldings[key.ownerID.rawValue] ?? [:]).mapValues { scopes.map($0.intersection) ?? $0 }
        }
        return world
    }

    /// One permission that a principal gained or lost in one scope.
    struct Move: CustomStringConvertible {
        let principal: String
        let scope: String
        let permission: String
        var description: String { "'\(permission)' of \(principal) in \(scope)" }
    }

    /// Every permission some principal holds in one world and not the other.
    static func moves(from before: World, to after: World) -> [Move] {
        var moves: [Move] = []
        for principal in Set(before.holdings.keys).union(after.holdings.keys) {
            let old = before.holdings[principal] ?? [:]
            let new = after.holdings[principal] ?? [:]
            for scope in Set(old.keys).union(new.keys) {
                for permission in (old[scope] ?? []).symmetricDifference(new[scope] ?? []) {
                    moves.append(Move(principal: principal, scope: scope, permission: permission))
                }
            }
        }
        return moves
    }
}

private struct Actor {
    let name: String
    let keyID: String
    let secret: String
}

private struct Request {
    let kind: String
    let method: HTTPRequest.Method
    let path: String
    var body: String? = nil
    var headers: HTTPFields = [:]
}

/// The random actors and the random requests they send; a seeded generator makes a run repeatable.
private struct Model {
    var random: SeededGenerator
    var actors: [Actor] = []
    var counter = 0

    static func make(_ api: Fixture, seed: UInt64) async throws -> Model {
        var model = Model(random: SeededGenerator(seed: seed))
        let ownerKey = try await api.ownerCaller().keyID.rawValue
        model.actors.append(Actor(name: "owner", keyID: ownerKey, secret: Fixture.key))
        let projects = [try await api.createProject("Apollo"), try await api.createProject("Gemini")]
        for name in ["Alpha", "Beta", "Gamma", "Delta"] { _ = try await api.createGroup(name) }
        let groups = try await World.read(api).members.keys.sorted()
        var roles: [String] = []
        for index in 0..<5 {
            roles.append(try await api.createRole("Custom \(index)", permissions: model.someOrganizationPermissions()))
        }
        for project in projects {
            for index in 0..<2 {
                let body = #"{"role_name": "Project \#(index)", "permissions": \#(model.json(model.someProjectPermissions()))}"#
                _ = try await api.expectOK(api.post("/v1/projects/\(project)/roles", body))
            }
        }
        // People with random roles, groups, project roles and keys.
        for index in 0..<8 {
            let holder = try await api.holder("person\(index)", role: model.random.chance(0.2) ? .owner : .reader)
            model.actors.append(Actor(name: "person\(index)", keyID: try await keyID(api, holder.key), secret: holder.key))
            for role in roles where model.random.chance(0.3) {
                _ = try await api.post("/v1/organization/users/\(holder.userID)/roles", #"{"role_id": "\#(role)"}"#)
            }
            for group in groups where model.random.chance(0.3) {
                _ = try await api.post("/v1/organization/groups/\(group)/users", #"{"user_id": "\#(holder.userID)"}"#)
            }
            for project in projects where model.random.chance(0.5) {
                _ = try await api.post("/v1/organization/projects/\(project)/users", #"{"user_id": "\#(holder.userID)", "role": "member"}"#)
                let projectRoles = try await World.read(api).projectRoles[project] ?? []
                if let role = model.random.element(projectRoles) {
                    _ = try await api.post("/v1/projects/\(project)/users/\(holder.userID)/roles", #"{"role_id": "\#(role)"}"#)
                }
            }
            if model.random.chance(0.5) {
                let scopes = model.json(model.someOrganizationPermissions() + model.someProjectPermissions())
                let reply = try await api.post(
                    "/v1/organization/admin_api_keys", #"{"name": "scoped", "user_id": "\#(holder.userID)", "scopes": \#(scopes)}"#)
                let key = try reply.object()
                if let secret = key["value"] as? String, let id = key["id"] as? String {
                    model.actors.append(Actor(name: "person\(index) scoped", keyID: id, secret: secret))
                }
            }
        }
        for group in groups {
            if let role = model.random.element(roles) { _ = try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#) }
        }
        // The identity provider: SCIM and reading the directory, through a scoped key.
        let idp = try await api.holder("idp", role: .reader)
        let scim = try await api.createRole("SCIM", permissions: ["api.scim.read", "api.scim.write"])
        try await api.expectOK(api.post("/v1/organization/users/\(idp.userID)/roles", #"{"role_id": "\#(scim)"}"#))
        let idpKey = try await api.expectOK(
            api.post(
                "/v1/organization/admin_api_keys",
                #"{"name": "idp", "user_id": "\#(idp.userID)", "scopes": \#(model.json(["api.scim.read", "api.scim.write"] + PredefinedRole.reader.permissions))}"#)
        ).object()
        model.actors.append(Actor(name: "idp", keyID: idpKey["id"] as? String ?? "", secret: idpKey["value"] as? String ?? ""))
        return model
    }

    static func keyID(_ api: Fixture, _ secret: String) async throws -> String {
        try await api.organization.authenticate(secret: secret).keyID.rawValue
    }

    /// Keeps at least six actors: while keys are deleted and their users deactivated, an active owner (outside the
    /// steps that are checked) gives a random active user a new key, limited to random scopes half the time.
    mutating func replenish(_ api: Fixture) async throws {
        guard actors.count < 6 else { return }
        let users = try await api.store.read { tx in
            try await tx.users(emails: nil, includeInactive: false, page: PageRequest(limit: 1000)).items
        }
        guard let owner = users.first(where: { $0.role == .owner }), let user = random.element(users) else { return }
        let scopes = random.chance(0.5) ? someOrganizationPermissions() + someProjectPermissions() : nil
        let created = try await api.organization.createAdminKey(
            name: "replenished", expiresInSeconds: nil, userID: user.id, scopes: scopes,
            by: Caller(userID: owner.id, keyID: .make(.adminKey)))
        actors.append(Actor(name: "\(user.name)'s key", keyID: created.key.key.id.rawValue, secret: created.secret))
    }

    mutating func pickActor() -> Actor {
        // Owners' unlimited keys pass every check; the bootstrap owner's acts rarely, to keep the organization moving.
        if let first = actors.first, first.name == "owner", random.chance(0.05) || actors.count == 1 { return first }
        return random.element(actors.filter { $0.name != "owner" }) ?? actors[0]
    }

    mutating func someOrganizationPermissions() -> [String] {
        Array(Permission.organization.map(\.name).shuffled(using: &random).prefix(random.int(2...12)))
    }

    mutating func someProjectPermissions() -> [String] {
        Array(Permission.project.map(\.name).shuffled(using: &random).prefix(random.int(2...10)))
    }

    func json(_ strings: [String]) -> String {
        "[" + strings.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    mutating func randomRequest(in world: World) -> Request {
        counter += 1
        let user = random.element(world.users.keys.sorted()) ?? "user_none"
        let group = random.element(world.members.keys.sorted()) ?? "group_none"
        let project = random.element(world.projects) ?? "proj_none"
        let orgRoles = world.roles.keys.filter { id in !world.projectRoles.values.contains { $0.contains(id) } }.sorted()
        let role = random.element(orgRoles) ?? "role_none"
        let projectRole = random.element(world.projectRoles[project] ?? []) ?? "role_none"
        let account = random.element(world.serviceAccounts.keys.sorted()) ?? "svc_acct_none"
        let key = random.element(world.keys) ?? "key_none"
        let scimHeaders: HTTPFields = [.contentType: SCIM.mediaType]
        switch random.int(0...31) {
        case 0: return Request(kind: "assign user role", method: .post, path: "/v1/organization/users/\(user)/roles", body: #"{"role_id": "\#(role)"}"#)
        case 1: return Request(kind: "unassign user role", method: .delete, path: "/v1/organization/users/\(user)/roles/\(role)")
        case 2: return Request(kind: "assign group role", method: .post, path: "/v1/organization/groups/\(group)/roles", body: #"{"role_id": "\#(role)"}"#)
        case 3: return Request(kind: "unassign group role", method: .delete, path: "/v1/organization/groups/\(group)/roles/\(role)")
        case 4, 5: return Request(kind: "add member", method: .post, path: "/v1/organization/groups/\(group)/users", body: #"{"user_id": "\#(user)"}"#)
        case 6: return Request(kind: "remove member", method: .delete, path: "/v1/organization/groups/\(group)/users/\(user)")
        case 7:
            let op = random.chance(0.6) ? #"{"op": "add", "path": "members", "value": [{"value": "\#(user)"}]}"# : #"{"op": "remove", "path": "members[value eq \"\#(user)\"]"}"#
            return Request(kind: "SCIM patch members", method: .patch, path: "/scim/v2/Groups/\(group)", body: SCIM.patch(op), headers: scimHeaders)
        case 8: return Request(kind: "create role", method: .post, path: "/v1/organization/roles", body: #"{"role_name": "R\#(counter)", "permissions": \#(json(someOrganizationPermissions()))}"#)
        case 9, 10: return Request(kind: "update role", method: .post, path: "/v1/organization/roles/\(role)", body: #"{"permissions": \#(json(someOrganizationPermissions()))}"#)
        case 11: return Request(kind: "delete role", method: .delete, path: "/v1/organization/roles/\(role)")
        case 12: return Request(kind: "modify user role", method: .post, path: "/v1/organization/users/\(user)", body: #"{"role": "\#(random.chance(0.5) ? "owner" : "reader")"}"#)
        case 13: return Request(kind: "delete user", method: .delete, path: "/v1/organization/users/\(user)")
        case 14:
            let patch = SCIM.patch(#"{"op": "replace", "path": "active", "value": \#(random.chance(0.5))}"#)
            return Request(kind: "SCIM (de)activate", method: .patch, path: "/scim/v2/Users/\(user)", body: patch, headers: scimHeaders)
        case 15: return Request(kind: "add project user", method: .post, path: "/v1/organization/projects/\(project)/users", body: #"{"user_id": "\#(user)", "role": "\#(random.chance(0.5) ? "owner" : "member")"}"#)
        case 16: return Request(kind: "remove project user", method: .delete, path: "/v1/organization/projects/\(project)/users/\(user)")
        case 17: return Request(kind: "add project group", method: .post, path: "/v1/organization/projects/\(project)/groups", body: #"{"group_id": "\#(group)", "role": "\#(random.element(["owner", "member", "viewer", projectRole]) ?? "viewer")"}"#)
        case 18: return Request(kind: "remove project group", method: .delete, path: "/v1/organization/projects/\(project)/groups/\(group)")
        case 19: return Request(kind: "create project role", method: .post, path: "/v1/projects/\(project)/roles", body: #"{"role_name": "P\#(counter)", "permissions": \#(json(someProjectPermissions()))}"#)
        case 20: return Request(kind: "update project role", method: .post, path: "/v1/projects/\(project)/roles/\(projectRole)", body: #"{"permissions": \#(json(someProjectPermissions()))}"#)
        case 21: return Request(kind: "assign project user role", method: .post, path: "/v1/projects/\(project)/users/\(user)/roles", body: #"{"role_id": "\#(projectRole)"}"#)
        case 22: return Request(kind: "unassign project user role", method: .delete, path: "/v1/projects/\(project)/users/\(user)/roles/\(projectRole)")
        case 23: return Request(kind: "assign project group role", method: .post, path: "/v1/projects/\(project)/groups/\(group)/roles", body: #"{"role_id": "\#(projectRole)"}"#)
        case 24: return Request(kind: "create service account", method: .post, path: "/v1/organization/projects/\(project)/service_accounts", body: #"{"name": "sa\#(counter)"}"#)
        case 25:
            let owning = world.projects.first { p in world.holdings["sa:\(account)"]?[p] != nil } ?? project
            return Request(kind: "update service account", method: .post, path: "/v1/organization/projects/\(owning)/service_accounts/\(account)", body: #"{"role": "\#(random.chance(0.5) ? "owner" : "member")"}"#)
        case 26:
            let owning = world.projects.first { p in world.holdings["sa:\(account)"]?[p] != nil } ?? project
            return Request(kind: "delete service account", method: .delete, path: "/v1/organization/projects/\(owning)/service_accounts/\(account)")
        case 27:
            let scopes = random.chance(0.5) ? "" : #", "scopes": \#(json(someOrganizationPermissions() + someProjectPermissions()))"#
            let owner = random.chance(0.5) ? #", "user_id": "\#(user)""# : ""
            return Request(kind: "create key", method: .post, path: "/v1/organization/admin_api_keys", body: #"{"name": "k\#(counter)"\#(owner)\#(scopes)}"#)
        case 28: return Request(kind: "delete key", method: .delete, path: "/v1/organization/admin_api_keys/\(key)")
        case 29:
            let body = #"{"schemas": ["\#(SCIM.userURN)"], "userName": "new\#(counter)@example.com"}"#
            return Request(kind: "SCIM create user", method: .post, path: "/scim/v2/Users", body: body, headers: scimHeaders)
        case 30:
            let members = world.users.keys.sorted().filter { _ in random.chance(0.3) }.map { #"{"value": "\#($0)"}"# }.joined(separator: ", ")
            let body = #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "S\#(counter)", "members": [\#(members)]}"#
            let replace = random.chance(0.5)
            return Request(kind: replace ? "SCIM replace group" : "SCIM create group", method: replace ? .put : .post, path: replace ? "/scim/v2/Groups/\(group)" : "/scim/v2/Groups", body: body, headers: scimHeaders)
        default:
            return Request(kind: "SCIM delete user", method: .delete, path: "/scim/v2/Users/\(user)", headers: scimHeaders)
        }
    }
}

/// SplitMix64: small, fast and the same on every platform, so a seed names one run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func element<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[int(0...(items.count - 1))] }
}
