import Foundation
import RosterModel
import RosterService
import Testing

/// The group rules a client meets through the API: SCIM ownership, membership and idempotent writes.
@Suite struct GroupRuleTests {
    static let file = OrganizationFile(
        users: [.init(email: "alice@example.com"), .init(email: "bob@example.com")],
        groups: [
            .init(name: "Directory Engineers", scimManaged: true, members: ["alice@example.com"]),
            .init(name: "Platform", members: ["alice@example.com"]),
        ])

    @Test("a SCIM-managed group cannot be renamed, deleted or have members added or removed: 409 scim_managed")
    func scimManagedGroupIsReadOnly() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Directory Engineers")
            let alice = try await api.userID("alice@example.com")
            let bob = try await api.userID("bob@example.com")
            let attempts = [
                ("rename", try await api.post("/v1/organization/groups/\(group)", #"{"name": "Renamed"}"#)),
                ("delete", try await api.delete("/v1/organization/groups/\(group)")),
                ("add member", try await api.post("/v1/organization/groups/\(group)/users", #"{"user_id": "\#(bob)"}"#)),
                ("remove member", try await api.delete("/v1/organization/groups/\(group)/users/\(alice)")),
            ]
            for (what, reply) in attempts {
                let error = try expectError(reply, .conflict, param: nil, code: "scim_managed")
                #expect(message(error).contains("identity provider"), "\(what): \(reply.text)")
            }
            let after = try await api.get("/v1/organization/groups/\(group)").object()
            #expect(after["name"] as? String == "Directory Engineers")
            #expect(after["is_scim_managed"] as? Bool == true)
            #expect(try await api.get("/v1/organization/groups/\(group)/users").ids() == [alice])
        }
    }

    @Test("a role can still be assigned to a SCIM-managed group")
    func roleOnScimManagedGroup() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Directory Engineers")
            let role = try await api.createRole("Auditor")
            let reply = try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let nested = try #require(try reply.object()["group"] as? [String: Any])
            #expect(nested["scim_managed"] as? Bool == true)
            #expect(try await api.get("/v1/organization/groups/\(group)/roles").ids() == [role])
        }
    }

    @Test("removing a user who is not a member of the group is a 404")
    func removingNonMember() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Platform")
            let bob = try await api.userID("bob@example.com")
            let reply = try await api.delete("/v1/organization/groups/\(group)/users/\(bob)")
            try expectError(reply, .notFound, param: nil)
            let retrieve = try await api.get("/v1/organization/groups/\(group)/users/\(bob)")
            try expectError(retrieve, .notFound, param: nil)
        }
    }

    @Test("adding a member twice answers 200 both times and lists the member once")
    func addingMemberTwice() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Platform")
            let bob = try await api.userID("bob@example.com")
            for _ in 0..<2 {
                let reply = try await api.post("/v1/organization/groups/\(group)/users", #"{"user_id": "\#(bob)"}"#)
                #expect(reply.status == .ok, "\(reply.text)")
            }
            let members = try await api.get("/v1/organization/groups/\(group)/users").ids()
            #expect(members.filter { $0 == bob }.count == 1)
            #expect(members.count == 2)
        }
    }

    @Test("assigning a role to a group twice answers 200 both times and lists the role once")
    func assigningGroupRoleTwice() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Platform")
            let role = try await api.createRole("Auditor")
            for _ in 0..<2 {
                let reply = try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
                #expect(reply.status == .ok, "\(reply.text)")
            }
            #expect(try await api.get("/v1/organization/groups/\(group)/roles").ids() == [role])
        }
    }

    @Test("unassigning a role the group does not hold is a 404")
    func unassigningUnheldGroupRole() async throws {
        try await Fixture.run(seeding: Self.file) { api in
            let group = try await api.groupID("Platform")
            let role = try await api.createRole("Auditor")
            try expectError(try await api.delete("/v1/organization/groups/\(group)/roles/\(role)"), .notFound, param: nil)
            try expectError(try await api.get("/v1/organization/groups/\(group)/roles/\(role)"), .notFound, param: nil)
        }
    }
}
