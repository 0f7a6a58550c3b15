import Foundation
import RosterModel
import RosterService
import Testing

/// The user rules a client meets through the API: inherited roles, idempotent assignment, the predefined role.
@Suite struct UserRuleTests {
    static let alice = OrganizationFile(users: [.init(email: "alice@example.com")])

    @Test("unassigning a role a user holds only through a group is a 409 role_inherited naming the group")
    func inheritedRoleCannotBeUnassigned() async throws {
        let file = OrganizationFile(
            roles: [.init(name: "Auditor", permissions: ["api.groups.read"])], users: Self.alice.users,
            groups: [.init(name: "Platform", members: ["alice@example.com"], roles: ["Auditor"])])
        try await Fixture.run(seeding: file) { api in
            let alice = try await api.userID("alice@example.com")
            let group = try await api.groupID("Platform")
            let role = try await api.roleID("Auditor")
            let reply = try await api.delete("/v1/organization/users/\(alice)/roles/\(role)")
            let error = try expectError(reply, .conflict, param: nil, code: "role_inherited")
            #expect(message(error).contains(group), "the message should name the group: \(reply.text)")

            let held = try await api.get("/v1/organization/users/\(alice)/roles/\(role)")
            #expect(held.status == .ok)
            let sources = try #require(try held.object()["assignment_sources"] as? [[String: Any]])
            #expect(sources.compactMap { $0["principal_id"] as? String } == [group])
        }
    }

    @Test("unassigning a role the user does not hold is a 404")
    func unassigningUnheldUserRole() async throws {
        try await Fixture.run(seeding: Self.alice) { api in
            let alice = try await api.userID("alice@example.com")
            let role = try await api.createRole("Auditor")
            try expectError(try await api.delete("/v1/organization/users/\(alice)/roles/\(role)"), .notFound, param: nil)
            try expectError(try await api.get("/v1/organization/users/\(alice)/roles/\(role)"), .notFound, param: nil)
        }
    }

    @Test("assigning a role to a user twice answers 200 both times and lists the role once")
    func assigningUserRoleTwice() async throws {
        try await Fixture.run(seeding: Self.alice) { api in
            let alice = try await api.userID("alice@example.com")
            let role = try await api.createRole("Auditor")
            for _ in 0..<2 {
                let reply = try await api.post("/v1/organization/users/\(alice)/roles", #"{"role_id": "\#(role)"}"#)
                #expect(reply.status == .ok, "\(reply.text)")
            }
            let held = try await api.get("/v1/organization/users/\(alice)/roles").ids()
            #expect(held.filter { $0 == role }.count == 1)
        }
    }

    @Test("modifying a user's role to owner or reader changes it; any other role is a 400 whose param is role")
    func modifyPredefinedRole() async throws {
        try await Fixture.run(seeding: Self.alice) { api in
            let alice = try await api.userID("alice@example.com")
            let uri = "/v1/organization/users/\(alice)"
            #expect(try await api.post(uri, #"{"role": "owner"}"#).object()["role"] as? String == "owner")
            #expect(try await api.get(uri).object()["role"] as? String == "owner")
            #expect(try await api.post(uri, #"{"role": "reader"}"#).object()["role"] as? String == "reader")
            #expect(try await api.get(uri).object()["role"] as? String == "reader")
            try expectError(try await api.post(uri, #"{"role": "admin"}"#), .badRequest, param: "role")
            #expect(try await api.get(uri).object()["role"] as? String == "reader")
        }
    }

    @Test("role_id naming a predefined role sets it; naming a custom role is a 400 whose param is role_id")
    func modifyByRoleID() async throws {
        try await Fixture.run(seeding: Self.alice) { api in
            let alice = try await api.userID("alice@example.com")
            let uri = "/v1/organization/users/\(alice)"
            let owner = try await api.roleID("owner")
            #expect(try await api.post(uri, #"{"role_id": "\#(owner)"}"#).object()["role"] as? String == "owner")
            let custom = try await api.createRole("Auditor")
            try expectError(try await api.post(uri, #"{"role_id": "\#(custom)"}"#), .badRequest, param: "role_id")
            #expect(try await api.get(uri).object()["role"] as? String == "owner")
        }
    }
}
