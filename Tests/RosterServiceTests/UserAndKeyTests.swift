import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Testing

@Suite struct UserAndKeyTests {
    @Test("modifying a user's role replaces the predefined role it holds directly")
    func modifyRole() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let cy = try await fixture.user("cy@example.com")
            #expect(cy.role == .reader)
            #expect(try await org.modifyUser(id: cy.id, .init(role: "owner")).role == .owner)
            let names = try await org.roles(ofUser: cy.id, page: PageRequest(limit: 10)).items.map(\.role.name)
            #expect(names == ["owner"])
            let reader = try await fixture.role("reader")
            #expect(try await org.modifyUser(id: cy.id, .init(roleID: reader.id.rawValue)).role == .reader)
            #expect(try await org.modifyUser(id: cy.id, .init(technicalLevel: "expert")).technicalLevel == "expert")
        }
    }

    @Test("a user's role must be owner or reader, and role_id must name a predefined role")
    func modifyRoleValidation() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let cy = try await fixture.user("cy@example.com")
            await expectServiceError(.invalidRequest, param: "role") { _ = try await org.modifyUser(id: cy.id, .init(role: "member")) }
            let custom = try await fixture.role("Group Manager")
            await expectServiceError(.invalidRequest, param: "role_id") {
                _ = try await org.modifyUser(id: cy.id, .init(roleID: custom.id.rawValue))
            }
            await expectServiceError(.invalidRequest, param: "role_id") { _ = try await org.modifyUser(id: cy.id, .init(roleID: "nonsense")) }
            #expect(try await org.user(id: cy.id).role == .reader)
        }
    }

    @Test("the start-up key authenticates as the first owner, and bootstrapping again changes nothing")
    func bootstrapWithKey() async throws {
        try await Fixture.with { fixture async throws in
            #expect(fixture.caller.userID == fixture.owner.id)
            #expect(fixture.owner.role == .owner)
            let again = try await fixture.organization.bootstrap(adminKey: "sk-test-key", ownerEmail: "someone@example.com")
            #expect(again.owner.id == fixture.owner.id)
            #expect(again.generatedKey == nil)
            #expect(try await fixture.store.read { try await $0.keyCount() } == 1)
        }
    }

    @Test("the first start without a key creates the owner and a key shown once")
    func bootstrapWithoutKey() async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { store async throws in
            let org = Organization(store: store)
            let first = try await org.bootstrap(adminKey: nil, ownerEmail: "boss@example.com")
            let secret = try #require(first.generatedKey)
            #expect(secret.hasPrefix("sk-admin-"))
            #expect(first.owner.email == "boss@example.com")
            #expect(try await org.authenticate(secret: secret).userID == first.owner.id)
            #expect(try await org.bootstrap(adminKey: nil, ownerEmail: "boss@example.com").generatedKey == nil)
        }
    }

    @Test("an unknown key is refused; keys are stored only as hashes")
    func keysAreHashed() async throws {
        try await Fixture.with { fixture async throws in
            await expectServiceError(.unauthenticated, code: "invalid_api_key") { _ = try await fixture.organization.authenticate(secret: "sk-test-kez") }
            await expectServiceError(.unauthenticated) { _ = try await fixture.organization.authenticate(secret: "") }
            let stored = try await fixture.store.read { try await $0.key(secretHash: Array("sk-test-key".utf8)) }
            #expect(stored == nil, "the secret itself must not be a lookup key")
        }
    }
}

@Suite struct PredefinedAssignmentTests {
    @Test("assigning a predefined role to a user replaces the one it holds, and it cannot be unassigned")
    func predefinedThroughAssignments() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let cy = try await fixture.user("cy@example.com")
            let (owner, reader) = (try await fixture.role("owner"), try await fixture.role("reader"))
            let (user, _) = try await org.assignRole(owner.id, toUser: cy.id)
            #expect(user.role == .owner)
            #expect(try await org.roles(ofUser: cy.id, page: PageRequest(limit: 10)).items.map(\.role.name) == ["owner"])
            await expectServiceError(.conflict, code: "predefined_role") { try await org.unassignRole(owner.id, fromUser: cy.id) }
            await expectNotFound { try await org.unassignRole(reader.id, fromUser: cy.id) }
            #expect(try await org.user(id: cy.id).role == .owner)
        }
    }

    @Test("names and emails are unique under Unicode case folding")
    func unicodeCaseFolding() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            _ = try await org.createRole(name: "Rôle Été", permissions: [], description: nil, by: fixture.caller)
            await expectConflict { _ = try await org.createRole(name: "RÔLE ÉTÉ", permissions: [], description: nil, by: fixture.caller) }
            _ = try await org.createGroup(name: "Équipe")
            await expectConflict { _ = try await org.createGroup(name: "ÉQUIPE") }
            _ = try await org.importFile(OrganizationFile(users: [.init(email: "zoë@example.com")]))
            #expect(try await org.users(emails: ["ZOË@EXAMPLE.COM"], page: PageRequest(limit: 5)).items.count == 1)
        }
    }
}
