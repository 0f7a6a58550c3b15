import RosterModel
import RosterService
import RosterStore
import Testing

/// Effective permissions, the decision enforcement and explanations share, and the guardrails.
@Suite struct PermissionTests {
    @Test("a user's grants name each chain: a role assigned directly, one through a group, and a project role through a group with access")
    func chains() async throws {
        try await Fixture.with { world in
            let (cy, team, manager) = try await world.supportTeam(managerAssigned: true)
            let project = try await world.organization.createProject(name: "Apollo")
            _ = try await world.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer")

            let grants = try await world.organization.permissions(of: cy.id, projectID: project.id)
            let write = try #require(grants.first { $0.permission == "api.groups.write" })
            #expect(write.scope == .organization)
            #expect(write.sources.map(\.role.id) == [manager.id])
            #expect(write.sources.map(\.group?.id) == [team.id])
            let read = try #require(grants.first { $0.permission == "api.groups.read" })
            #expect(Set(read.sources.map(\.role.name)) == ["reader", "Group Manager"])
            #expect(read.sources.first { $0.role.name == "reader" }?.group == nil)
            let projectRead = try #require(grants.first { $0.permission == "api.project.users.read" })
            #expect(projectRead.scope == .project(project.id))
            #expect(projectRead.sources.map(\.role.name) == ["viewer"])
            #expect(projectRead.sources.first?.group?.id == team.id)
            #expect(!grants.contains { $0.permission == "api.project.users.write" })
        }
    }

    @Test("the check answers from the decision authorize enforces, and a project permission counts only in its project")
    func checkAndAuthorizeAgree() async throws {
        try await Fixture.with { world in
            let cy = try await world.user("cy@example.com")
            let (apollo, gemini) = (
                try await world.organization.createProject(name: "Apollo"), try await world.organization.createProject(name: "Gemini")
            )
            _ = try await world.organization.addProjectMember(projectID: apollo.id, userID: cy.id, email: nil, role: "owner")
            let cyKey = try await world.organization.createAdminKey(name: "cy", expiresInSeconds: nil, userID: cy.id, by: world.caller)
            let requirement = PermissionRequirement("api.projects.write", inProject: "api.project.users.write")
            func authorize(in project: Identifier) async throws {
                _ = try await world.organization.authenticateAndAuthorize(
                    secret: cyKey.secret, requirement, projectID: project, operation: "POST users")
            }

            try await authorize(in: apollo.id)
            #expect(try await world.organization.check(userID: cy.id, permission: "api.project.users.write", projectID: apollo.id).allowed)

            let refused = await expectServiceError(.forbidden, code: "missing_permission") {
                try await authorize(in: gemini.id)
            }
            #expect(refused?.message.contains("'api.project.users.write'") == true)
            #expect(try await !world.organization.check(userID: cy.id, permission: "api.project.users.write", projectID: gemini.id).allowed)
            #expect(try await !world.organization.check(userID: cy.id, permission: "api.projects.write", projectID: nil).allowed)
        }
    }

    @Test("organization owners hold every project permission in every project, through their owner role")
    func ownersHoldEveryProjectPermission() async throws {
        try await Fixture.with { world in
            let project = try await world.organization.createProject(name: "Apollo")
            let check = try await world.organization.check(
                userID: world.owner.id, permission: "api.project.service_accounts.write", projectID: project.id)
            #expect(check.allowed)
            #expect(check.sources.map(\.isOrganizationOwnership) == [true])
            #expect(check.sources.first?.role.name == "owner")
        }
    }

    @Test("an import that would leave the organization without an active owner imports nothing")
    func importKeepsAnOwner() async throws {
        try await Fixture.with { world in
            let demoteAll = OrganizationFile(users: [
                .init(email: "ada@example.com", role: "reader"), .init(email: "owner@example.com", role: "reader"),
            ])
            await expectServiceError(.conflict, code: "last_owner") { _ = try await world.organization.importFile(demoteAll) }
            #expect(try await world.user("ada@example.com").role == .owner)
            // Handing ownership over in one file is fine.
            let handOver = OrganizationFile(users: [
                .init(email: "ada@example.com", role: "reader"), .init(email: "owner@example.com", role: "reader"),
                .init(email: "cy@example.com", role: "owner"),
            ])
            _ = try await world.organization.importFile(handOver)
            #expect(try await world.user("cy@example.com").role == .owner)
        }
    }

    @Test("a caller may give an invite's roles only when it holds their permissions")
    func invitesGiveOnlyHeldRoles() async throws {
        try await Fixture.with { world in
            let bob = try await world.user("bob@example.com")
            let asBob = Caller(userID: bob.id, keyID: .make(.adminKey))
            _ = try await world.organization.createInvite(email: "new@example.com", role: "reader", by: asBob)
            let refused = await expectServiceError(.forbidden, code: "permission_not_held") {
                _ = try await world.organization.createInvite(email: "boss@example.com", role: "owner", by: asBob)
            }
            #expect(refused?.message.contains("'api.users.write'") == true)
        }
    }
}
