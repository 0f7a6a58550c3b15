import Foundation
import Synchronization
import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Testing

/// The in-memory policy: read-your-writes, immediate revocation, and two organizations on one database file (as two
/// `roster serve` processes would be) following each other's changes whole.
@Suite("Policy")
struct PolicyTests {
    /// Runs `body` with two organizations over two stores opened on one new database file; the first is bootstrapped
    /// with the key `sk-test-key-0000` and the fixture's organization file.
    static func withTwoInstances(_ body: (Organization, Organization, SQLiteDatastore, String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("roster.sqlite").path
        try await SQLiteDatastore.withOpened(.init(path: path)) { firstStore in
            let first = Organization(store: firstStore)
            _ = try await first.bootstrap(adminKey: "sk-test-key-0000", ownerEmail: "owner@example.com")
            _ = try await first.importFile(Fixture.file)
            try await SQLiteDatastore.withOpened(.init(path: path)) { secondStore in
                let second = Organization(store: secondStore)
                try await second.catchUpPolicy()
                try await body(first, second, firstStore, path)
            }
        }
    }

    /// Everything the policy decides for `organization`: each user's grants in the organization and in each project,
    /// and which user each key authenticates as (or why not).
    static func decisions(of organization: Organization, users: [Identifier], projects: [Identifier], keys: [String]) async -> [String] {
        var lines: [String] = []
        for user in users {
            for project in [nil] + projects {
                do {
                    let grants = try await organization.permissions(of: user, projectID: project)
                    let described = grants.map { grant in
                        "\(grant.permission)<-" + grant.sources.map { "\($0.role.id)/\($0.group?.id.rawValue ?? "-")/\($0.group?.name ?? "-")" }.joined(separator: ",")
                    }
                    lines.append("\(user) \(project?.rawValue ?? "org"): \(described.joined(separator: " "))")
                } catch {
                    lines.append("\(user) \(project?.rawValue ?? "org"): \(error)")
                }
            }
        }
        for key in keys {
            do {
                let caller = try await organization.authenticate(secret: key)
                lines.append("\(key): \(caller.userID) \(caller.scopes?.sorted() ?? [])")
            } catch {
                lines.append("\(key): \((error as? ServiceError)?.code ?? "\(error)")")
            }
        }
        return lines
    }

    @Test("a key deleted, a user deactivated or deleted and a role taken away stop working before the write returns")
    func revocationIsImmediate() async throws {
        try await Fixture.with { world in
            let organization = world.organization
            let bob = try await world.user("bob@example.com")
            let manager = try await world.role("Group Manager")
            let key = try await organization.createAdminKey(name: "bob", expiresInSeconds: nil, userID: bob.id, by: world.caller)
            let groups = PermissionRequirement("api.groups.write", inProject: nil)
            func authorize() async throws {
                _ = try await organization.authenticateAndAuthorize(secret: key.secret, groups, projectID: nil, operation: "POST groups")
            }
            try await authorize()

            try await organization.unassignRole(manager.id, fromUser: bob.id)
            await expectServiceError(.forbidden, code: "missing_permission") { try await authorize() }
            _ = try await organization.assignRole(manager.id, toUser: bob.id)
            try await authorize()

            try await organization.deleteAdminKey(id: key.key.key.id)
            await expectServiceError(.unauthenticated, code: "invalid_api_key") { try await authorize() }

            let again = try await organization.createAdminKey(name: "bob", expiresInSeconds: nil, userID: bob.id, by: world.caller)
            try await organization.deleteUser(id: bob.id)
            await expectServiceError(.unauthenticated, code: "invalid_api_key") {
                _ = try await organization.authenticate(secret: again.secret)
            }
            await expectStoreNotFound { _ = try await organization.permissions(of: bob.id, projectID: nil) }
        }
    }

    @Test("a second instance on the same file catches up to what the first wrote, and then decides as a fresh load does")
    func followingMatchesAFreshLoad() async throws {
        try await Self.withTwoInstances { first, second, firstStore, path in
            let caller = try await first.authenticate(secret: "sk-test-key-0000")
            let users = try await first.users(emails: nil, page: PageRequest(limit: 100)).items
            let (ada, bob, cy) = (users[1].id, users[2].id, users[3].id)
            let before = try await second.catchUpPolicy()

            let team = try await first.createGroup(name: "Team")
            try await first.addMember(groupID: team.id, userID: bob)
            try await first.addMember(groupID: team.id, userID: cy)
            let auditor = try await first.createRole(name: "Auditor", permissions: ["api.audit_logs.read"], description: nil, by: caller)
            _ = try await first.assignRole(auditor.id, toGroup: team.id)
            _ = try await first.updateRole(id: auditor.id, name: "Auditors", permissions: ["api.audit_logs.read", "api.users.read"], description: nil)
            let project = try await first.createProject(name: "Apollo")
            _ = try await first.addProjectGroup(projectID: project.id, groupID: team.id, role: "member")
            let builder = try await first.createProjectRole(
                projectID: project.id, name: "Builder", permissions: ["api.project.service_accounts.write"], description: nil, by: caller)
            _ = try await first.assignProjectRole(builder.id, toGroup: team.id, projectID: project.id)
            _ = try await first.modifyUser(id: ada, .init(role: "reader"))
            let scoped = try await first.createAdminKey(name: "scoped", expiresInSeconds: nil, userID: cy, scopes: ["api.users.read"], by: caller)
            let doomed = try await first.createAdminKey(name: "doomed", expiresInSeconds: nil, userID: bob, by: caller)
            try await first.deleteAdminKey(id: doomed.key.key.id)
            let gone = try await first.createGroup(name: "Gone")
            try await first.addMember(groupID: gone.id, userID: bob)
            _ = try await first.assignRole(auditor.id, toGroup: gone.id)
            try await first.deleteGroup(id: gone.id)

            let revision = try await second.catchUpPolicy()
            #expect(revision > before)
            #expect(revision == first.policy.revision)
            let keys = ["sk-test-key-0000", scoped.secret, doomed.secret]
            let everyone = try await first.users(emails: nil, page: PageRequest(limit: 100)).items.map(\.id)
            let followed = await Self.decisions(of: second, users: everyone, projects: [project.id], keys: keys)
            try await SQLiteDatastore.withOpened(.init(path: path)) { freshStore in
                let fresh = Organization(store: freshStore)
                let loaded = await Self.decisions(of: fresh, users: everyone, projects: [project.id], keys: keys)
                #expect(followed == loaded)
            }
            #expect(followed.contains { $0.hasPrefix("\(cy) \(project.id):") && $0.contains("api.project.service_accounts.write") })
            #expect(followed.contains("\(doomed.secret): invalid_api_key"))
            _ = firstStore
        }
    }

    @Test("a second instance authorizes model calls as the first decides them: keys, model permissions, tools and revocation")
    func gatewayDecisionsFollow() async throws {
        try await Self.withTwoInstances { first, second, _, path in
            let caller = try await first.authenticate(secret: "sk-test-key-0000")
            let project = try await first.createProject(name: "Gateway")
            let account = try await first.createServiceAccount(projectID: project.id, name: "Bot", by: caller)
            let secret = try #require(account.apiKey?.secret)
            let routes = GatewayRoutes.standard
            func decision(_ organization: Organization, model: String? = nil, tool: String? = nil) async -> String {
                do {
                    let grant = try await organization.authorize(
                        .init(path: "/v1/chat/completions", model: model, tool: tool), keyHash: Organization.keyHash(secret), routes: routes)
                    return "allowed \(grant.key.projectID) \(grant.limits?[.requestsPerMinute].map(String.init) ?? "-")"
                } catch {
                    return (error as? ServiceError)?.code ?? "\(error)"
                }
            }
            try await second.catchUpPolicy()
            #expect(await decision(second).hasPrefix("allowed \(project.id)"))

            _ = try await first.setModelPermissions(projectID: project.id, mode: "deny_list", modelIDs: ["o3"], by: caller)
            _ = try await first.setTools(projectID: project.id, [.mcp: false], by: caller)
            _ = try await first.updateRateLimit(projectID: project.id, rateLimitID: "rl-gpt-4.1", [.requestsPerMinute: 9], by: caller)
            #expect(await decision(second, model: "llama-3.1-70b") == "allowed \(project.id) -", "a model the organization does not know")
            _ = try await first.importFile(OrganizationFile(models: [
                .init(id: "llama-3.1-70b", limits: ["max_requests_per_1_minute": 33, "max_tokens_per_1_minute": 1_000])
            ]))
            try await second.catchUpPolicy()
            #expect(await decision(second, model: "llama-3.1-70b") == "allowed \(project.id) 33", "the file's model and its limits")
            #expect(await decision(second, model: "o3") == "model_not_allowed")
            #expect(await decision(second, tool: "mcp") == "tool_disabled")
            #expect(await decision(second, model: "gpt-4.1") == "allowed \(project.id) 9")
            try await SQLiteDatastore.withOpened(.init(path: path)) { freshStore in
                let fresh = Organization(store: freshStore)
                for (model, tool) in [("o3", nil), (nil, "mcp"), ("gpt-4.1", nil), ("llama-3.1-70b", nil)] as [(String?, String?)] {
                    #expect(await decision(fresh, model: model, tool: tool) == decision(second, model: model, tool: tool))
                }
            }

            let keyID = try #require(account.apiKey?.key.id)
            try await first.deleteProjectKey(projectID: project.id, id: keyID, by: caller)
            #expect(await decision(first) == "invalid_api_key", "revoked before the delete returned")
            try await second.catchUpPolicy()
            #expect(await decision(second) == "invalid_api_key")
        }
    }

    @Test("a follower never holds half of a transaction: a role moved between two users in one transaction is held by exactly one")
    func noHalfAppliedTransaction() async throws {
        try await Self.withTwoInstances { first, second, firstStore, _ in
            let users = try await first.users(emails: nil, page: PageRequest(limit: 100)).items
            let (bob, cy) = (users[2].id, users[3].id)
            let manager = try #require(try await first.roles(page: PageRequest(limit: 100)).items.first { $0.name == "Group Manager" })
            // Bob holds the role from the fixture; Cy does not.
            func holders() async throws -> Set<Identifier> {
                var holding: Set<Identifier> = []
                for user in [bob, cy] where try await second.permissions(of: user, projectID: nil).contains(where: { $0.permission == "api.groups.write" }) {
                    holding.insert(user)
                }
                return holding
            }
            let finished = Flag()
            let moves = Task {
                defer { finished.set() }
                var from = bob, to = cy
                for _ in 0..<40 {
                    try await firstStore.withTransaction { tx in
                        _ = try await tx.unassign(roleID: manager.id, from: .user(from))
                        _ = try await tx.assign(roleID: manager.id, to: .user(to))
                    }
                    swap(&from, &to)
                }
            }
            var observed: Set<Int> = []
            while !finished.isSet {
                try await second.catchUpPolicy()
                let holding = try await holders()
                #expect(holding.count == 1, "after revision \(second.policy.revision): \(holding)")
                observed.insert(second.policy.revision)
            }
            try await moves.value
            try await second.catchUpPolicy()
            #expect(try await holders() == [bob])
            #expect(observed.count > 1, "the follower saw only one revision")
        }
    }

    @Test("a SCIM user is read from the policy at its revision, and one another instance just created is found")
    func scimUsersFollowThePolicy() async throws {
        try await Self.withTwoInstances { first, second, _, _ in
            let request = SCIMRequest(baseURL: "http://localhost/scim/v2")
            let user = try await first.users(emails: nil, page: PageRequest(limit: 100)).items[3]
            func groupNames(_ organization: Organization, _ id: Identifier = user.id) async throws -> [String] {
                let resource = try await organization.scimUser(id: id.rawValue, request)
                return (resource.json[member: "groups"]?.arrayValue ?? []).compactMap { $0[member: "display"]?.stringValue }
            }
            let before = try await groupNames(first)
            let group = try await first.createGroup(name: "Zeta Newcomers")
            try await first.addMember(groupID: group.id, userID: user.id)
            // The first instance caught up with its own write; the second answers at its revision until it looks.
            #expect(try await groupNames(first) == before + ["Zeta Newcomers"])
            #expect(try await groupNames(second) == before)
            try await second.catchUpPolicy()
            #expect(try await groupNames(second) == before + ["Zeta Newcomers"])

            // A SCIM attribute another instance wrote is there once the policy has it, exactly as the store reads it.
            let caller = try await first.authenticate(secret: "sk-test-key-0000")
            let created = try await first.scimCreateUser(
                .object([
                    ("schemas", .array([.string("urn:ietf:params:scim:schemas:core:2.0:User")])), ("userName", "zed@example.com"),
                    ("name", .object([("givenName", "Zed"), ("familyName", "Zee")])), ("title", "Engineer"),
                ]), request, by: caller)
            let createdID = try #require(Identifier(created.json[member: "id"]?.stringValue ?? "", kind: .user))
            let found = try await second.scimUser(id: createdID.rawValue, request)
            #expect(found.json[member: "title"]?.stringValue == "Engineer", "not in the policy yet: read from the store")
            try await second.catchUpPolicy()
            let held = try await second.scimUser(id: createdID.rawValue, request)
            #expect(held.json.serialized == found.json.serialized)
            #expect(held.version == created.version)
        }
    }

    @Test("a group is read from the policy as the store holds it, and one another instance just created is found")
    func groupReadsFollowTheStore() async throws {
        try await Self.withTwoInstances { first, second, firstStore, _ in
            let user = try await first.users(emails: nil, page: PageRequest(limit: 1)).items[0]
            func stored(_ id: Identifier) async throws -> Group { try await firstStore.read { try await $0.group(id: id) } }
            // Created on the first instance: the second, which has not caught up, still finds it.
            let group = try await first.createGroup(name: "Readers Of Memory")
            let behind = second.policy.revision
            #expect(try await second.group(id: group.id) == group)
            #expect(second.policy.revision == behind)
            // A member added bumps the group's version and time in the store; both instances' reads follow.
            try await first.addMember(groupID: group.id, userID: user.id)
            _ = try await first.renameGroup(id: group.id, to: "Readers Of Memory 2")
            let current = try await stored(group.id)
            #expect(current.version == 3)
            #expect(try await first.group(id: group.id) == current)
            try await second.catchUpPolicy()
            #expect(try await second.group(id: group.id) == current)
            try await first.deleteGroup(id: group.id)
            await expectStoreNotFound { _ = try await first.group(id: group.id) }
            try await second.catchUpPolicy()
            await expectStoreNotFound { _ = try await second.group(id: group.id) }
        }
    }

    @Test("requests are decided as the permission check explains, with the sources the user's permissions list: every user, permission and scope agree")
    func decisionsAgreeWithTheirExplanation() async throws {
        try await Fixture.with { world in
            let organization = world.organization
            let (cy, team, _) = try await world.supportTeam(managerAssigned: true)
            let project = try await organization.createProject(name: "Apollo")
            _ = try await organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "member")
            let builder = try await organization.createProjectRole(
                projectID: project.id, name: "Builder", permissions: ["api.project.service_accounts.write"], description: nil, by: world.caller)
            _ = try await organization.assignProjectRole(builder.id, toGroup: team.id, projectID: project.id)
            _ = try await organization.addProjectMember(projectID: project.id, userID: try await world.user("bob@example.com").id, email: nil, role: "owner")
            let other = try await organization.createProject(name: "Gemini")
            var keys: [Identifier: String] = [:]
            for user in try await organization.users(emails: nil, page: PageRequest(limit: 100)).items where user.isActive {
                keys[user.id] = try await organization.createAdminKey(name: "k", expiresInSeconds: nil, userID: user.id, by: world.caller).secret
            }
            #expect(keys[cy.id] != nil)
            var compared = 0
            let projects = [nil, project.id, other.id]
            for (userID, secret) in keys {
                // Every permission the user holds in each place, with its sources: what a check's sources must match.
                var listed: [Identifier?: [PermissionGrant]] = [:]
                for projectID in projects { listed[projectID] = try await organization.permissions(of: userID, projectID: projectID) }
                for permission in Permission.allNames.sorted() {
                    for projectID in projects {
                        let explained = try? await organization.check(userID: userID, permission: permission, projectID: projectID)
                        guard let explained else { continue }  // a project permission without a project
                        let requirement = Permission.projectNames.contains(permission)
                            ? PermissionRequirement("api.nothing", inProject: permission) : PermissionRequirement(permission, inProject: nil)
                        let decided = (try? await organization.authenticateAndAuthorize(
                            secret: secret, requirement, projectID: projectID, operation: "test")) != nil
                        #expect(decided == explained.allowed, "\(userID) \(permission) \(projectID?.rawValue ?? "org")")
                        // The check gathers one permission's sources; the user's permissions list them all.
                        let scope = explained.projectID.map(RoleScope.project) ?? .organization
                        let grant = listed[projectID]?.first { $0.permission == permission && $0.scope == scope }
                        #expect(explained.sources == (grant?.sources ?? []), "\(userID) \(permission) \(projectID?.rawValue ?? "org")")
                        compared += 1
                    }
                }
            }
            #expect(compared > 100)
        }
    }

    @Test("the closest roles of a denied check follow roles as they are created, changed and deleted")
    func closestRolesFollowRoleChanges() async throws {
        try await Fixture.with { world in
            let organization = world.organization
            let cy = try await world.user("cy@example.com")
            func closest() async throws -> [String] {
                try await organization.check(userID: cy.id, permission: "api.audit_logs.read", projectID: nil).closestRoles.map(\.name)
            }
            #expect(try await !closest().contains("Auditor"))
            let auditor = try await organization.createRole(name: "Auditor", permissions: ["api.audit_logs.read"], description: nil, by: world.caller)
            #expect(try await closest().first == "Auditor")
            _ = try await organization.updateRole(id: auditor.id, name: nil, permissions: ["api.users.read"], description: nil)
            #expect(try await !closest().contains("Auditor"))
            _ = try await organization.updateRole(id: auditor.id, name: nil, permissions: ["api.audit_logs.read"], description: nil)
            #expect(try await closest().contains("Auditor"))
            try await organization.deleteRole(id: auditor.id)
            #expect(try await !closest().contains("Auditor"))
        }
    }

    @Test("a write's revision is applied before the write returns, and the policy's revision only grows")
    func revisionsGrow() async throws {
        try await Fixture.with { world in
            let start = world.organization.policy.revision
            _ = try await world.organization.createGroup(name: "One")
            let one = world.organization.policy.revision
            _ = try await world.organization.createGroup(name: "Two")
            #expect(start < one)
            #expect(one < world.organization.policy.revision)
        }
    }

    @Test("a revision another instance made is reached by catching up; one the store does not have is refused at once")
    func reachingRevisions() async throws {
        try await Self.withTwoInstances { first, second, _, _ in
            _ = try await first.createGroup(name: "Later")
            #expect(second.policy.revision < first.policy.revision)
            #expect(try await second.reachPolicy(revision: first.policy.revision, timeout: .seconds(2)))
            #expect(second.policy.revision == first.policy.revision)
            let started = ContinuousClock.now
            #expect(try await !second.reachPolicy(revision: first.policy.revision + 1, timeout: .seconds(2)))
            #expect(ContinuousClock.now - started < .seconds(1))
        }
    }
}

/// Expects `body` to fail with a store not-found error.
private func expectStoreNotFound(_ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a not-found error")
    } catch let error as StoreError {
        #expect(error.missing != nil, "\(error)")
    } catch {
        Issue.record("expected a not-found error, got \(error)")
    }
}

/// A flag one task sets and another reads.
private final class Flag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
