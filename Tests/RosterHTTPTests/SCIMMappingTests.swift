import Foundation
import RosterModel
import RosterService
import Testing

/// How SCIM Users and Groups map onto the organization the Admin API shows, read through both APIs.
@Suite struct SCIMMappingTests {
    /// A SCIM User body and the email and name the Admin API should show for it.
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let members: String
        let email: String?
        let name: String
        var testDescription: String { label }
    }

    static let emailCases: [Case] = [
        Case(
            label: "the primary email, over a work email listed first",
            members: #""emails": [{"value": "ann@work.example", "type": "work"}, {"value": "ann@home.example", "type": "home", "primary": true}]"#,
            email: "ann@home.example", name: "ann@example.com"),
        Case(
            label: "the work email when none is primary",
            members: #""emails": [{"value": "ann@home.example", "type": "home"}, {"value": "ann@work.example", "type": "work"}]"#,
            email: "ann@work.example", name: "ann@example.com"),
        Case(label: "the userName when there are no emails and it is an address", members: "", email: "ann@example.com", name: "ann@example.com"),
    ]

    static let nameCases: [Case] = [
        Case(
            label: "displayName, over name.formatted and the given and family names",
            members: #""displayName": "Ann Archer", "name": {"formatted": "Dr Ann B. Archer", "givenName": "Ann", "familyName": "Archer-Smith"}"#,
            email: "ann@example.com", name: "Ann Archer"),
        Case(
            label: "name.formatted when there is no displayName",
            members: #""name": {"formatted": "Dr Ann B. Archer", "givenName": "Ann", "familyName": "Archer-Smith"}"#,
            email: "ann@example.com", name: "Dr Ann B. Archer"),
        Case(
            label: "given and family names when there is neither displayName nor name.formatted",
            members: #""name": {"givenName": "Ann", "familyName": "Archer-Smith"}"#,
            email: "ann@example.com", name: "Ann Archer-Smith"),
    ]

    @Test("a user created over SCIM is listed by the Admin API as SCIM-managed, with its email chosen as", arguments: emailCases)
    func userEmail(_ example: Case) async throws {
        try await Fixture.run { api in
            let id = try await api.createSCIMUser(userName: "ann@example.com", example.members)
            let listed = try #require(try await api.get("/v1/organization/users?limit=100").items().first { $0["id"] as? String == id })
            #expect(listed["is_scim_managed"] as? Bool == true)
            #expect(listed["email"] as? String == example.email, "\(listed)")
            #expect(listed["name"] as? String == example.name, "\(listed)")
        }
    }

    @Test("a user created over SCIM is named in the Admin API by", arguments: nameCases)
    func userName(_ example: Case) async throws {
        try await Fixture.run { api in
            let id = try await api.createSCIMUser(userName: "ann@example.com", example.members)
            let user = try await api.get("/v1/organization/users/\(id)").object()
            #expect(user["is_scim_managed"] as? Bool == true)
            #expect(user["name"] as? String == example.name, "\(user)")
            #expect(user["email"] as? String == example.email, "\(user)")
        }
    }

    @Test("a SCIM user whose userName is not an address and who has no emails has no email in the Admin API")
    func userWithoutEmail() async throws {
        try await Fixture.run { api in
            let id = try await api.createSCIMUser(userName: "ann.archer", #""displayName": "Ann Archer""#)
            let user = try await api.get("/v1/organization/users/\(id)").object()
            expectNull(user, "email")
            #expect(user["name"] as? String == "Ann Archer")
            #expect(try await api.adminUserIDs().contains(id))
        }
    }

    @Test("a group created over SCIM with members lists them in the Admin API and is SCIM-managed")
    func groupMembersThroughAdminAPI() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            _ = try await api.createSCIMUser(userName: "cy@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann, bob])

            let summary = try await api.get("/v1/organization/groups/\(group)").object()
            #expect(summary["is_scim_managed"] as? Bool == true)
            #expect(summary["name"] as? String == "Engineering")
            #expect(try await api.adminMemberIDs(group).sorted() == [ann, bob].sorted())
            let listed = try await api.get("/v1/organization/groups").items().first { $0["id"] as? String == group }
            #expect(listed?["is_scim_managed"] as? Bool == true)
        }
    }

    @Test("the Admin API cannot rename, delete or change the members of a group created over SCIM: 409 scim_managed")
    func scimGroupIsReadOnlyInAdminAPI() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann])
            let attempts = [
                ("rename", try await api.post("/v1/organization/groups/\(group)", #"{"name": "Renamed"}"#)),
                ("delete", try await api.delete("/v1/organization/groups/\(group)")),
                ("add member", try await api.post("/v1/organization/groups/\(group)/users", #"{"user_id": "\#(bob)"}"#)),
                ("remove member", try await api.delete("/v1/organization/groups/\(group)/users/\(ann)")),
            ]
            for (what, reply) in attempts {
                try expectError(reply, .conflict, param: nil, code: "scim_managed")
                #expect(reply.status == .conflict, "\(what)")
            }
            let scimGroup = try await api.scim(.get, "/Groups/\(group)").object()
            #expect(scimGroup["displayName"] as? String == "Engineering")
            #expect(try await api.scimMemberIDs(group) == [ann])
            #expect(try await api.adminMemberIDs(group) == [ann])
        }
    }

    @Test("a role can be assigned through the Admin API to a group created over SCIM, and its members inherit it")
    func roleOnSCIMGroup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann])
            let role = try await api.createRole("Auditor")
            let reply = try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try await api.get("/v1/organization/groups/\(group)/roles").ids() == [role])
            let inherited = try await api.get("/v1/organization/users/\(ann)/roles/\(role)")
            #expect(inherited.status == .ok, "\(inherited.text)")
            let sources = try #require(try inherited.object()["assignment_sources"] as? [[String: Any]])
            #expect(sources.compactMap { $0["principal_id"] as? String } == [group])
        }
    }

    @Test("PATCH active false (Okta's shape) drops the user from the Admin API's list but not from retrieval; active true restores the same user")
    func deactivateAndReactivate() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com", #""displayName": "Ann Archer""#)
            #expect(try await api.adminUserIDs().contains(ann))

            let off = try await api.scim(.patch, "/Users/\(ann)", SCIM.patch(#"{"op": "replace", "value": {"active": false}}"#))
            #expect(off.status == .ok, "\(off.text)")
            #expect(try off.object()["active"] as? Bool == false, "\(off.text)")
            #expect(try await api.adminUserIDs().contains(ann) == false)
            let retrieved = try await api.get("/v1/organization/users/\(ann)")
            #expect(retrieved.status == .ok, "\(retrieved.text)")
            #expect(try retrieved.object()["name"] as? String == "Ann Archer")
            // The identity provider still reads the deactivated user, with active false.
            let found = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "ann@example.com""#]))
            #expect(try found.resources().map { $0["active"] as? Bool } == [false], "\(found.text)")
            let unfiltered = try await api.scim(.get, "/Users")
            #expect(unfiltered.hasInteger("totalResults", 2), "\(unfiltered.text)")
            #expect(try unfiltered.resources().contains { $0["id"] as? String == ann && $0["active"] as? Bool == false }, "\(unfiltered.text)")

            let on = try await api.scim(.patch, "/Users/\(ann)", SCIM.patch(#"{"op": "replace", "value": {"active": true}}"#))
            #expect(on.status == .ok, "\(on.text)")
            #expect(try on.object()["id"] as? String == ann)
            #expect(try on.object()["active"] as? Bool == true, "\(on.text)")
            #expect(try await api.adminUserIDs().contains(ann))
            #expect(try await api.get("/v1/organization/users?limit=100").items().first { $0["id"] as? String == ann }?["name"] as? String == "Ann Archer")
        }
    }

    @Test("DELETE /scim/v2/Users/{id} answers 204 and removes the user from its groups and its role assignments")
    func deleteUser() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            let scimGroup = try await api.createSCIMGroup("Engineering", members: [ann, bob])
            let adminGroup = try await api.createGroup("Platform")
            #expect(try await api.post("/v1/organization/groups/\(adminGroup)/users", #"{"user_id": "\#(ann)"}"#).status == .ok)
            let role = try await api.createRole("Auditor")
            #expect(try await api.post("/v1/organization/users/\(ann)/roles", #"{"role_id": "\#(role)"}"#).status == .ok)

            let reply = try await api.scim(.delete, "/Users/\(ann)")
            #expect(reply.status == .noContent, "\(reply.text)")
            #expect(reply.text.isEmpty)

            try expectSCIMError(try await api.scim(.get, "/Users/\(ann)"), .notFound)
            try expectError(try await api.get("/v1/organization/users/\(ann)"), .notFound, param: nil)
            #expect(try await api.adminUserIDs().contains(ann) == false)
            #expect(try await api.scimMemberIDs(scimGroup) == [bob])
            #expect(try await api.adminMemberIDs(scimGroup) == [bob])
            #expect(try await api.adminMemberIDs(adminGroup).isEmpty)

            let userID = try #require(Identifier(ann, kind: .user))
            let roleID = try #require(Identifier(role, kind: .role))
            let groupIDs = try [scimGroup, adminGroup].map { try #require(Identifier($0, kind: .group)) }
            let (assigned, memberships) = try await api.store.read { tx in
                let assigned = try await tx.isAssigned(roleID: roleID, to: .user(userID))
                var memberships: [Bool] = []
                for group in groupIDs { memberships.append(try await tx.isMember(groupID: group, userID: userID)) }
                return (assigned, memberships)
            }
            #expect(!assigned, "the deleted user's role assignment is still stored")
            #expect(memberships == [false, false], "the deleted user's memberships are still stored")
            #expect(try await api.get("/v1/organization/roles/\(role)").status == .ok, "the role itself stays")
        }
    }

    @Test("DELETE /scim/v2/Groups/{id} answers 204, and the group and its role assignments are gone while its members stay")
    func deleteGroup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann])
            let role = try await api.createRole("Auditor")
            #expect(try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#).status == .ok)

            let reply = try await api.scim(.delete, "/Groups/\(group)")
            #expect(reply.status == .noContent, "\(reply.text)")
            try expectSCIMError(try await api.scim(.get, "/Groups/\(group)"), .notFound)
            try expectError(try await api.get("/v1/organization/groups/\(group)"), .notFound, param: nil)
            #expect(try await api.get("/v1/organization/users/\(ann)").status == .ok)
            try expectError(try await api.get("/v1/organization/users/\(ann)/roles/\(role)"), .notFound, param: nil)
            let user = try await api.scim(.get, "/Users/\(ann)").object()
            #expect(user["groups"] == nil, "\(user)")
        }
    }

    @Test("a SCIM User's groups attribute lists every group it belongs to, those made through the Admin API included")
    func userGroupsAttribute() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let scimGroup = try await api.createSCIMGroup("Engineering", members: [ann])
            let adminGroup = try await api.createGroup("Platform")
            #expect(try await api.post("/v1/organization/groups/\(adminGroup)/users", #"{"user_id": "\#(ann)"}"#).status == .ok)
            let user = try await api.scim(.get, "/Users/\(ann)").object()
            let groups = user["groups"] as? [[String: Any]] ?? []
            #expect(Set(groups.compactMap { $0["value"] as? String }) == [scimGroup, adminGroup], "\(user)")
            #expect(Set(groups.compactMap { $0["display"] as? String }) == ["Engineering", "Platform"])
            let filtered = try await api.scim(.get, SCIM.query("/Users", ["filter": #"groups.value eq "\#(adminGroup)""#]))
            #expect(try filtered.resources().map { $0["id"] as? String } == [ann], "\(filtered.text)")
        }
    }

    @Test("a user imported through the organization file is a SCIM User whose userName is its email")
    func importedUserOverSCIM() async throws {
        let file = OrganizationFile(users: [.init(email: "alice@example.com", name: "Alice Liddell")])
        try await Fixture.run(seeding: file) { api in
            let alice = try await api.userID("alice@example.com")
            let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "alice@example.com""#]))
            #expect(reply.status == .ok, "\(reply.text)")
            let resources = try reply.resources()
            #expect(resources.count == 1)
            let user = try #require(resources.first)
            #expect(user["id"] as? String == alice)
            #expect(user["userName"] as? String == "alice@example.com")
            #expect(user["displayName"] as? String == "Alice Liddell")
            #expect(user["active"] as? Bool == true)
            let emails = user["emails"] as? [[String: Any]] ?? []
            #expect(emails.compactMap { $0["value"] as? String } == ["alice@example.com"], "\(reply.text)")

            let all = try await api.scim(.get, "/Users").userNames()
            #expect(all.sorted() == ["alice@example.com", Fixture.ownerEmail].sorted())
            let single = try await api.scim(.get, "/Users/\(alice)")
            #expect(try single.object()["userName"] as? String == "alice@example.com")
            // Reading a user over SCIM does not hand it to the identity provider.
            #expect(try await api.get("/v1/organization/users/\(alice)").object()["is_scim_managed"] as? Bool == false)
        }
    }
}
