import Foundation
import RosterService
import Testing

/// The members OpenAI's Admin API reference requires of each shape Roster answers with. A member whose value
/// may be null must still be present, as `null`.
private enum Required {
    static let groupResponse = ["id", "name", "created_at", "is_scim_managed", "group_type"]
    static let renamedGroup = ["id", "name", "created_at", "is_scim_managed"]
    static let nestedGroup = ["object", "id", "name", "created_at", "scim_managed"]
    static let cursorList = ["object", "data", "has_more", "next"]
    static let userList = ["object", "data", "first_id", "last_id", "has_more"]
    static let role = ["object", "id", "name", "description", "permissions", "resource_type", "predefined_role"]
    static let assignedRole = [
        "id", "name", "permissions", "resource_type", "predefined_role", "description", "created_at", "updated_at",
        "created_by", "created_by_user_obj", "metadata", "assignment_sources",
    ]
    static let user = ["object", "id", "name", "email", "role", "added_at"]
    static let groupUser = ["id", "name", "email"]
    static let groupMember = ["id", "name", "email", "picture", "is_service_account", "user_type"]
    static let deletedWithID = ["object", "id", "deleted"]
    static let deleted = ["object", "deleted"]
}

/// Each test walks one resource family's operations and checks the body of each 200 against the reference.
/// Together they cover all 26 operations.
@Suite struct WireShapeTests {
    static let people = OrganizationFile(users: [.init(email: "alice@example.com", name: "Alice")])

    @Test("the five group operations answer 200 in the reference's shapes")
    func groups() async throws {
        try await Fixture.run { api in
            let created = try await api.post("/v1/organization/groups", #"{"name": "Platform"}"#)
            #expect(created.status == .ok)
            let group = try created.object()
            expectFields(group, Required.groupResponse, in: "create-group")
            let id = try #require(group["id"] as? String)
            #expect(id.hasPrefix("group_"))
            #expect(group["name"] as? String == "Platform")
            #expect(group["created_at"] is Int)
            #expect(group["is_scim_managed"] as? Bool == false)
            #expect(group["group_type"] as? String == "group")

            let list = try await api.get("/v1/organization/groups")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-groups")
            #expect(page["object"] as? String == "list")
            #expect(page["has_more"] as? Bool == false)
            expectNull(page, "next")
            let items = try list.items()
            #expect(items.count == 1)
            for item in items { expectFields(item, Required.groupResponse, in: "a listed group") }

            let retrieved = try await api.get("/v1/organization/groups/\(id)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.groupResponse, in: "retrieve-group")
            #expect(try retrieved.object()["id"] as? String == id)

            let renamed = try await api.post("/v1/organization/groups/\(id)", #"{"name": "Platform Team"}"#)
            #expect(renamed.status == .ok)
            expectFields(try renamed.object(), Required.renamedGroup, in: "update-group")
            #expect(try renamed.object()["name"] as? String == "Platform Team")

            let deleted = try await api.delete("/v1/organization/groups/\(id)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, Required.deletedWithID, in: "delete-group")
            #expect(ack["object"] as? String == "group.deleted")
            #expect(ack["id"] as? String == id)
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/groups/\(id)").status == .notFound)
        }
    }

    @Test("the four group member operations answer 200 in the reference's shapes")
    func groupUsers() async throws {
        let file = OrganizationFile(users: Self.people.users, groups: [.init(name: "Platform")])
        try await Fixture.run(seeding: file) { api in
            let group = try await api.groupID("Platform")
            let user = try await api.userID("alice@example.com")

            let added = try await api.post("/v1/organization/groups/\(group)/users", #"{"user_id": "\#(user)"}"#)
            #expect(added.status == .ok)
            let assignment = try added.object()
            #expect(assignment["object"] as? String == "group.user")
            #expect(assignment["user_id"] as? String == user)
            #expect(assignment["group_id"] as? String == group)

            let list = try await api.get("/v1/organization/groups/\(group)/users")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-group-users")
            #expect(page["object"] as? String == "list")
            expectNull(page, "next")
            let members = try list.items()
            #expect(members.count == 1)
            for member in members { expectFields(member, Required.groupUser, in: "a listed member") }
            #expect(members.first?["email"] as? String == "alice@example.com")

            let member = try await api.get("/v1/organization/groups/\(group)/users/\(user)")
            #expect(member.status == .ok)
            let body = try member.object()
            expectFields(body, Required.groupMember, in: "retrieve-group-user")
            expectNull(body, "picture")
            #expect(body["id"] as? String == user)
            #expect(body["user_type"] as? String == "user")
            #expect(body["is_service_account"] as? Bool == false)

            let removed = try await api.delete("/v1/organization/groups/\(group)/users/\(user)")
            #expect(removed.status == .ok)
            let ack = try removed.object()
            expectFields(ack, Required.deleted, in: "remove-group-user")
            #expect(ack["object"] as? String == "group.user.deleted")
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/groups/\(group)/users").items().isEmpty)
        }
    }

    @Test("the four group role operations answer 200 in the reference's shapes")
    func groupRoles() async throws {
        try await Fixture.run(seeding: OrganizationFile(groups: [.init(name: "Platform")])) { api in
            let group = try await api.groupID("Platform")
            let role = try await api.createRole("Auditor")

            let assigned = try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(assigned.status == .ok)
            let assignment = try assigned.object()
            #expect(assignment["object"] as? String == "group.role")
            let nestedGroup = try #require(assignment["group"] as? [String: Any])
            expectFields(nestedGroup, Required.nestedGroup, in: "the assignment's group")
            #expect(nestedGroup["object"] as? String == "group")
            #expect(nestedGroup["id"] as? String == group)
            #expect(nestedGroup["scim_managed"] as? Bool == false)
            let nestedRole = try #require(assignment["role"] as? [String: Any])
            expectFields(nestedRole, Required.role, in: "the assignment's role")
            #expect(nestedRole["object"] as? String == "role")
            expectNull(nestedRole, "description")

            let list = try await api.get("/v1/organization/groups/\(group)/roles")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-group-role-assignments")
            #expect(page["object"] as? String == "list")
            expectNull(page, "next")
            let roles = try list.items()
            #expect(roles.count == 1)
            for listed in roles { expectFields(listed, Required.assignedRole, in: "a listed group role") }

            let retrieved = try await api.get("/v1/organization/groups/\(group)/roles/\(role)")
            #expect(retrieved.status == .ok)
            let details = try retrieved.object()
            expectFields(details, Required.assignedRole, in: "retrieve-group-role")
            expectNull(details, "description")
            #expect(details["created_at"] is Int)
            #expect(details["updated_at"] is Int)
            #expect(details["metadata"] is [String: Any] || details["metadata"] is NSNull)
            let sources = try #require(details["assignment_sources"] as? [[String: Any]])
            #expect(sources.count == 1)
            #expect(sources.first?["principal_type"] as? String == "group")
            #expect(sources.first?["principal_id"] as? String == group)

            let unassigned = try await api.delete("/v1/organization/groups/\(group)/roles/\(role)")
            #expect(unassigned.status == .ok)
            let ack = try unassigned.object()
            expectFields(ack, Required.deleted, in: "unassign-group-role")
            #expect(ack["object"] as? String == "group.role.deleted")
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/groups/\(group)/roles").items().isEmpty)
        }
    }

    @Test("the five role operations answer 200 in the reference's shapes, a missing description as null")
    func roles() async throws {
        try await Fixture.run { api in
            let created = try await api.post(
                "/v1/organization/roles", #"{"role_name": "Auditor", "permissions": ["api.groups.read"]}"#)
            #expect(created.status == .ok)
            let role = try created.object()
            expectFields(role, Required.role, in: "create-role")
            let id = try #require(role["id"] as? String)
            #expect(id.hasPrefix("role_"))
            #expect(role["object"] as? String == "role")
            #expect(role["name"] as? String == "Auditor")
            expectNull(role, "description")
            #expect(role["permissions"] as? [String] == ["api.groups.read"])
            #expect(role["resource_type"] as? String == "api.organization")
            #expect(role["predefined_role"] as? Bool == false)

            let list = try await api.get("/v1/organization/roles")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-roles")
            #expect(page["object"] as? String == "list")
            #expect(page["has_more"] as? Bool == false)
            expectNull(page, "next")
            let roles = try list.items()
            for listed in roles { expectFields(listed, Required.role, in: "a listed role") }
            #expect(Set(roles.compactMap { $0["name"] as? String }) == ["owner", "reader", "Auditor"])

            let retrieved = try await api.get("/v1/organization/roles/\(id)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Required.role, in: "retrieve-role")

            let updated = try await api.post("/v1/organization/roles/\(id)", #"{"description": "Reads groups"}"#)
            #expect(updated.status == .ok)
            let changed = try updated.object()
            expectFields(changed, Required.role, in: "update-role")
            #expect(changed["description"] as? String == "Reads groups")
            #expect(changed["name"] as? String == "Auditor")

            let deleted = try await api.delete("/v1/organization/roles/\(id)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, Required.deletedWithID, in: "delete-role")
            #expect(ack["object"] as? String == "role.deleted")
            #expect(ack["id"] as? String == id)
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/roles/\(id)").status == .notFound)
        }
    }

    @Test("the four user operations answer 200 in the reference's shapes")
    func users() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let alice = try await api.userID("alice@example.com")

            let list = try await api.get("/v1/organization/users")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.userList, in: "list-users")
            #expect(page["object"] as? String == "list")
            #expect(page["has_more"] as? Bool == false)
            let ids = try list.ids()
            #expect(ids.count == 2)
            #expect(page["first_id"] as? String == ids.first)
            #expect(page["last_id"] as? String == ids.last)
            for user in try list.items() { expectFields(user, Required.user, in: "a listed user") }

            let retrieved = try await api.get("/v1/organization/users/\(alice)")
            #expect(retrieved.status == .ok)
            let user = try retrieved.object()
            expectFields(user, Required.user, in: "retrieve-user")
            #expect(user["object"] as? String == "organization.user")
            #expect(user["id"] as? String == alice)
            #expect(user["email"] as? String == "alice@example.com")
            #expect(user["name"] as? String == "Alice")
            #expect(user["role"] as? String == "reader")
            #expect(user["added_at"] is Int)

            let modified = try await api.post("/v1/organization/users/\(alice)", #"{"role": "owner"}"#)
            #expect(modified.status == .ok)
            expectFields(try modified.object(), Required.user, in: "modify-user")
            #expect(try modified.object()["role"] as? String == "owner")

            let deleted = try await api.delete("/v1/organization/users/\(alice)")
            #expect(deleted.status == .ok)
            let ack = try deleted.object()
            expectFields(ack, Required.deletedWithID, in: "delete-user")
            #expect(ack["object"] as? String == "organization.user.deleted")
            #expect(ack["id"] as? String == alice)
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/users/\(alice)").status == .notFound)
        }
    }

    @Test("the four user role operations answer 200 in the reference's shapes")
    func userRoles() async throws {
        try await Fixture.run(seeding: Self.people) { api in
            let alice = try await api.userID("alice@example.com")
            let role = try await api.createRole("Auditor")

            let assigned = try await api.post("/v1/organization/users/\(alice)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(assigned.status == .ok)
            let assignment = try assigned.object()
            #expect(assignment["object"] as? String == "user.role")
            let nestedUser = try #require(assignment["user"] as? [String: Any])
            expectFields(nestedUser, Required.user, in: "the assignment's user")
            #expect(nestedUser["object"] as? String == "organization.user")
            #expect(nestedUser["id"] as? String == alice)
            let nestedRole = try #require(assignment["role"] as? [String: Any])
            expectFields(nestedRole, Required.role, in: "the assignment's role")
            #expect(nestedRole["id"] as? String == role)

            let list = try await api.get("/v1/organization/users/\(alice)/roles")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Required.cursorList, in: "list-user-role-assignments")
            #expect(page["object"] as? String == "list")
            expectNull(page, "next")
            let roles = try list.items()
            for listed in roles { expectFields(listed, Required.assignedRole, in: "a listed user role") }
            #expect(Set(roles.compactMap { $0["name"] as? String }) == ["reader", "Auditor"])

            let retrieved = try await api.get("/v1/organization/users/\(alice)/roles/\(role)")
            #expect(retrieved.status == .ok)
            let details = try retrieved.object()
            expectFields(details, Required.assignedRole, in: "retrieve-user-role")
            let sources = try #require(details["assignment_sources"] as? [[String: Any]])
            #expect(sources.count == 1)
            #expect(sources.first?["principal_type"] as? String == "user")
            #expect(sources.first?["principal_id"] as? String == alice)

            let unassigned = try await api.delete("/v1/organization/users/\(alice)/roles/\(role)")
            #expect(unassigned.status == .ok)
            let ack = try unassigned.object()
            expectFields(ack, Required.deleted, in: "unassign-user-role")
            #expect(ack["object"] as? String == "user.role.deleted")
            #expect(ack["deleted"] as? Bool == true)
            #expect(try await api.get("/v1/organization/users/\(alice)/roles/\(role)").status == .notFound)
        }
    }
}
