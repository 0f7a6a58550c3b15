import Foundation
import RosterModel
import RosterService
import Testing

/// One test for each way a low-privilege key could once reach further than its owner was given. Each is refused with
/// 403 `permission_not_held` (SCIM: a SCIM error) and changes nothing.
@Suite("Escalation")
struct EscalationTests {
    /// Checks the 403 of the permission-flow rule: OpenAI's envelope (or SCIM's), naming the principal and a permission.
    @discardableResult
    func expectNotHeld(
        _ reply: Reply, principal: String, permission: String, scim: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let text: String
        if scim {
            text = try expectSCIMError(reply, .forbidden, sourceLocation: sourceLocation)["detail"] as? String ?? ""
        } else {
            text = message(try expectError(reply, .forbidden, param: nil, code: "permission_not_held", sourceLocation: sourceLocation))
        }
        #expect(text.contains(principal), "the refusal does not name \(principal): \(text)", sourceLocation: sourceLocation)
        #expect(text.contains("'\(permission)'"), "the refusal does not name \(permission): \(text)", sourceLocation: sourceLocation)
        return text
    }

    /// A group holding the organization's `owner` role, and its id.
    func ownersGroup(_ api: Fixture) async throws -> String {
        let groupID = try await api.createGroup("Owners")
        let ownerRole = try await api.roleID("owner")
        try await api.expectOK(api.post("/v1/organization/groups/\(groupID)/roles", #"{"role_id": "\#(ownerRole)"}"#))
        return groupID
    }

    @Test("a holder of api.groups.write cannot add herself to a group that holds owner")
    func groupMembershipIsNoBackDoor() async throws {
        try await Fixture.run { api in
            let groupID = try await ownersGroup(api)
            let alice = try await api.holder("alice", holding: ["api.groups.write", "api.groups.read"])
            try expectNotHeld(
                try await api.send(.post, "/v1/organization/groups/\(groupID)/users", json: #"{"user_id": "\#(alice.userID)"}"#, key: alice.key),
                principal: alice.userID, permission: "api.users.write")
            #expect(try await api.get("/v1/organization/groups/\(groupID)/users").ids().isEmpty)
            #expect(try await api.permissionCheck(alice.userID, "api.users.write")["allowed"] as? Bool == false)
            // A group that gives only what she holds is hers to join.
            let small = try await api.createRole("Readers of groups", permissions: ["api.groups.read"])
            let teamID = try await api.createGroup("Team")
            try await api.expectOK(api.post("/v1/organization/groups/\(teamID)/roles", #"{"role_id": "\#(small)"}"#))
            try await api.expectOK(
                api.send(.post, "/v1/organization/groups/\(teamID)/users", json: #"{"user_id": "\#(alice.userID)"}"#, key: alice.key))
        }
    }

    @Test("a holder of api.roles.write cannot widen his own role, in the organization or in a project")
    func rolesCannotBeWidenedFromInside() async throws {
        try await Fixture.run { api in
            let bob = try await api.holder("bob", holding: ["api.roles.write", "api.roles.read"])
            let roleID = try await api.roleID("bob role")
            let everything = Permission.organization.map { "\"\($0.name)\"" }.joined(separator: ", ")
            try expectNotHeld(
                try await api.send(.post, "/v1/organization/roles/\(roleID)", json: #"{"permissions": [\#(everything)]}"#, key: bob.key),
                principal: bob.userID, permission: "api.users.write")
            let role = try await api.expectOK(api.get("/v1/organization/roles/\(roleID)")).object()
            #expect(Set(role["permissions"] as? [String] ?? []) == ["api.roles.write", "api.roles.read"])
            // Deleting the role would take away what he holds: that he may do.
            try await api.expectOK(api.send(.delete, "/v1/organization/roles/\(roleID)", key: bob.key))

            let projectID = try await api.createProject("Apollo")
            let carol = try await api.holder("carol", role: .reader)
            try await api.expectOK(
                api.post("/v1/organization/projects/\(projectID)/users", #"{"user_id": "\#(carol.userID)", "role": "member"}"#))
            let created = try await api.expectOK(
                api.post("/v1/projects/\(projectID)/roles", #"{"role_name": "Role keeper", "permissions": ["api.project.roles.write", "api.project.roles.read"]}"#))
            let projectRole = try #require(try created.object()["id"] as? String)
            try await api.expectOK(api.post("/v1/projects/\(projectID)/users/\(carol.userID)/roles", #"{"role_id": "\#(projectRole)"}"#))
            let allProject = Permission.project.map { "\"\($0.name)\"" }.joined(separator: ", ")
            try expectNotHeld(
                try await api.send(.post, "/v1/projects/\(projectID)/roles/\(projectRole)", json: #"{"permissions": [\#(allProject)]}"#, key: carol.key),
                principal: carol.userID, permission: "api.project.users.write")
        }
    }

    @Test("a SCIM key cannot PATCH itself into an owners group, and the refused PATCH leaves the group the Admin API's")
    func scimIsNoBackDoor() async throws {
        try await Fixture.run { api in
            let groupID = try await ownersGroup(api)
            let idp = try await api.holder("idp", holding: ["api.scim.read", "api.scim.write"] + PredefinedRole.reader.permissions)
            let patch = SCIM.patch(#"{"op": "add", "path": "members", "value": [{"value": "\#(idp.userID)"}]}"#)
            try expectNotHeld(try await api.scim(.patch, "/Groups/\(groupID)", patch, key: idp.key), principal: idp.userID, permission: "api.users.write", scim: true)
            let group = try await api.expectOK(api.get("/v1/organization/groups/\(groupID)")).object()
            #expect(group["is_scim_managed"] as? Bool == false)
            #expect(try await api.get("/v1/organization/groups/\(groupID)/users").ids().isEmpty)
            // The owner can still manage the group through the Admin API.
            let dana = try await api.holder("dana", role: .reader)
            try await api.expectOK(api.post("/v1/organization/groups/\(groupID)/users", #"{"user_id": "\#(dana.userID)"}"#))
            try await api.expectOK(api.delete("/v1/organization/groups/\(groupID)/users/\(dana.userID)"))
        }
    }

    @Test("holders of api.users.write, api.role_assignments.write or api.admin_keys.write cannot demote, delete or de-key an owner")
    func ownersCannotBeRemovedFromBelow() async throws {
        try await Fixture.run { api in
            let olivia = try await api.holder("olivia", role: .owner)
            let readerRole = try await api.roleID("reader")
            let userAdmin = try await api.holder("ursula", holding: ["api.users.write", "api.users.read"])
            try expectNotHeld(
                try await api.send(.post, "/v1/organization/users/\(olivia.userID)", json: #"{"role": "reader"}"#, key: userAdmin.key),
                principal: olivia.userID, permission: "api.groups.write")
            try expectNotHeld(
                try await api.send(.delete, "/v1/organization/users/\(olivia.userID)", key: userAdmin.key),
                principal: olivia.userID, permission: "api.groups.write")
            let assigner = try await api.holder("rita", holding: ["api.role_assignments.write", "api.users.read"])
            try expectNotHeld(
                try await api.send(.post, "/v1/organization/users/\(olivia.userID)/roles", json: #"{"role_id": "\#(readerRole)"}"#, key: assigner.key),
                principal: olivia.userID, permission: "api.groups.write")
            let keyAdmin = try await api.holder("kim", holding: ["api.admin_keys.write", "api.admin_keys.read"])
            let keys = try await api.expectOK(api.get("/v1/organization/admin_api_keys?limit=100")).items()
            let oliviasKey = try #require(keys.first { ($0["owner"] as? [String: Any])?["id"] as? String == olivia.userID }?["id"] as? String)
            try expectNotHeld(
                try await api.send(.delete, "/v1/organization/admin_api_keys/\(oliviasKey)", key: keyAdmin.key),
                principal: oliviasKey, permission: "api.groups.write")
            // Nothing changed: Olivia is an owner with her key.
            #expect(try await api.get("/v1/organization/users/\(olivia.userID)").object()["role"] as? String == "owner")
            try await api.expectOK(api.send(.get, "/v1/organization/groups", key: olivia.key))
        }
    }

    @Test("a SCIM PUT without active, or a PATCH removing it, leaves a deactivated user deactivated and keyless")
    func scimPutKeepsDeactivation() async throws {
        try await Fixture.run { api in
            let userID = try await api.createSCIMUser(userName: "erin@example.com")
            let erins = try await api.organization.createAdminKey(
                name: "Erin's", expiresInSeconds: nil, userID: Identifier(trusted: userID), by: try await api.ownerCaller())
            try await api.expectOK(api.scim(.patch, "/Users/\(userID)", SCIM.patch(#"{"op": "replace", "path": "active", "value": false}"#)))
            func isActive() async throws -> Bool {
                try await api.store.read { try await $0.user(id: Identifier(trusted: userID)) }.isActive
            }
            try await api.expectOK(
                api.scim(.put, "/Users/\(userID)", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "erin@example.com", "displayName": "Erin"}"#))
            #expect(try await isActive() == false)
            try await api.expectOK(api.scim(.patch, "/Users/\(userID)", SCIM.patch(#"{"op": "remove", "path": "active"}"#)))
            #expect(try await isActive() == false)
            let filter = "active eq false".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            #expect(try await api.scim(.get, "/Users?filter=\(filter)").object()["totalResults"] as? Int == 1)
            #expect(try await api.get("/v1/organization/users").ids().contains(userID) == false)
            try expectError(
                try await api.send(.get, "/v1/organization/groups", key: erins.secret), .unauthorized, param: nil, code: "invalid_api_key")
            // Nothing can be given to the deactivated user meanwhile: no key, no project.
            try expectError(
                try await api.post("/v1/organization/admin_api_keys", #"{"name": "again", "user_id": "\#(userID)"}"#), .conflict,
                param: "user_id", code: "user_deactivated")
            let projectID = try await api.createProject("Dormant")
            try expectError(
                try await api.post("/v1/organization/projects/\(projectID)/users", #"{"user_id": "\#(userID)", "role": "member"}"#),
                .conflict, param: "user_id", code: "user_deactivated")
        }
    }

    @Test("an owner gives a non-owner a key scoped to some permissions; it works within them and nowhere else")
    func delegatedScopedKeys() async throws {
        try await Fixture.run { api in
            let frank = try await api.holder("frank", holding: ["api.groups.write", "api.groups.read", "api.users.read"])
            let reply = try await api.expectOK(
                api.post("/v1/organization/admin_api_keys", #"{"name": "Frank's groups key", "user_id": "\#(frank.userID)", "scopes": ["api.groups.read", "api.groups.write"]}"#))
            let created = try reply.object()
            let secret = try #require(created["value"] as? String)
            #expect(created["scopes"] as? [String] == ["api.groups.read", "api.groups.write"])
            #expect((created["owner"] as? [String: Any])?["id"] as? String == frank.userID)
            try await api.expectOK(api.send(.post, "/v1/organization/groups", json: #"{"name": "Frank's"}"#, key: secret))
            // Frank holds api.users.read, but this key's scopes leave it out.
            let refused = try expectError(
                try await api.send(.get, "/v1/organization/users", key: secret), .forbidden, param: nil, code: "missing_permission")
            #expect(message(refused).contains("scopes"))
            // The scoped key cannot make itself an unscoped sibling, nor one scoped beyond what it holds.
            try expectError(
                try await api.send(.post, "/v1/organization/admin_api_keys", json: #"{"name": "wider"}"#, key: frank.key),
                .forbidden, param: nil, code: "missing_permission")
            let keyMaker = try await api.holder("gina", holding: ["api.admin_keys.write", "api.groups.read"])
            try expectNotHeld(
                try await api.send(
                    .post, "/v1/organization/admin_api_keys", json: #"{"name": "for frank", "user_id": "\#(frank.userID)"}"#, key: keyMaker.key),
                principal: "admin key", permission: "api.groups.write")
            try await api.expectOK(
                api.send(
                    .post, "/v1/organization/admin_api_keys",
                    json: #"{"name": "for frank", "user_id": "\#(frank.userID)", "scopes": ["api.groups.read"]}"#, key: keyMaker.key))
            try expectError(
                try await api.post("/v1/organization/admin_api_keys", #"{"name": "x", "scopes": ["api.everything"]}"#), .badRequest,
                param: "scopes", code: "unknown_permission")
            try expectError(try await api.post("/v1/organization/admin_api_keys", #"{"name": "x", "scopes": []}"#), .badRequest, param: "scopes")
        }
    }

    @Test("a key listing gives away nothing of a short key such as the README's sk-admin-local-dev, and readers cannot list keys")
    func listingsRevealNoSecrets() async throws {
        try await Fixture.run { api in
            _ = try await api.organization.bootstrap(adminKey: "sk-admin-local-dev", ownerEmail: Fixture.ownerEmail)
            let keys = try await api.expectOK(api.get("/v1/organization/admin_api_keys?limit=100")).items()
            let redacted = keys.compactMap { $0["redacted_value"] as? String }
            #expect(redacted.contains("sk-admin-..."), "\(redacted)")
            #expect(!redacted.contains { $0.contains("local") || $0.contains("dev") }, "\(redacted)")
            let reader = try await api.holder("rex", role: .reader)
            try expectMissingPermission(try await api.send(.get, "/v1/organization/admin_api_keys", key: reader.key), "api.admin_keys.read")
        }
    }

    @Test("a change reaching a large group reads no member when the key holds what it moves, and past 1,000 is refused when it does not")
    func largeGroupsAreBounded() async throws {
        let emails = (0..<1200).map { "member\($0)@example.com" }
        let file = OrganizationFile(
            roles: [.init(name: "Readers", permissions: ["api.groups.read"])],
            users: emails.map { .init(email: $0) },
            groups: [.init(name: "Everyone", members: emails, roles: ["Readers"]), .init(name: "Everyone too", members: emails, roles: ["Readers"])])
        try await Fixture.run(seeding: file) { api in
            let readers = try await api.roleID("Readers")
            let editor = try await api.holder("eddie", holding: ["api.roles.write", "api.roles.read", "api.groups.read"])
            try await api.expectOK(
                api.send(.post, "/v1/organization/roles/\(readers)", json: #"{"permissions": ["api.groups.read", "api.roles.read"]}"#, key: editor.key))
            let refused = try expectError(
                try await api.send(
                    .post, "/v1/organization/roles/\(readers)", json: #"{"permissions": ["api.groups.read", "api.users.write"]}"#,
                    key: editor.key),
                .forbidden, param: nil, code: "permission_not_held")
            #expect(message(refused).contains("more than 1000"), "\(message(refused))")
            #expect(Set(try await api.get("/v1/organization/roles/\(readers)").object()["permissions"] as? [String] ?? []) == ["api.groups.read", "api.roles.read"])
            // Deleting a 1,200-member group is a group admin's to do when it holds every role of the group.
            let secondGroup = try await api.groupID("Everyone too")
            let gail = try await api.holder("gail", holding: ["api.groups.write", "api.groups.read", "api.roles.read"])
            try await api.expectOK(api.send(.delete, "/v1/organization/groups/\(secondGroup)", key: gail.key))
            try await api.expectOK(api.post("/v1/organization/roles/\(readers)", #"{"permissions": ["api.groups.read", "api.users.write"]}"#))
            let firstGroup = try await api.groupID("Everyone")
            let refusedDelete = try await api.send(.delete, "/v1/organization/groups/\(firstGroup)", key: gail.key)
            try expectError(refusedDelete, .forbidden, param: nil, code: "permission_not_held")
        }
    }
}
