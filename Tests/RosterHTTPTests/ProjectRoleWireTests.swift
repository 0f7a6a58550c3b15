import Foundation
import RosterModel
import RosterService
import Testing

/// Project roles and their assignments over `/v1/projects/{project_id}/…`: every operation's 200 in the shape of
/// OpenAI's reference, and the errors of the project rules.
@Suite struct ProjectRoleWireTests {
    /// The members OpenAI's reference requires (nullable ones present as `null`).
    enum Required {
        static let role = ["object", "id", "name", "description", "permissions", "resource_type", "predefined_role"]
        static let cursorList = ["object", "data", "has_more", "next"]
        static let assignedRole = [
            "id", "name", "permissions", "resource_type", "predefined_role", "description", "created_at", "updated_at",
            "created_by", "created_by_user_obj", "metadata", "assignment_sources",
        ]
        static let user = ["object", "id", "name", "email", "role", "added_at"]
        static let nestedGroup = ["object", "id", "name", "created_at", "scim_managed"]
    }

    static let people = OrganizationFile(
        users: [.init(email: "alice@example.com", name: "Alice"), .init(email: "bob@example.com", name: "Bob")],
        groups: [.init(name: "Platform", members: ["bob@example.com"])])

    /// Creates a project "Apollo" and a custom role "Model User" in it over the API; returns both ids.
    func projectWithRole(_ api: Fixture) async throws -> (project: String, role: String) {
        let project = try await api.organization.createProject(name: "Apollo").id.rawValue
        let reply = try await api.post(
            "/v1/projects/\(project)/roles",
            #"{"role_name": "Model User", "permissions": ["api.model.request"], "description": "Calls models"}"#)
        guard reply.status == .ok, let role = try reply.object()["id"] as? String else {
            throw FixtureError("creating a project role answered \(reply.status): \(reply.text)")
        }
        return (project, role)
    }

    func predefinedRoleID(_ name: String, project: String, _ api: Fixture) async throws -> String {
        let roles = try await api.get("/v1/projects/\(project)/roles").items()
        return try #require(roles.first { $0["name"] as? String == name && $0["predefined_role"] as? Bool == true }?["id"] as? String)
    }

    @Test("the five project role operations answer 200 in the reference's shapes")
    func projectRoles() async throws {
        try await Fixture.run { api in
            let project = try await api.organization.createProject(name: "Apollo").id.rawValue
            let created = try await api.post(
                "/v1/projects/\(project)/roles",
                #"{"role_name": "Key Manager", "permissions": ["api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"]}"#)
            #expect(created.status == .ok, "\(created.text)")
            let role = try created.object()
            expectFields(role, Required.role, in: "create-project-role")
            let id = try #require(role["id"] as? String)
            #expect(id.hasPrefix("role_"))
            #expect(role["object"] as? String == "role")
            #expect(role["resource_type"] as? String == "api.project")
            #expect(role["predefined_role"] as? Bool == false)
            expectNull(role, "description")

            let list = try await api.get("/v1/projects/\(project)/roles")
            #expect(list.status == .ok)
            expectFields(try list.object(), Required.cursorList, in: "list-project-roles")
            expectNull(try list.object(), "next")
            let items = try list.items()
            #expect(Set(items.compactMap { $0["name"] as? String }) == ["owner", "member", "viewer", "Key Manager"])
            for item in items {
                expectFields(item, Required.role, in: "a listed project role")
                #expect(item["resource_type"] as? String == "api.project")
            }
            let firstPage = try await api.get("/v1/projects/\(project)/roles?limit=1&order=desc")
            #expect(try firstPage.ids() == [id])
            #expect(try firstPage.object()["next"] as? String == id)

            let retrieved = try await api.get("/v1/projects/\(project)/roles/\(id)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.role, in: "retrieve-project-role")

            let updated = try await api.post("/v1/projects/\(project)/roles/\(id)", #"{"description": "Manages keys"}"#)
            #expect(updated.status == .ok)
            expectFields(try updated.object(), Required.role, in: "update-project-role")
            #expect(try updated.object()["description"] as? String == "Manages keys")
            #expect(try updated.object()["name"] as? String == "Key Manager")

            let deleted = try await api.delete("/v1/projects/\(project)/roles/\(id)")
            #expect(deleted.status == .ok)
            let body = try deleted.object()
            expectFields(body, ["object", "id", "deleted"], in: "delete-project-role")
            #expect(body["object"] as? String == "role.deleted")
            #expect(body["id"] as? String == id)
            #expect(body["deleted"] as? Bool == true)
            try expectError(try await api.get("/v1/projects/\(project)/roles/\(id)"), .notFound, param: nil, code: "not_found")
        }
    }

    @Test("the four project user role operations answer 200 in the reference's shapes")
    func projectUserRoles() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let (project, role) = try await projectWithRole(api)
            let alice = try await api.userID("alice@example.com")
            _ = try await api.organization.addProjectMember(
                projectID: Identifier(trusted: project), userID: Identifier(trusted: alice), email: nil, role: "member")

            let assigned = try await api.post("/v1/projects/\(project)/users/\(alice)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(assigned.status == .ok, "\(assigned.text)")
            let assignment = try assigned.object()
            #expect(assignment["object"] as? String == "user.role")
            let user = try #require(assignment["user"] as? [String: Any])
            expectFields(user, Required.user, in: "the assignment's user")
            #expect(user["id"] as? String == alice)
            let assignedRole = try #require(assignment["role"] as? [String: Any])
            expectFields(assignedRole, Required.role, in: "the assignment's role")
            #expect(assignedRole["resource_type"] as? String == "api.project")

            let retrieved = try await api.get("/v1/projects/\(project)/users/\(alice)/roles/\(role)")
            #expect(retrieved.status == .ok)
            let details = try retrieved.object()
            expectFields(details, Required.assignedRole, in: "retrieve-project-user-role")
            #expect(details["created_by"] as? String == api.owner.id.rawValue)
            let sources = try #require(details["assignment_sources"] as? [[String: Any]])
            #expect(sources.map { $0["principal_type"] as? String } == ["user"])
            #expect(sources.map { $0["principal_id"] as? String } == [alice])

            let list = try await api.get("/v1/projects/\(project)/users/\(alice)/roles")
            #expect(list.status == .ok)
            expectFields(try list.object(), Required.cursorList, in: "list-project-user-role-assignments")
            for item in try list.items() { expectFields(item, Required.assignedRole, in: "a listed project user role") }
            #expect(Set(try list.items().compactMap { $0["name"] as? String }) == ["member", "Model User"])

            let removed = try await api.delete("/v1/projects/\(project)/users/\(alice)/roles/\(role)")
            #expect(removed.status == .ok)
            #expect(try removed.object()["object"] as? String == "user.role.deleted")
            #expect(try removed.object()["deleted"] as? Bool == true)
            try expectError(
                try await api.get("/v1/projects/\(project)/users/\(alice)/roles/\(role)"), .notFound, param: nil, code: "not_found")
        }
    }

    @Test("the four project group role operations answer 200 in the reference's shapes")
    func projectGroupRoles() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let (project, role) = try await projectWithRole(api)
            let group = try await api.groupID("Platform")
            _ = try await api.organization.addProjectGroup(
                projectID: Identifier(trusted: project), groupID: Identifier(trusted: group), role: "viewer")

            let assigned = try await api.post("/v1/projects/\(project)/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(assigned.status == .ok, "\(assigned.text)")
            let assignment = try assigned.object()
            #expect(assignment["object"] as? String == "group.role")
            expectFields(try #require(assignment["group"] as? [String: Any]), Required.nestedGroup, in: "the assignment's group")
            expectFields(try #require(assignment["role"] as? [String: Any]), Required.role, in: "the assignment's role")

            let retrieved = try await api.get("/v1/projects/\(project)/groups/\(group)/roles/\(role)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.assignedRole, in: "retrieve-project-group-role")

            let list = try await api.get("/v1/projects/\(project)/groups/\(group)/roles")
            #expect(list.status == .ok)
            expectFields(try list.object(), Required.cursorList, in: "list-project-group-role-assignments")
            #expect(Set(try list.items().compactMap { $0["name"] as? String }) == ["viewer", "Model User"])

            // Bob is in the group: he holds the group's project roles, with the group as their source.
            let bob = try await api.userID("bob@example.com")
            let inherited = try await api.get("/v1/projects/\(project)/users/\(bob)/roles/\(role)").object()
            let sources = try #require(inherited["assignment_sources"] as? [[String: Any]])
            #expect(sources.map { $0["principal_id"] as? String } == [group])
            try expectError(
                try await api.delete("/v1/projects/\(project)/users/\(bob)/roles/\(role)"), .conflict, param: nil, code: "role_inherited")

            let removed = try await api.delete("/v1/projects/\(project)/groups/\(group)/roles/\(role)")
            #expect(removed.status == .ok)
            #expect(try removed.object()["object"] as? String == "group.role.deleted")
            #expect(try removed.object()["deleted"] as? Bool == true)
        }
    }

    @Test("an organization permission in a project role answers 400 naming permissions")
    func organizationPermissionIsRefused() async throws {
        try await Fixture.run { api in
            let (project, role) = try await projectWithRole(api)
            let create = try await api.post("/v1/projects/\(project)/roles", #"{"role_name": "Admin", "permissions": ["api.users.write"]}"#)
            try expectError(create, .badRequest, param: "permissions", code: "unknown_permission")
            let update = try await api.post("/v1/projects/\(project)/roles/\(role)", #"{"permissions": ["api.groups.read"]}"#)
            try expectError(update, .badRequest, param: "permissions", code: "unknown_permission")
        }
    }

    @Test("a duplicate name in the project is 409, and the predefined project roles are fixed: 409 predefined_role")
    func namesAndPredefinedRoles() async throws {
        try await Fixture.run { api in
            let (project, _) = try await projectWithRole(api)
            let duplicate = try await api.post("/v1/projects/\(project)/roles", #"{"role_name": "MODEL USER", "permissions": []}"#)
            try expectError(duplicate, .conflict, param: nil, code: "conflict")
            for name in ["owner", "member", "viewer"] {
                let id = try await predefinedRoleID(name, project: project, api)
                try expectError(
                    try await api.post("/v1/projects/\(project)/roles/\(id)", #"{"description": "x"}"#), .conflict, param: nil,
                    code: "predefined_role")
                try expectError(try await api.delete("/v1/projects/\(project)/roles/\(id)"), .conflict, param: nil, code: "predefined_role")
            }
        }
    }

    @Test("a role of another project, an organization role, an unknown project or a malformed id answers 404")
    func foreignAndUnknownIDsAreNotFound() async throws {
        try await Fixture.run { api in
            let (apollo, apolloRole) = try await projectWithRole(api)
            let gemini = try await api.organization.createProject(name: "Gemini").id.rawValue
            let organizationRole = try await api.roleID("reader")
            for role in [apolloRole, organizationRole] {
                try expectError(try await api.get("/v1/projects/\(gemini)/roles/\(role)"), .notFound, param: nil, code: "not_found")
                try expectError(try await api.delete("/v1/projects/\(gemini)/roles/\(role)"), .notFound, param: nil, code: "not_found")
            }
            try expectError(try await api.get("/v1/organization/roles/\(apolloRole)"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.get("/v1/projects/\(Identifier.make(.project))/roles"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.get("/v1/projects/proj_nope/roles"), .notFound, param: nil, code: "not_found")
            try expectError(try await api.get("/v1/projects/\(apollo)/roles/role_nope"), .notFound, param: nil, code: "not_found")
            let owner = api.owner.id.rawValue
            let assign = try await api.post("/v1/projects/\(apollo)/users/\(owner)/roles", #"{"role_id": "\#(organizationRole)"}"#)
            try expectError(assign, .notFound, param: nil, code: "not_found")
        }
    }

    @Test("a project role for a user outside the project answers 409 not_project_member, saying how to add them")
    func nonMembersAreRefused() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let (project, role) = try await projectWithRole(api)
            let alice = try await api.userID("alice@example.com")
            let reply = try await api.post("/v1/projects/\(project)/users/\(alice)/roles", #"{"role_id": "\#(role)"}"#)
            let error = try expectError(reply, .conflict, param: nil, code: "not_project_member")
            #expect(message(error).contains("/v1/organization/projects/\(project)/users"))
            // The organization owner behind the key owns every project.
            let owner = api.owner.id.rawValue
            #expect(try await api.post("/v1/projects/\(project)/users/\(owner)/roles", #"{"role_id": "\#(role)"}"#).status == .ok)
        }
    }

    @Test("a project role for a group without access answers 409 no_project_access")
    func groupsWithoutAccessAreRefused() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let (project, role) = try await projectWithRole(api)
            let group = try await api.groupID("Platform")
            let reply = try await api.post("/v1/projects/\(project)/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            try expectError(reply, .conflict, param: nil, code: "no_project_access")
        }
    }

    @Test("changes in an archived project answer 409 project_archived, reads still answer 200")
    func archivedProjectIsReadOnly() async throws {
        try await Fixture.run { api in
            let (project, role) = try await projectWithRole(api)
            _ = try await api.organization.archiveProject(id: Identifier(trusted: project))
            let owner = api.owner.id.rawValue
            try expectError(
                try await api.post("/v1/projects/\(project)/roles", #"{"role_name": "Late", "permissions": []}"#), .conflict, param: nil,
                code: "project_archived")
            try expectError(try await api.delete("/v1/projects/\(project)/roles/\(role)"), .conflict, param: nil, code: "project_archived")
            try expectError(
                try await api.post("/v1/projects/\(project)/users/\(owner)/roles", #"{"role_id": "\#(role)"}"#), .conflict, param: nil,
                code: "project_archived")
            #expect(try await api.get("/v1/projects/\(project)/roles/\(role)").status == .ok)
            #expect(try await api.get("/v1/projects/\(project)/users/\(owner)/roles").status == .ok)
        }
    }

    @Test("the project routes need an admin key and answer 405 for a method they do not take")
    func authenticationAndMethods() async throws {
        try await Fixture.run { api in
            let (project, role) = try await projectWithRole(api)
            try expectError(try await api.send(.get, "/v1/projects/\(project)/roles", key: nil), .unauthorized, param: nil, code: "missing_api_key")
            try expectError(
                try await api.send(.get, "/v1/projects/\(project)/roles", key: "sk-admin-wrong"), .unauthorized, param: nil,
                code: "invalid_api_key")
            let put = try await api.put("/v1/projects/\(project)/roles/\(role)", "{}")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, HEAD, POST, DELETE")
        }
    }

    // MARK: Users with their projects

    @Test("include[]=projects adds each user's projects to retrieve-user and list-users, which leave them out otherwise")
    func usersIncludeTheirProjects() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let apollo = try await api.organization.createProject(name: "Apollo")
            let alice = try await api.userID("alice@example.com")
            _ = try await api.organization.addProjectMember(projectID: apollo.id, userID: Identifier(trusted: alice), email: nil, role: "owner")

            let plain = try await api.get("/v1/organization/users/\(alice)").object()
            #expect(plain["projects"] == nil)
            #expect(try await api.get("/v1/organization/users").items().allSatisfy { $0["projects"] == nil })

            for query in ["include[]=projects", "include%5B%5D=projects", "include=projects"] {
                let user = try await api.get("/v1/organization/users/\(alice)?\(query)").object()
                let projects = try #require(user["projects"] as? [String: Any], "\(query): \(user)")
                #expect(projects["object"] as? String == "list")
                let data = try #require(projects["data"] as? [[String: Any]])
                #expect(data.count == 1)
                #expect(data.first?["id"] as? String == apollo.id.rawValue)
                #expect(data.first?["name"] as? String == "Apollo")
                #expect(data.first?["role"] as? String == "owner")
            }

            let listed = try await api.get("/v1/organization/users?include[]=projects").items()
            let bob = try await api.userID("bob@example.com")
            let byID = Dictionary(uniqueKeysWithValues: listed.map { ($0["id"] as? String ?? "", $0) })
            #expect(((byID[alice]?["projects"] as? [String: Any])?["data"] as? [Any])?.count == 1)
            #expect(((byID[bob]?["projects"] as? [String: Any])?["data"] as? [Any])?.count == 0)

            try expectError(try await api.get("/v1/organization/users/\(alice)?include=groups"), .badRequest, param: "include")
        }
    }
}
