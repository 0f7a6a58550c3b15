import Foundation
import RosterModel
import RosterService
import Testing

/// Requests shaped as Okta and Microsoft Entra ID send them (their public SCIM documentation and the known
/// deviations from RFC 7644 each tolerates), and what Roster makes of them.
@Suite struct SCIMClientQuirkTests {
    // MARK: Okta

    /// Okta's create-user request: a placeholder `password`, an empty `groups`, `locale`.
    static let oktaUser = #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "userName": "test.user@okta.local",
          "name": {"givenName": "Test", "familyName": "User"},
          "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
          "displayName": "Test User",
          "locale": "en-US",
          "externalId": "00ujl29u0le5T6Aj10h7",
          "groups": [],
          "password": "1mz050nq",
          "active": true
        }
        """#

    @Test("Okta's create-user request is accepted, and its placeholder password is neither stored nor ever returned")
    func oktaCreateUserWithPassword() async throws {
        try await Fixture.run { api in
            let reply = try await api.scim(.post, "/Users", Self.oktaUser)
            #expect(reply.status == .created, "\(reply.text)")
            let created = try reply.object()
            let id = try #require(created["id"] as? String)
            #expect(created["password"] == nil)
            #expect(!reply.text.contains("1mz050nq"))
            #expect(created["externalId"] as? String == "00ujl29u0le5T6Aj10h7")
            #expect(created["displayName"] as? String == "Test User")

            for uri in ["/Users/\(id)", "/Users/\(id)?attributes=password", "/Users/\(id)?attributes=userName,password", "/Users"] {
                let read = try await api.scim(.get, uri)
                #expect(read.status == .ok, "\(uri): \(read.text)")
                #expect(!read.text.contains("1mz050nq"), "\(uri) returns the password: \(read.text)")
                #expect(!read.text.contains("\"password\""), "\(uri) names a password: \(read.text)")
            }
            let userID = try #require(Identifier(id, kind: .user))
            let stored = try await api.store.read { try await $0.scimAttributes(ofUsers: [userID]) }[userID]
            #expect(stored != nil, "the user's SCIM attributes are kept")
            #expect(!(stored?.serialized.contains("1mz050nq") ?? false), "the password is stored: \(stored?.serialized ?? "")")
            let user = try await api.get("/v1/organization/users/\(id)").object()
            #expect(user["email"] as? String == "test.user@okta.local")
            #expect(user["name"] as? String == "Test User")
        }
    }

    @Test("Okta's lookup by userName (with startIndex=1&count=100) finds the user, and finds nothing for an unknown one")
    func oktaUserNameLookup() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.oktaUser)["id"] as? String)
            let found = try await api.scim(
                .get, SCIM.query("/Users", ["filter": #"userName eq "test.user@okta.local""#, "startIndex": "1", "count": "100"]))
            #expect(found.status == .ok, "\(found.text)")
            #expect(found.hasInteger("totalResults", 1), "\(found.text)")
            #expect(try found.resources().map { $0["id"] as? String } == [id])

            let missing = try await api.scim(
                .get, SCIM.query("/Users", ["filter": #"userName eq "nobody@okta.local""#, "startIndex": "1", "count": "100"]))
            #expect(missing.status == .ok, "\(missing.text)")
            #expect(missing.hasInteger("totalResults", 0), "\(missing.text)")
            #expect(try missing.resources().isEmpty)
        }
    }

    @Test("Okta's PUT of the whole user renames it in both APIs and keeps its id")
    func oktaReplaceUser() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.oktaUser)["id"] as? String)
            let body = #"""
                {
                  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                  "id": "\#(id)",
                  "userName": "test.user@okta.local",
                  "name": {"givenName": "Another", "familyName": "User"},
                  "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
                  "displayName": "Another User",
                  "locale": "en-US",
                  "externalId": "00ujl29u0le5T6Aj10h7",
                  "groups": [],
                  "active": true,
                  "meta": {"resourceType": "User"}
                }
                """#
            let reply = try await api.scim(.put, "/Users/\(id)", body)
            #expect(reply.status == .ok, "\(reply.text)")
            let user = try reply.object()
            #expect(user["id"] as? String == id)
            #expect(user["displayName"] as? String == "Another User")
            #expect((user["name"] as? [String: Any])?["givenName"] as? String == "Another")
            #expect(try await api.get("/v1/organization/users/\(id)").object()["name"] as? String == "Another User")
        }
    }

    @Test("Okta's PUT carrying \"groups\": [] leaves the user's group memberships alone")
    func oktaReplaceUserKeepsGroups() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.oktaUser)["id"] as? String)
            let group = try await api.createSCIMGroup("Test SCIMv2", members: [id])
            let body = Self.oktaUser.replacingOccurrences(of: #""password": "1mz050nq","#, with: #""id": "\#(id)","#)
            let reply = try await api.scim(.put, "/Users/\(id)", body)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try await api.adminMemberIDs(group) == [id])
            #expect(try await api.scimMemberIDs(group) == [id])
        }
    }

    @Test("Okta's group PATCH add of members with a value array (display included) adds them")
    func oktaAddMembers() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@okta.local")
            let bob = try await api.createSCIMUser(userName: "bob@okta.local")
            let group = try await api.createSCIMGroup("Test SCIMv2")
            let reply = try await api.scim(
                .patch, "/Groups/\(group)",
                SCIM.patch(
                    #"{"op": "add", "path": "members", "value": [{"value": "\#(ann)", "display": "ann@okta.local"}, {"value": "\#(bob)", "display": "bob@okta.local"}]}"#
                ))
            #expect(reply.status == .ok || reply.status == .noContent, "\(reply.text)")
            #expect(try await api.scimMemberIDs(group).sorted() == [ann, bob].sorted())
            #expect(try await api.adminMemberIDs(group).sorted() == [ann, bob].sorted())
        }
    }

    @Test("Okta's group PATCH remove with path members[value eq \"…\"] removes just that member")
    func oktaRemoveMember() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@okta.local")
            let bob = try await api.createSCIMUser(userName: "bob@okta.local")
            let group = try await api.createSCIMGroup("Test SCIMv2", members: [ann, bob])
            let reply = try await api.scim(
                .patch, "/Groups/\(group)", SCIM.patch(#"{"op": "remove", "path": "members[value eq \"\#(ann)\"]"}"#))
            #expect(reply.status == .ok || reply.status == .noContent, "\(reply.text)")
            #expect(try await api.scimMemberIDs(group) == [bob])
            #expect(try await api.adminMemberIDs(group) == [bob])
            #expect(try await api.get("/v1/organization/users/\(ann)").status == .ok, "removing a member keeps the user")
        }
    }

    @Test("Okta's path-less group replace carrying the group's own id and a new displayName renames the group")
    func oktaRenameGroup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@okta.local")
            let group = try await api.createSCIMGroup("Test SCIMv2", members: [ann])
            let reply = try await api.scim(
                .patch, "/Groups/\(group)", SCIM.patch(#"{"op": "replace", "value": {"id": "\#(group)", "displayName": "Renamed SCIMv2"}}"#))
            #expect(reply.status == .ok || reply.status == .noContent, "\(reply.text)")
            let read = try await api.scim(.get, "/Groups/\(group)").object()
            #expect(read["id"] as? String == group)
            #expect(read["displayName"] as? String == "Renamed SCIMv2")
            #expect(try await api.get("/v1/organization/groups/\(group)").object()["name"] as? String == "Renamed SCIMv2")
            #expect(try await api.scimMemberIDs(group) == [ann], "renaming keeps the members")
        }
    }

    @Test("Okta's group PATCH replace of the members list leaves exactly the listed members")
    func oktaReplaceMembers() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@okta.local")
            let bob = try await api.createSCIMUser(userName: "bob@okta.local")
            let cy = try await api.createSCIMUser(userName: "cy@okta.local")
            let group = try await api.createSCIMGroup("Test SCIMv2", members: [ann, bob])
            let reply = try await api.scim(
                .patch, "/Groups/\(group)",
                SCIM.patch(
                    #"{"op": "replace", "path": "members", "value": [{"value": "\#(bob)", "display": "bob@okta.local"}, {"value": "\#(cy)", "display": "cy@okta.local"}]}"#
                ))
            #expect(reply.status == .ok || reply.status == .noContent, "\(reply.text)")
            #expect(try await api.scimMemberIDs(group).sorted() == [bob, cy].sorted())
            #expect(try await api.adminMemberIDs(group).sorted() == [bob, cy].sorted())
        }
    }

    @Test("Okta's PUT of a group replaces its displayName and members")
    func oktaReplaceGroup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@okta.local")
            let bob = try await api.createSCIMUser(userName: "bob@okta.local")
            let group = try await api.createSCIMGroup("Test SCIMv2", members: [ann])
            let body = #"""
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "\#(group)", "displayName": "Test SCIMv2 Renamed",
                 "members": [{"value": "\#(bob)", "display": "bob@okta.local"}]}
                """#
            let reply = try await api.scim(.put, "/Groups/\(group)", body)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.object()["displayName"] as? String == "Test SCIMv2 Renamed")
            #expect(try await api.adminMemberIDs(group) == [bob])
        }
    }

    // MARK: Microsoft Entra ID

    /// Entra's create-user request: both schemas listed, `meta.resourceType`, an empty `roles`.
    static let entraUser = #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
          "userName": "Test_User_ab6490ee@testuser.com",
          "active": true,
          "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b@testuser.com"}],
          "meta": {"resourceType": "User"},
          "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
          "roles": []
        }
        """#

    @Test("Entra's create-user request is accepted and maps its work email and formatted name")
    func entraCreateUser() async throws {
        try await Fixture.run { api in
            let reply = try await api.scim(.post, "/Users", Self.entraUser)
            #expect(reply.status == .created, "\(reply.text)")
            let user = try reply.object()
            let id = try #require(user["id"] as? String)
            #expect(user["userName"] as? String == "Test_User_ab6490ee@testuser.com")
            #expect(user["externalId"] as? String == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
            #expect((user["meta"] as? [String: Any])?["resourceType"] as? String == "User")
            let admin = try await api.get("/v1/organization/users/\(id)").object()
            #expect(admin["email"] as? String == "Test_User_fd0ea19b@testuser.com")
            #expect(admin["name"] as? String == "givenName familyName")
        }
    }

    @Test("Entra's capitalised ops Add and Replace are applied")
    func entraCapitalisedOps() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(
                .patch, "/Users/\(id)",
                SCIM.patch(
                    #"{"op": "Add", "path": "name.givenName", "value": "Bar"}"#,
                    #"{"op": "Replace", "path": "name.familyName", "value": "Foo2"}"#,
                    #"{"op": "Replace", "path": "displayName", "value": "Bar Foo2"}"#))
            #expect(reply.status == .ok, "\(reply.text)")
            let name = try #require(try await api.scim(.get, "/Users/\(id)").object()["name"] as? [String: Any])
            #expect(name["givenName"] as? String == "Bar")
            #expect(name["familyName"] as? String == "Foo2")
            #expect(try await api.get("/v1/organization/users/\(id)").object()["name"] as? String == "Bar Foo2")
        }
    }

    @Test("Entra's \"active\": \"False\" string, with a path or in a path-less value, deactivates the user, and \"True\" reactivates it")
    func entraActiveAsString() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let withPath = try await api.scim(.patch, "/Users/\(id)", SCIM.patch(#"{"op": "Replace", "path": "active", "value": "False"}"#))
            #expect(withPath.status == .ok, "\(withPath.text)")
            #expect(try withPath.object()["active"] as? Bool == false, "active should be the boolean false: \(withPath.text)")
            #expect(try await api.adminUserIDs().contains(id) == false)

            let on = try await api.scim(.patch, "/Users/\(id)", SCIM.patch(#"{"op": "Replace", "path": "active", "value": "True"}"#))
            #expect(try on.object()["active"] as? Bool == true, "\(on.text)")
            #expect(try await api.adminUserIDs().contains(id))

            let pathless = try await api.scim(.patch, "/Users/\(id)", SCIM.patch(#"{"op": "Replace", "value": {"active": "False"}}"#))
            #expect(pathless.status == .ok, "\(pathless.text)")
            #expect(try pathless.object()["active"] as? Bool == false, "\(pathless.text)")
            #expect(try await api.adminUserIDs().contains(id) == false)
        }
    }

    @Test("Entra's path-less Replace with dotted, filtered and URN-qualified keys updates each attribute and the Admin API")
    func entraPathlessReplace() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(
                .patch, "/Users/\(id)",
                SCIM.patch(
                    #"""
                    {"op": "Replace", "value": {
                      "displayName": "Pvlo",
                      "emails[type eq \"work\"].value": "TestBcwqnm@test.microsoft.com",
                      "name.givenName": "Gtfd",
                      "name.familyName": "Pkqf",
                      "externalId": "Eqpj",
                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Eqpj"
                    }}
                    """#))
            #expect(reply.status == .ok, "\(reply.text)")
            let user = try await api.scim(.get, "/Users/\(id)").object()
            #expect(user["displayName"] as? String == "Pvlo")
            #expect(user["externalId"] as? String == "Eqpj")
            let name = user["name"] as? [String: Any] ?? [:]
            #expect(name["givenName"] as? String == "Gtfd")
            #expect(name["familyName"] as? String == "Pkqf")
            let emails = user["emails"] as? [[String: Any]] ?? []
            #expect(emails.compactMap { $0["value"] as? String } == ["TestBcwqnm@test.microsoft.com"], "\(user)")
            #expect(emails.first?["type"] as? String == "work")
            let enterprise = user[SCIM.enterpriseURN] as? [String: Any] ?? [:]
            #expect(enterprise["employeeNumber"] as? String == "Eqpj", "\(user)")
            #expect((user["schemas"] as? [String])?.contains(SCIM.enterpriseURN) == true)

            let admin = try await api.get("/v1/organization/users/\(id)").object()
            #expect(admin["email"] as? String == "TestBcwqnm@test.microsoft.com")
            #expect(admin["name"] as? String == "Pvlo")
        }
    }

    @Test("Entra's Replace of emails[type eq \"work\"].value changes the work email, which the Admin API shows")
    func entraReplaceWorkEmail() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(
                .patch, "/Users/\(id)",
                SCIM.patch(#"{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"}"#))
            #expect(reply.status == .ok, "\(reply.text)")
            let emails = try reply.object()["emails"] as? [[String: Any]] ?? []
            #expect(emails.count == 1)
            #expect(emails.first?["value"] as? String == "updatedEmail@microsoft.com")
            #expect(emails.first?["primary"] as? Bool == true, "the email's other sub-attributes stay")
            #expect(try await api.get("/v1/organization/users/\(id)").object()["email"] as? String == "updatedEmail@microsoft.com")
        }
    }

    @Test("Entra's Add of a work email to a user without emails, through emails[type eq \"work\"].value, creates it")
    func entraAddWorkEmail() async throws {
        try await Fixture.run { api in
            let id = try await api.createSCIMUser(userName: "noemail", #""displayName": "No Email""#)
            let reply = try await api.scim(
                .patch, "/Users/\(id)", SCIM.patch(#"{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "new@microsoft.com"}"#))
            #expect(reply.status == .ok, "\(reply.text)")
            let emails = try reply.object()["emails"] as? [[String: Any]] ?? []
            #expect(emails.map { $0["value"] as? String } == ["new@microsoft.com"], "\(reply.text)")
            #expect(emails.first?["type"] as? String == "work")
            #expect(try await api.get("/v1/organization/users/\(id)").object()["email"] as? String == "new@microsoft.com")
        }
    }

    @Test("Entra's enterprise-extension paths set the department and the manager (sent as a bare id)")
    func entraEnterpriseExtension() async throws {
        try await Fixture.run { api in
            let manager = try await api.createSCIMUser(userName: "boss@testuser.com")
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(
                .patch, "/Users/\(id)",
                SCIM.patch(
                    #"{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Engineering"}"#,
                    #"{"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "\#(manager)"}"#))
            #expect(reply.status == .ok, "\(reply.text)")
            let user = try await api.scim(.get, "/Users/\(id)").object()
            #expect((user["schemas"] as? [String])?.contains(SCIM.enterpriseURN) == true, "\(user)")
            let enterprise = try #require(user[SCIM.enterpriseURN] as? [String: Any], "\(user)")
            #expect(enterprise["department"] as? String == "Engineering")
            #expect((enterprise["manager"] as? [String: Any])?["value"] as? String == manager, "\(enterprise)")

            let filtered = try await api.scim(
                .get, SCIM.query("/Users", ["filter": #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Engineering""#]))
            #expect(try filtered.resources().map { $0["id"] as? String } == [id], "\(filtered.text)")

            let cleared = try await api.scim(
                .patch, "/Users/\(id)",
                SCIM.patch(#"{"op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}"#))
            #expect(cleared.status == .ok, "\(cleared.text)")
            let after = try cleared.object()[SCIM.enterpriseURN] as? [String: Any]
            #expect(after?["manager"] == nil)
            #expect(after?["department"] as? String == "Engineering")
        }
    }

    @Test("Entra's group member Add and Remove with value arrays ($ref null) add and remove those members")
    func entraMembersAddRemove() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@testuser.com")
            let bob = try await api.createSCIMUser(userName: "bob@testuser.com")
            let group = try await api.createSCIMGroup("Entra Group")
            let add = try await api.scim(
                .patch, "/Groups/\(group)",
                SCIM.patch(#"{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "\#(ann)"}, {"$ref": null, "value": "\#(bob)"}]}"#))
            #expect(add.status == .ok || add.status == .noContent, "\(add.text)")
            #expect(try await api.adminMemberIDs(group).sorted() == [ann, bob].sorted())

            let remove = try await api.scim(
                .patch, "/Groups/\(group)", SCIM.patch(#"{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "\#(ann)"}]}"#))
            #expect(remove.status == .ok || remove.status == .noContent, "\(remove.text)")
            #expect(try await api.adminMemberIDs(group) == [bob])
            #expect(try await api.scimMemberIDs(group) == [bob])
        }
    }

    @Test("Entra's GET /Users?filter=userName eq \"…\" finds the user")
    func entraUserNameFilter() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "Test_User_ab6490ee@testuser.com""#]))
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.resources().map { $0["id"] as? String } == [id])
            #expect(reply.hasInteger("totalResults", 1), "\(reply.text)")
        }
    }

    @Test("a filter sent form-encoded, + for each space (as Microsoft's SCIM validator sends it), reads as spaces")
    func formEncodedFilter() async throws {
        try await Fixture.run { api in
            let id = try #require(try await api.createSCIMUser(Self.entraUser)["id"] as? String)
            let reply = try await api.scim(.get, #"/Users?filter=userName+eq+"Test_User_ab6490ee%40testuser.com""#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.resources().map { $0["id"] as? String } == [id], "\(reply.text)")
        }
    }

    @Test("Entra's GET /Groups?filter=displayName eq \"…\"&excludedAttributes=members finds the group without its members")
    func entraGroupLookup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@testuser.com")
            let group = try await api.createSCIMGroup("Entra Group", members: [ann])
            _ = try await api.createSCIMGroup("Other Group", members: [ann])
            let reply = try await api.scim(
                .get, SCIM.query("/Groups", ["filter": #"displayName eq "Entra Group""#, "excludedAttributes": "members"]))
            #expect(reply.status == .ok, "\(reply.text)")
            let resources = try reply.resources()
            #expect(resources.map { $0["id"] as? String } == [group])
            #expect(resources.first?["displayName"] as? String == "Entra Group")
            #expect(resources.first?["members"] == nil, "\(reply.text)")

            let single = try await api.scim(.get, "/Groups/\(group)?excludedAttributes=members").object()
            #expect(single["members"] == nil)
            #expect(single["displayName"] as? String == "Entra Group")
        }
    }

    @Test("Entra's membership check, filter=id eq \"g\" and members eq \"u\" with excludedAttributes=members, finds the group only when u is a member")
    func entraMembershipCheck() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@testuser.com")
            let bob = try await api.createSCIMUser(userName: "bob@testuser.com")
            let group = try await api.createSCIMGroup("Entra Group", members: [ann])
            let member = try await api.scim(
                .get, SCIM.query("/Groups", ["excludedAttributes": "members", "filter": #"id eq "\#(group)" and members eq "\#(ann)""#]))
            #expect(try member.resources().map { $0["id"] as? String } == [group], "\(member.text)")
            #expect(try member.resources().first?["members"] == nil)
            let other = try await api.scim(
                .get, SCIM.query("/Groups", ["excludedAttributes": "members", "filter": #"id eq "\#(group)" and members eq "\#(bob)""#]))
            #expect(other.status == .ok, "\(other.text)")
            #expect(try other.resources().isEmpty, "\(other.text)")
        }
    }
}
