import RosterModel
import RosterService
import RosterStore
import Synchronization
import Testing

/// Invites: what may be sent, how their status moves, and what accepting one gives the user who arrives.
@Suite struct InviteTests {
    static let page = PageRequest(limit: 1000)
    static let day = 24 * 60 * 60

    /// A clock the test moves by hand, starting at a fixed time.
    final class Clock: Sendable {
        let time = Mutex(1_750_000_000)
        var now: Int { time.withLock { $0 } }
        func advance(_ seconds: Int) { time.withLock { $0 += seconds } }
    }

    /// The fixture's organization on the test's own clock.
    func organization(_ fixture: Fixture, _ clock: Clock) -> Organization {
        Organization(store: fixture.store, now: { clock.now })
    }

    /// A SCIM document for a new user with `email`.
    func scimUser(_ email: String) -> JSON {
        .object([
            ("schemas", .array(["urn:ietf:params:scim:schemas:core:2.0:User"])), ("userName", .string(email)),
            ("displayName", "Dee"), ("emails", .array([.object([("value", .string(email)), ("primary", true)])])),
        ])
    }

    func provision(_ email: String, _ organization: Organization) async throws -> User {
        _ = try await organization.scimCreateUser(scimUser(email), SCIMRequest(baseURL: "https://roster.test/scim/v2"))
        return try #require(try await organization.users(emails: [email], page: PageRequest(limit: 1)).items.first)
    }

    @Test("an invite is pending for seven days from its creation, then expired")
    func pendingForSevenDays() async throws {
        try await Fixture.with { fixture async throws in
            let clock = Clock()
            let organization = organization(fixture, clock)
            let invite = try await organization.createInvite(email: "dee@example.com", role: "reader")
            #expect(invite.createdAt == clock.now)
            #expect(invite.expiresAt == clock.now + 7 * Self.day)
            #expect(invite.id.rawValue.hasPrefix("invite-"))
            #expect(organization.status(of: invite) == .pending)
            clock.advance(7 * Self.day - 1)
            #expect(organization.status(of: try await organization.invite(id: invite.id)) == .pending)
            clock.advance(1)
            #expect(organization.status(of: try await organization.invite(id: invite.id)) == .expired)
        }
    }

    @Test("an invite for the email of a user of the organization is refused as already_member")
    func existingUsersCannotBeInvited() async throws {
        try await Fixture.with { fixture async throws in
            await expectServiceError(.conflict, code: "already_member", param: "email") {
                _ = try await fixture.organization.createInvite(email: "BOB@example.com", role: "reader")
            }
        }
    }

    @Test("a second invite for an email with a pending one is refused as invite_exists, and allowed once it expired")
    func onePendingInvitePerEmail() async throws {
        try await Fixture.with { fixture async throws in
            let clock = Clock()
            let organization = organization(fixture, clock)
            let first = try await organization.createInvite(email: "dee@example.com", role: "reader")
            let error = await expectServiceError(.conflict, code: "invite_exists", param: "email") {
                _ = try await organization.createInvite(email: "Dee@Example.com", role: "owner")
            }
            #expect(error?.message.contains(first.id.rawValue) == true)
            clock.advance(8 * Self.day)
            let second = try await organization.createInvite(email: "dee@example.com", role: "owner")
            #expect(try await organization.invites(page: Self.page).items.map(\.id) == [first.id, second.id])
        }
    }

    @Test("an invite with a bad email, organization role or project role is refused, naming the field")
    func badFieldsAreRefused() async throws {
        try await Fixture.with { fixture async throws in
            let project = try await fixture.organization.createProject(name: "Apollo")
            let organization = fixture.organization
            await expectServiceError(.invalidRequest, param: "email") { _ = try await organization.createInvite(email: "dee", role: "reader") }
            await expectServiceError(.invalidRequest, param: "role") {
                _ = try await organization.createInvite(email: "dee@example.com", role: "member")
            }
            await expectServiceError(.invalidRequest, param: "projects[1].role") {
                _ = try await organization.createInvite(
                    email: "dee@example.com", role: "reader",
                    projects: [(id: project.id.rawValue, role: "owner"), (id: project.id.rawValue, role: "viewer")])
            }
            await expectServiceError(.invalidRequest, param: "projects[1].id") {
                _ = try await organization.createInvite(
                    email: "dee@example.com", role: "reader",
                    projects: [(id: project.id.rawValue, role: "owner"), (id: project.id.rawValue, role: "member")])
            }
            #expect(try await organization.invites(page: Self.page).items.isEmpty)
        }
    }

    @Test("an invite to an unknown project is not found and to an archived one is refused as project_archived")
    func invitedProjectsMustBeOpen() async throws {
        try await Fixture.with { fixture async throws in
            let organization = fixture.organization
            await expectNotFound {
                _ = try await organization.createInvite(
                    email: "dee@example.com", role: "reader", projects: [(id: Identifier.make(.project).rawValue, role: "member")])
            }
            await expectNotFound {
                _ = try await organization.createInvite(email: "dee@example.com", role: "reader", projects: [(id: "project-xyz", role: "member")])
            }
            let project = try await organization.createProject(name: "Apollo")
            _ = try await organization.archiveProject(id: project.id)
            await expectServiceError(.conflict, code: "project_archived") {
                _ = try await organization.createInvite(email: "dee@example.com", role: "reader", projects: [(id: project.id.rawValue, role: "member")])
            }
        }
    }

    @Test("a user provisioned over SCIM accepts its pending invite: it gets the invite's organization role and joins its projects")
    func scimProvisioningAcceptsTheInvite() async throws {
        try await Fixture.with { fixture async throws in
            let clock = Clock()
            let organization = organization(fixture, clock)
            let apollo = try await organization.createProject(name: "Apollo")
            let gemini = try await organization.createProject(name: "Gemini")
            let invite = try await organization.createInvite(
                email: "dee@example.com", role: "owner",
                projects: [(id: apollo.id.rawValue, role: "member"), (id: gemini.id.rawValue, role: "owner")])
            clock.advance(Self.day)
            let dee = try await provision("DEE@example.com", organization)
            #expect(dee.role == .owner)
            let accepted = try await organization.invite(id: invite.id)
            #expect(accepted.acceptedAt == clock.now)
            #expect(organization.status(of: accepted) == .accepted)
            #expect(try await organization.projectMember(projectID: apollo.id, userID: dee.id).role == .member)
            #expect(try await organization.projectMember(projectID: gemini.id, userID: dee.id).role == .owner)
            let projects = try await organization.projects(ofUsers: [dee.id])[dee.id]?.map(\.project.id)
            #expect(projects == [apollo.id, gemini.id])
        }
    }

    @Test("a user created by an import accepts its pending invite, unless the file names another organization role")
    func importAcceptsTheInvite() async throws {
        try await Fixture.with { fixture async throws in
            let project = try await fixture.organization.createProject(name: "Apollo")
            _ = try await fixture.organization.createInvite(
                email: "dee@example.com", role: "owner", projects: [(id: project.id.rawValue, role: "member")])
            _ = try await fixture.organization.createInvite(email: "eve@example.com", role: "owner")
            _ = try await fixture.organization.importFile(
                OrganizationFile(users: [.init(email: "dee@example.com", name: "Dee"), .init(email: "eve@example.com", name: "Eve", role: "reader")]))
            let dee = try await fixture.user("dee@example.com")
            #expect(dee.role == .owner)
            #expect(try await fixture.organization.projectMember(projectID: project.id, userID: dee.id).role == .member)
            #expect(try await fixture.user("eve@example.com").role == .reader)
            let statuses = try await fixture.organization.invites(page: Self.page).items.map(fixture.organization.status(of:))
            #expect(statuses == [.accepted, .accepted])
        }
    }

    @Test("an expired invite is not accepted when its user arrives")
    func expiredInvitesAreNotAccepted() async throws {
        try await Fixture.with { fixture async throws in
            let clock = Clock()
            let organization = organization(fixture, clock)
            let project = try await organization.createProject(name: "Apollo")
            let invite = try await organization.createInvite(
                email: "dee@example.com", role: "owner", projects: [(id: project.id.rawValue, role: "member")])
            clock.advance(7 * Self.day)
            let dee = try await provision("dee@example.com", organization)
            #expect(dee.role == .reader)
            #expect(organization.status(of: try await organization.invite(id: invite.id)) == .expired)
            await expectNotFound { _ = try await organization.projectMember(projectID: project.id, userID: dee.id) }
        }
    }

    @Test("accepting an invite skips the invited projects archived in the meantime")
    func archivedProjectsAreSkippedOnAcceptance() async throws {
        try await Fixture.with { fixture async throws in
            let organization = fixture.organization
            let apollo = try await organization.createProject(name: "Apollo")
            let gemini = try await organization.createProject(name: "Gemini")
            _ = try await organization.createInvite(
                email: "dee@example.com", role: "reader",
                projects: [(id: apollo.id.rawValue, role: "member"), (id: gemini.id.rawValue, role: "member")])
            _ = try await organization.archiveProject(id: apollo.id)
            let dee = try await provision("dee@example.com", organization)
            await expectNotFound { _ = try await organization.projectMember(projectID: apollo.id, userID: dee.id) }
            #expect(try await organization.projectMember(projectID: gemini.id, userID: dee.id).role == .member)
        }
    }

    @Test("a pending or expired invite can be deleted, an accepted one cannot")
    func acceptedInvitesCannotBeDeleted() async throws {
        try await Fixture.with { fixture async throws in
            let organization = fixture.organization
            let pending = try await organization.createInvite(email: "dee@example.com", role: "reader")
            let accepted = try await organization.createInvite(email: "eve@example.com", role: "reader")
            _ = try await provision("eve@example.com", organization)
            await expectServiceError(.conflict, code: "invite_accepted") { try await organization.deleteInvite(id: accepted.id) }
            try await organization.deleteInvite(id: pending.id)
            await expectNotFound { _ = try await organization.invite(id: pending.id) }
            await expectNotFound { try await organization.deleteInvite(id: pending.id) }
            #expect(try await organization.invites(page: Self.page).items.map(\.id) == [accepted.id])
        }
    }
}
