import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Testing

/// A fresh in-memory organization with a few users, a SCIM-managed group and a custom role.
struct Fixture {
    let organization: Organization
    let store: SQLiteDatastore
    let owner: User
    let caller: Caller

    static let file = OrganizationFile(
        roles: [.init(name: "Group Manager", description: "Manages groups", permissions: ["api.groups.read", "api.groups.write"])],
        users: [
            .init(email: "ada@example.com", name: "Ada", role: "owner"),
            .init(email: "bob@example.com", name: "Bob", roles: ["Group Manager"]),
            .init(email: "cy@example.com", name: "Cy"),
        ],
        groups: [.init(name: "IdP Engineering", scimManaged: true, members: ["ada@example.com"])])

    /// Runs `body` with a new fixture, closing its store afterwards.
    static func with(_ body: (Fixture) async throws -> Void) async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { store async throws in
            let organization = Organization(store: store)
            let bootstrap = try await organization.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
            _ = try await organization.importFile(file)
            let caller = try await organization.authenticate(secret: "sk-test-key")
            try await body(Fixture(organization: organization, store: store, owner: bootstrap.owner, caller: caller))
        }
    }

    func user(_ email: String) async throws -> User {
        try #require(try await organization.users(emails: [email], page: PageRequest(limit: 1)).items.first)
    }

    func role(_ name: String) async throws -> Role {
        try #require(try await organization.roles(page: PageRequest(limit: 1000)).items.first { $0.name == name })
    }

    /// A new group "Support" with Cy as its member, and the custom role "Group Manager" (assigned to the
    /// group when `assigned`).
    func supportTeam(managerAssigned assigned: Bool) async throws -> (cy: User, team: Group, manager: Role) {
        let cy = try await user("cy@example.com")
        let team = try await organization.createGroup(name: "Support")
        let manager = try await role("Group Manager")
        try await organization.addMember(groupID: team.id, userID: cy.id)
        if assigned { _ = try await organization.assignRole(manager.id, toGroup: team.id) }
        return (cy, team, manager)
    }

    func group(_ name: String) async throws -> Group {
        try #require(try await organization.groups(page: PageRequest(limit: 1000)).items.first { $0.name == name })
    }
}

/// Expects `body` to fail with a `ServiceError` of `kind` (and `code`, `param` when given); returns it.
@discardableResult
func expectServiceError(
    _ kind: ServiceError.Kind, code: String? = nil, param: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> ServiceError? {
    do {
        try await body()
        Issue.record("expected \(kind), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ServiceError {
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        if let code { #expect(error.code == code, sourceLocation: sourceLocation) }
        if let param { #expect(error.param == param, sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected \(kind), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Expects `body` to fail with the store's not-found error.
func expectNotFound(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected not found, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.missing != nil, sourceLocation: sourceLocation)
    } catch let error as ServiceError {
        #expect(error.kind == .notFound, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected not found, got \(error)", sourceLocation: sourceLocation)
    }
}
