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
