import Foundation
import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Testing

@Suite struct ImportExportTests {
    @Test("export then import into a new organization gives the same export")
    func roundTrip() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let team = try await org.createGroup(name: "Support")
            try await org.addMember(groupID: team.id, userID: try await fixture.user("cy@example.com").id)
            _ = try await org.assignRole(try await fixture.role("Group Manager").id, toGroup: team.id)
            let exported = try await org.exportFile()

            try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { otherStore async throws in
                let other = Organization(store: otherStore)
                _ = try await other.importFile(exported)
                #expect(try await other.exportFile() == exported)
                #expect(try encode(try await other.exportFile()) == encode(exported))
            }
            #expect(exported.users?.map(\.email) == ["ada@example.com", "bob@example.com", "cy@example.com", "owner@example.com"])
            #expect(exported.groups?.first { $0.name == "IdP Engineering" }?.scimManaged == true)
            #expect(exported.groups?.first { $0.name == "Support" }?.roles == ["Group Manager"])
            #expect(exported.users?.first { $0.email == "bob@example.com" }?.roles == ["Group Manager"])
        }
    }

    @Test("the file's models add to and change the organization's, set each project's default limits, and export back")
    func models() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            #expect(try await org.models() == Model.defaults.sorted { $0.id < $1.id }, "a new organization knows the default models")
            let file = OrganizationFile(models: [
                .init(id: "llama-3.1-70b", limits: ["max_requests_per_1_minute": 60, "max_tokens_per_1_minute": 90_000]),
                .init(id: "gpt-4.1", limits: ["max_requests_per_1_minute": 10, "max_tokens_per_1_minute": 1_000]),
            ])
            let summary = try await org.importFile(file)
            #expect(summary.created == 1 && summary.changed == 1)
            #expect(try await org.importFile(file).unchanged >= 2, "the same file again changes nothing")

            let project = try await org.createProject(name: "Limits")
            let limits = try await org.rateLimits(projectID: project.id, after: nil, before: nil, limit: 100).items
            #expect(limits.first { $0.model == "llama-3.1-70b" }?.limits[.tokensPerMinute] == 90_000)
            #expect(limits.first { $0.model == "gpt-4.1" }?.limits[.requestsPerMinute] == 10)
            #expect(limits.count == Model.defaults.count + 1, "models the file leaves out stay")

            let exported = try await org.exportFile()
            #expect(exported.models?.first { $0.id == "llama-3.1-70b" }?.limits == ["max_requests_per_1_minute": 60, "max_tokens_per_1_minute": 90_000])
            try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { otherStore async throws in
                let other = Organization(store: otherStore)
                _ = try await other.importFile(exported)
                #expect(try await other.models() == org.models())
            }
            let text = String(decoding: try encode(exported), as: UTF8.self)
            #expect(try OrganizationFile.parse(Data(text.utf8)) == exported, "an exported file reads back as it was written")
        }
    }

    @Test("a model entry without requests or tokens per minute, with an unknown limit or a bad value, imports nothing")
    func badModels() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let missing = OrganizationFile(models: [.init(id: "m", limits: ["max_requests_per_1_minute": 1])])
            await expectServiceError(.invalidRequest, param: "models[0]") { _ = try await org.importFile(missing) }
            let zero = OrganizationFile(models: [.init(id: "m", limits: ["max_requests_per_1_minute": 0, "max_tokens_per_1_minute": 1])])
            await expectServiceError(.invalidRequest, param: "models[0].max_requests_per_1_minute") { _ = try await org.importFile(zero) }
            let blank = OrganizationFile(models: [.init(id: " ", limits: ["max_requests_per_1_minute": 1, "max_tokens_per_1_minute": 1])])
            await expectServiceError(.invalidRequest, param: "models[0].id") { _ = try await org.importFile(blank) }
            #expect(throws: OrganizationFile.ReadError.self) {
                try OrganizationFile.parse(Data(#"{"models": [{"id": "m", "max_requests_per_1_minute": 1, "max_tokens_per_1_minute": 1, "max_fun": 3}]}"#.utf8))
            }
            #expect(throws: OrganizationFile.ReadError.self) {
                try OrganizationFile.parse(Data(#"{"models": [{"id": "m", "max_requests_per_1_minute": "many", "max_tokens_per_1_minute": 1}]}"#.utf8))
            }
            #expect(try await org.models() == Model.defaults.sorted { $0.id < $1.id })
        }
    }

    @Test("importing the same file twice changes nothing the second time")
    func idempotentImport() async throws {
        try await Fixture.with { fixture async throws in
            let before = try await fixture.organization.exportFile()
            let summary = try await fixture.organization.importFile(Fixture.file)
            #expect(summary.created == 0)
            #expect(try await fixture.organization.exportFile() == before)
        }
    }

    @Test("a mistake anywhere in the file imports nothing and points at the entry")
    func atomicImport() async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { store async throws in
            let org = Organization(store: store)
            let file = OrganizationFile(
                roles: [.init(name: "Fine", permissions: ["api.users.read"])],
                users: [.init(email: "ok@example.com"), .init(email: "dan@example.com", roles: ["Missing Role"])])
            await expectServiceError(.invalidRequest, param: "users[1].roles[0]") { _ = try await org.importFile(file) }
            #expect(try await org.users(emails: nil, page: PageRequest(limit: 10)).items.isEmpty)
            #expect(try await org.roles(page: PageRequest(limit: 10)).items.map(\.name) == ["owner", "reader"])
            let badPermission = OrganizationFile(roles: [.init(name: "Bad", permissions: ["api.bad"])])
            await expectServiceError(.invalidRequest, param: "roles[0].permissions") { _ = try await org.importFile(badPermission) }
            let badEmail = OrganizationFile(users: [.init(email: "not-an-email")])
            await expectServiceError(.invalidRequest, param: "users[0].email") { _ = try await org.importFile(badEmail) }
        }
    }

    private func encode(_ file: OrganizationFile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(file)
    }
}
