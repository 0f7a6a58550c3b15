import Foundation
import RosterModel
import RosterService
import Testing

/// The 19 project operations: each answers 200 with the members OpenAI's reference requires (nulls present), and
/// refuses bad requests with 400, unknown ids with 404 and changes to archived projects with 409.
@Suite struct ProjectWireTests {
    static let projects = "/v1/organization/projects"
    static let people = OrganizationFile(
        users: [.init(email: "alice@example.com", name: "Alice"), .init(email: "bob@example.com", name: "Bob")],
        groups: [.init(name: "Platform", members: ["alice@example.com"])])

    private enum Required {
        static let project = ["id", "object", "name", "created_at", "archived_at", "status", "external_key_id"]
        static let rangeList = ["object", "data", "first_id", "last_id", "has_more"]
        static let cursorList = ["object", "data", "has_more", "next"]
        static let projectUser = ["object", "id", "name", "email", "role", "added_at"]
        static let projectGroup = ["object", "project_id", "group_id", "group_name", "group_type", "created_at"]
        static let serviceAccount = ["object", "id", "name", "role", "created_at"]
        static let apiKey = ["object", "value", "name", "created_at", "id"]
        static let deletedWithID = ["object", "id", "deleted"]
        static let deleted = ["object", "deleted"]
    }

    /// Creates a project through the API and returns its id.
    static func createProject(_ api: Fixture, _ name: String = "Alpha") async throws -> String {
        let reply = try await api.post(projects, #"{"name": "\#(name)"}"#)
        guard reply.status == .ok, let id = try reply.object()["id"] as? String else {
            throw FixtureError("creating project \(name) answered \(reply.status): \(reply.text)")
        }
        return id
    }

    @Test("the five project operations answer 200 in the reference's shapes")
    func projectOperations() async throws {
        try await Fixture.run { api in
            let created = try await api.post(Self.projects, #"{"name": "Alpha"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let project = try created.object()
            expectFields(project, Required.project, in: "create-project")
            let id = try #require(project["id"] as? String)
            #expect(id.hasPrefix("proj_"))
            #expect(project["object"] as? String == "organization.project")
            #expect(project["name"] as? String == "Alpha")
            #expect(project["created_at"] is Int)
            #expect(project["status"] as? String == "active")
            expectNull(project, "archived_at")
            expectNull(project, "external_key_id")
            #expect(project["residency"] == nil, "residency is omitted, not null, when the project has none")

            let list = try await api.get("\(Self.projects)?limit=10")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.rangeList, in: "list-projects")
            #expect(page["object"] as? String == "list")
            #expect(page["first_id"] as? String == id)
            #expect(page["last_id"] as? String == id)
            #expect(page["has_more"] as? Bool == false)
            for item in try list.items() { expectFields(item, Required.project, in: "a listed project") }

            let retrieved = try await api.get("\(Self.projects)/\(id)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.project, in: "retrieve-project")

            let modified = try await api.post("\(Self.projects)/\(id)", #"{"name": "Alpha 2", "external_key_id": "ekm-1"}"#)
            #expect(modified.status == .ok, "\(modified.text)")
            #expect(try modified.object()["name"] as? String == "Alpha 2")
            #expect(try modified.object()["external_key_id"] as? String == "ekm-1")

            let archived = try await api.post("\(Self.projects)/\(id)/archive", "")
            #expect(archived.status == .ok, "\(archived.text)")
            let body = try archived.object()
            expectFields(body, Required.project, in: "archive-project")
            #expect(body["status"] as? String == "archived")
            #expect(body["archived_at"] is Int)
        }
    }

    @Test("a project created with a residency answers it, and an unknown residency is a 400 whose param is residency")
    func residency() async throws {
        try await Fixture.run { api in
            let reply = try await api.post(Self.projects, #"{"name": "EU", "residency": "EU_STORAGE_PROCESSING"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.object()["residency"] as? String == "EU_STORAGE_PROCESSING")
            try expectError(try await api.post(Self.projects, #"{"name": "Moon", "residency": "MOON"}"#), .badRequest, param: "residency")
        }
    }

    @Test("archived projects are listed only with include_archived=true, and another value is a 400")
    func includeArchived() async throws {
        try await Fixture.run { api in
            let alpha = try await Self.createProject(api, "Alpha")
            let beta = try await Self.createProject(api, "Beta")
            #expect(try await api.post("\(Self.projects)/\(alpha)/archive", "").status == .ok)
            #expect(try await api.get(Self.projects).ids() == [beta])
            #expect(try await api.get("\(Self.projects)?include_archived=false").ids() == [beta])
            #expect(try await api.get("\(Self.projects)?include_archived=true").ids() == [alpha, beta])
            try expectError(try await api.get("\(Self.projects)?include_archived=yes"), .badRequest, param: "include_archived")
        }
    }

    @Test("archiving an archived project answers 200 again; changing it is a 409 project_archived")
    func archivedProject() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let id = try await Self.createProject(api)
            let bob = try await api.userID("bob@example.com")
            let group = try await api.groupID("Platform")
            #expect(try await api.post("\(Self.projects)/\(id)/users", #"{"user_id": "\#(bob)", "role": "member"}"#).status == .ok)
            #expect(try await api.post("\(Self.projects)/\(id)/groups", #"{"group_id": "\#(group)", "role": "member"}"#).status == .ok)
            let account = try #require(try await api.post("\(Self.projects)/\(id)/service_accounts", #"{"name": "Bot"}"#).object()["id"] as? String)
            let first = try await api.post("\(Self.projects)/\(id)/archive", "")
            let again = try await api.post("\(Self.projects)/\(id)/archive", "")
            #expect(again.status == .ok)
            #expect(try again.object()["archived_at"] as? Int == first.object()["archived_at"] as? Int)

            let attempts = [
                try await api.post("\(Self.projects)/\(id)", #"{"name": "Renamed"}"#),
                try await api.post("\(Self.projects)/\(id)/users", #"{"user_id": "\#(bob)", "role": "owner"}"#),
                try await api.post("\(Self.projects)/\(id)/users/\(bob)", #"{"role": "owner"}"#),
                try await api.delete("\(Self.projects)/\(id)/users/\(bob)"),
                try await api.post("\(Self.projects)/\(id)/groups", #"{"group_id": "\#(group)", "role": "owner"}"#),
                try await api.delete("\(Self.projects)/\(id)/groups/\(group)"),
                try await api.post("\(Self.projects)/\(id)/service_accounts", #"{"name": "Bot 2"}"#),
                try await api.post("\(Self.projects)/\(id)/service_accounts/\(account)", #"{"name": "Renamed"}"#),
                try await api.delete("\(Self.projects)/\(id)/service_accounts/\(account)"),
            ]
            for reply in attempts {
                let error = try expectError(reply, .conflict, param: nil, code: "project_archived")
                #expect(message(error).contains("archived"))
            }
            // Reads still work.
            #expect(try await api.get("\(Self.projects)/\(id)/users").ids() == [bob])
            #expect(try await api.get("\(Self.projects)/\(id)/service_accounts").ids() == [account])
        }
    }

    @Test("the five project user operations answer 200 in the reference's shapes")
    func projectUserOperations() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let id = try await Self.createProject(api)
            let bob = try await api.userID("bob@example.com")
            let users = "\(Self.projects)/\(id)/users"

            let added = try await api.post(users, #"{"user_id": "\#(bob)", "role": "member"}"#)
            #expect(added.status == .ok, "\(added.text)")
            let user = try added.object()
            expectFields(user, Required.projectUser, in: "create-project-user")
            #expect(user["object"] as? String == "organization.project.user")
            #expect(user["id"] as? String == bob)
            #expect(user["name"] as? String == "Bob")
            #expect(user["email"] as? String == "bob@example.com")
            #expect(user["role"] as? String == "member")
            #expect(user["added_at"] is Int)

            let retrieved = try await api.get("\(users)/\(bob)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.projectUser, in: "retrieve-project-user")

            let modified = try await api.post("\(users)/\(bob)", #"{"role": "owner"}"#)
            #expect(modified.status == .ok, "\(modified.text)")
            #expect(try modified.object()["role"] as? String == "owner")

            let list = try await api.get("\(users)?limit=10")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.rangeList, in: "list-project-users")
            #expect(page["first_id"] as? String == bob)
            #expect(page["has_more"] as? Bool == false)
            for item in try list.items() { expectFields(item, Required.projectUser, in: "a listed project user") }

            let deleted = try await api.delete("\(users)/\(bob)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, Required.deletedWithID, in: "delete-project-user")
            #expect(ack["object"] as? String == "organization.project.user.deleted")
            #expect(ack["id"] as? String == bob)
            #expect(ack["deleted"] as? Bool == true)
            try expectError(try await api.get("\(users)/\(bob)"), .notFound, param: nil)
        }
    }

    @Test("a project user is added by email, and adding the same user again answers 200 with the new role")
    func projectUserByEmail() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let users = "\(Self.projects)/\(try await Self.createProject(api))/users"
            let first = try await api.post(users, #"{"email": "alice@example.com", "role": "member"}"#)
            #expect(first.status == .ok, "\(first.text)")
            #expect(try first.object()["id"] as? String == (try await api.userID("alice@example.com")))
            let again = try await api.post(users, #"{"email": "alice@example.com", "role": "owner"}"#)
            #expect(again.status == .ok)
            #expect(try again.object()["role"] as? String == "owner")
            #expect(try await api.get(users).ids().count == 1)
        }
    }

    @Test("project user requests without a user, with a bad role or for unknown ids are 400 or 404")
    func projectUserErrors() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let id = try await Self.createProject(api)
            let bob = try await api.userID("bob@example.com")
            let users = "\(Self.projects)/\(id)/users"
            try expectError(try await api.post(users, #"{"role": "member"}"#), .badRequest, param: "user_id")
            try expectError(try await api.post(users, #"{"user_id": "\#(bob)"}"#), .badRequest, param: "role")
            try expectError(try await api.post(users, #"{"user_id": "\#(bob)", "role": "admin"}"#), .badRequest, param: "role")
            try expectError(try await api.post(users, #"{"user_id": "user_nope", "role": "member"}"#), .notFound, param: nil)
            try expectError(try await api.post(users, #"{"email": "nobody@example.com", "role": "member"}"#), .notFound, param: nil)
            let unknownProject = "\(Self.projects)/\(Identifier.make(.project))/users"
            try expectError(try await api.post(unknownProject, #"{"user_id": "\#(bob)", "role": "member"}"#), .notFound, param: nil)
            try expectError(try await api.get(unknownProject), .notFound, param: nil)
            // Not a member.
            try expectError(try await api.get("\(users)/\(bob)"), .notFound, param: nil)
            try expectError(try await api.post("\(users)/\(bob)", #"{"role": "owner"}"#), .notFound, param: nil)
            try expectError(try await api.delete("\(users)/\(bob)"), .notFound, param: nil)
            try expectError(try await api.get("\(users)?limit=0"), .badRequest, param: "limit")
            try expectError(try await api.get("\(users)?after=\(Identifier.make(.group))"), .badRequest, param: "after")
        }
    }

    @Test("the four project group operations answer 200 in the reference's shapes")
    func projectGroupOperations() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let id = try await Self.createProject(api)
            let group = try await api.groupID("Platform")
            let groups = "\(Self.projects)/\(id)/groups"

            let added = try await api.post(groups, #"{"group_id": "\#(group)", "role": "member"}"#)
            #expect(added.status == .ok, "\(added.text)")
            let access = try added.object()
            expectFields(access, Required.projectGroup, in: "add-project-group")
            #expect(access["object"] as? String == "project.group")
            #expect(access["project_id"] as? String == id)
            #expect(access["group_id"] as? String == group)
            #expect(access["group_name"] as? String == "Platform")
            #expect(access["group_type"] as? String == "group")
            #expect(access["created_at"] is Int)

            let retrieved = try await api.get("\(groups)/\(group)?group_type=group")
            #expect(retrieved.status == .ok, "\(retrieved.text)")
            expectFields(try retrieved.object(), Required.projectGroup, in: "retrieve-project-group")

            let list = try await api.get("\(groups)?limit=10")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-project-groups")
            #expect(page["has_more"] as? Bool == false)
            expectNull(page, "next")
            for item in try list.items() { expectFields(item, Required.projectGroup, in: "a listed project group") }

            let removed = try await api.delete("\(groups)/\(group)")
            #expect(removed.status == .ok)
            let ack = try removed.object()
            expectFields(ack, Required.deleted, in: "remove-project-group")
            #expect(ack["object"] as? String == "project.group.deleted")
            #expect(ack["deleted"] as? Bool == true)
            try expectError(try await api.get("\(groups)/\(group)"), .notFound, param: nil)
        }
    }

    @Test("project groups page with next and order, oldest first by default")
    func projectGroupPaging() async throws {
        let file = OrganizationFile(groups: (1...3).map { OrganizationFile.GroupEntry(name: "Group \($0)") })
        try await Fixture.run(seeding: file) { api in
            let groups = "\(Self.projects)/\(try await Self.createProject(api))/groups"
            var ids: [String] = []
            for name in ["Group 1", "Group 2", "Group 3"] {
                let group = try await api.groupID(name)
                ids.append(group)
                #expect(try await api.post(groups, #"{"group_id": "\#(group)", "role": "viewer"}"#).status == .ok)
            }
            let first = try await api.get("\(groups)?limit=2")
            #expect(try first.items().map { $0["group_id"] as? String } == [ids[0], ids[1]])
            #expect(try first.object()["has_more"] as? Bool == true)
            #expect(try first.object()["next"] as? String == ids[1])
            let second = try await api.get("\(groups)?limit=2&after=\(ids[1])")
            #expect(try second.items().map { $0["group_id"] as? String } == [ids[2]])
            expectNull(try second.object(), "next")
            let descending = try await api.get("\(groups)?order=desc")
            #expect(try descending.items().map { $0["group_id"] as? String } == ids.reversed())
        }
    }

    @Test("project group requests with a bad role, group_type or unknown ids are 400 or 404")
    func projectGroupErrors() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let id = try await Self.createProject(api)
            let other = try await Self.createProject(api, "Beta")
            let group = try await api.groupID("Platform")
            let groups = "\(Self.projects)/\(id)/groups"
            try expectError(try await api.post(groups, #"{"group_id": "\#(group)"}"#), .badRequest, param: "role")
            try expectError(try await api.post(groups, #"{"group_id": "\#(group)", "role": "reader"}"#), .badRequest, param: "role")
            try expectError(try await api.post(groups, #"{"group_id": "group_nope", "role": "member"}"#), .notFound, param: nil)
            let otherID = try #require(Identifier(other, kind: .project))
            let othersOwner = try #require(try await api.store.read { try await $0.role(name: "owner", scope: .project(otherID)) })
            try expectError(
                try await api.post(groups, #"{"group_id": "\#(group)", "role": "\#(othersOwner.id)"}"#), .notFound, param: nil)
            try expectError(try await api.get("\(groups)/\(group)"), .notFound, param: nil)
            try expectError(try await api.delete("\(groups)/\(group)"), .notFound, param: nil)
            #expect(try await api.post(groups, #"{"group_id": "\#(group)", "role": "member"}"#).status == .ok)
            try expectError(try await api.get("\(groups)/\(group)?group_type=tenant_group"), .badRequest, param: "group_type")
            try expectError(try await api.get("\(groups)?limit=101"), .badRequest, param: "limit")
        }
    }

    @Test("the five service account operations answer 200 in the reference's shapes, the key's secret only on create")
    func serviceAccountOperations() async throws {
        try await Fixture.run { api in
            let id = try await Self.createProject(api)
            let accounts = "\(Self.projects)/\(id)/service_accounts"

            let created = try await api.post(accounts, #"{"name": "Deploy bot"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let account = try created.object()
            expectFields(account, Required.serviceAccount + ["api_key"], in: "create-project-service-account")
            #expect(account["object"] as? String == "organization.project.service_account")
            let accountID = try #require(account["id"] as? String)
            #expect(accountID.hasPrefix("svc_acct_"))
            #expect(account["role"] as? String == "member")
            let key = try #require(account["api_key"] as? [String: Any])
            expectFields(key, Required.apiKey, in: "the created account's api_key")
            #expect(key["object"] as? String == "organization.project.service_account.api_key")
            let secret = try #require(key["value"] as? String)
            #expect(secret.hasPrefix("sk-svcacct-"))
            #expect(key["created_at"] is Int)
            #expect((key["id"] as? String)?.hasPrefix("key_") == true)

            let retrieved = try await api.get("\(accounts)/\(accountID)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.serviceAccount, in: "retrieve-project-service-account")
            #expect(!retrieved.text.contains(secret))

            let list = try await api.get(accounts)
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.rangeList, in: "list-project-service-accounts")
            #expect(page["first_id"] as? String == accountID)
            #expect(!list.text.contains(secret))
            for item in try list.items() { expectFields(item, Required.serviceAccount, in: "a listed service account") }

            let updated = try await api.post("\(accounts)/\(accountID)", #"{"name": "Robot", "role": "owner"}"#)
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(try updated.object()["name"] as? String == "Robot")
            #expect(try updated.object()["role"] as? String == "owner")

            let deleted = try await api.delete("\(accounts)/\(accountID)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, Required.deletedWithID, in: "delete-project-service-account")
            #expect(ack["object"] as? String == "organization.project.service_account.deleted")
            #expect(ack["id"] as? String == accountID)
            #expect(ack["deleted"] as? Bool == true)
            try expectError(try await api.get("\(accounts)/\(accountID)"), .notFound, param: nil)
        }
    }

    @Test("a service account created with create_service_account_only has role none and api_key null")
    func accountOnly() async throws {
        try await Fixture.run { api in
            let accounts = "\(Self.projects)/\(try await Self.createProject(api))/service_accounts"
            let reply = try await api.post(accounts, #"{"name": "Bot", "create_service_account_only": true}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let account = try reply.object()
            #expect(account["role"] as? String == "none")
            expectNull(account, "api_key")
        }
    }

    @Test("service account requests with a bad name or role, or ids of another project, are 400 or 404")
    func serviceAccountErrors() async throws {
        try await Fixture.run { api in
            let alpha = try await Self.createProject(api, "Alpha")
            let beta = try await Self.createProject(api, "Beta")
            let accounts = "\(Self.projects)/\(alpha)/service_accounts"
            try expectError(try await api.post(accounts, "{}"), .badRequest, param: "name")
            try expectError(try await api.post(accounts, #"{"name": "  "}"#), .badRequest, param: "name")
            let accountID = try #require(try await api.post(accounts, #"{"name": "Bot"}"#).object()["id"] as? String)
            try expectError(try await api.post("\(accounts)/\(accountID)", #"{"role": "none"}"#), .badRequest, param: "role")
            let elsewhere = "\(Self.projects)/\(beta)/service_accounts/\(accountID)"
            try expectError(try await api.get(elsewhere), .notFound, param: nil)
            try expectError(try await api.post(elsewhere, #"{"name": "Stolen"}"#), .notFound, param: nil)
            try expectError(try await api.delete(elsewhere), .notFound, param: nil)
            try expectError(try await api.get("\(accounts)/svc_acct_nope"), .notFound, param: nil)
            try expectError(try await api.get("\(accounts)?after=\(Identifier.make(.user))"), .badRequest, param: "after")
        }
    }

    @Test("project requests with a bad body or unknown ids are 400 or 404")
    func projectErrors() async throws {
        try await Fixture.run { api in
            try expectError(try await api.post(Self.projects, "{}"), .badRequest, param: "name")
            try expectError(try await api.post(Self.projects, #"{"name": ""}"#), .badRequest, param: "name")
            try expectError(try await api.get("\(Self.projects)/proj_nope"), .notFound, param: nil)
            try expectError(try await api.get("\(Self.projects)/\(Identifier.make(.project))"), .notFound, param: nil)
            try expectError(try await api.post("\(Self.projects)/\(Identifier.make(.project))/archive", ""), .notFound, param: nil)
            try expectError(try await api.get("\(Self.projects)?limit=101"), .badRequest, param: "limit")
            try expectError(try await api.get("\(Self.projects)?after=\(Identifier.make(.user))"), .badRequest, param: "after")
        }
    }
}
