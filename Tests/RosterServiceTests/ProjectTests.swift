import RosterModel
import RosterService
import RosterStore
import Testing

/// Projects, their users, the groups with access to them and their service accounts.
@Suite struct ProjectTests {
    static let page = PageRequest(limit: 100)

    /// The names of the project roles `principal` holds directly or, for a user, through its groups.
    static func projectRoleNames(of principal: Principal, in project: Project, _ fixture: Fixture) async throws -> [String] {
        try await fixture.store.read { tx in
            switch principal {
            case .user(let id): try await tx.roles(ofUser: id, scope: .project(project.id), page: page).items.map(\.role.name)
            case .group(let id): try await tx.roles(ofGroup: id, scope: .project(project.id), page: page).items.map(\.role.name)
            }
        }
    }

    // MARK: Projects

    @Test("creating a project also creates its predefined roles owner, member and viewer")
    func predefinedRoles() async throws {
        try await Fixture.with { fixture async throws in
            let project = try await fixture.organization.createProject(name: "  Alpha  ")
            #expect(project.name == "Alpha")
            #expect(project.id.rawValue.hasPrefix("proj_"))
            #expect(!project.isArchived)
            let roles = try await fixture.store.read { try await $0.roles(scope: .project(project.id), page: Self.page).items }
            #expect(Set(roles.map(\.name)) == ["owner", "member", "viewer"])
            for role in roles {
                let predefined = try #require(PredefinedProjectRole(rawValue: role.name))
                #expect(role.isPredefined)
                #expect(role.resourceType == ResourceType.project)
                #expect(role.projectID == project.id)
                #expect(role.permissions == predefined.permissions.sorted())
            }
            // Another project gets roles of its own.
            let beta = try await fixture.organization.createProject(name: "Beta")
            let betaRoles = try await fixture.store.read { try await $0.roles(scope: .project(beta.id), page: Self.page).items }
            #expect(Set(betaRoles.map(\.id)).isDisjoint(with: roles.map(\.id)))
        }
    }

    @Test("a project needs a non-blank name, and a residency only from OpenAI's list of regions")
    func createValidation() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            await expectServiceError(.invalidRequest, param: "name") { _ = try await org.createProject(name: "   ") }
            await expectServiceError(.invalidRequest, param: "residency") { _ = try await org.createProject(name: "A", residency: "MOON") }
            let project = try await org.createProject(name: "EU", externalKeyID: "ekm-1", residency: "EU_STORAGE_PROCESSING")
            #expect(try await org.project(id: project.id) == project)
            #expect(project.residency == "EU_STORAGE_PROCESSING")
            #expect(project.externalKeyID == "ekm-1")
        }
    }

    @Test("modifying a project changes the fields given and leaves the others")
    func modifyProject() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha", externalKeyID: "ekm-1")
            let renamed = try await org.modifyProject(id: project.id, name: "Alpha 2", externalKeyID: nil)
            #expect(renamed.name == "Alpha 2")
            #expect(renamed.externalKeyID == "ekm-1")
            #expect(try await org.modifyProject(id: project.id, name: nil, externalKeyID: "ekm-2").name == "Alpha 2")
            #expect(try await org.project(id: project.id).externalKeyID == "ekm-2")
            await expectServiceError(.invalidRequest, param: "name") { _ = try await org.modifyProject(id: project.id, name: "", externalKeyID: nil) }
            await expectNotFound { _ = try await org.modifyProject(id: .make(.project), name: "X", externalKeyID: nil) }
        }
    }

    @Test("the project list hides archived projects unless it is asked to include them")
    func listHidesArchived() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let alpha = try await org.createProject(name: "Alpha")
            let beta = try await org.createProject(name: "Beta")
            _ = try await org.archiveProject(id: alpha.id)
            #expect(try await org.projects(includeArchived: false, page: Self.page).items.map(\.id) == [beta.id])
            #expect(try await org.projects(includeArchived: true, page: Self.page).items.map(\.id) == [alpha.id, beta.id])
            // Still readable by id.
            #expect(try await org.project(id: alpha.id).isArchived)
        }
    }

    @Test("archiving a project again is harmless and keeps the first archive time")
    func archiveTwice() async throws {
        try await Fixture.with { fixture async throws in
            let project = try await fixture.organization.createProject(name: "Alpha")
            let first = try await fixture.organization.archiveProject(id: project.id)
            let archivedAt = try #require(first.archivedAt)
            let again = try await fixture.organization.archiveProject(id: project.id)
            #expect(again.archivedAt == archivedAt)
            await expectNotFound { _ = try await fixture.organization.archiveProject(id: .make(.project)) }
        }
    }

    @Test("an archived project refuses every change to it, its users, its groups and its service accounts")
    func archivedIsReadOnly() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let (bob, cy) = (try await fixture.user("bob@example.com"), try await fixture.user("cy@example.com"))
            let team = try await org.createGroup(name: "Support")
            _ = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer")
            let account = try await org.createServiceAccount(projectID: project.id, name: "Bot").account
            _ = try await org.archiveProject(id: project.id)

            let pid = project.id
            let attempts: [() async throws -> Void] = [
                { _ = try await org.modifyProject(id: pid, name: "Renamed", externalKeyID: nil) },
                { _ = try await org.addProjectMember(projectID: pid, userID: cy.id, email: nil, role: "member") },
                { _ = try await org.modifyProjectMember(projectID: pid, userID: bob.id, role: "owner") },
                { try await org.removeProjectMember(projectID: pid, userID: bob.id) },
                { _ = try await org.addProjectGroup(projectID: pid, groupID: team.id, role: "owner") },
                { try await org.removeProjectGroup(projectID: pid, groupID: team.id) },
                { _ = try await org.createServiceAccount(projectID: pid, name: "Bot 2") },
                { _ = try await org.updateServiceAccount(projectID: pid, id: account.id, name: "Renamed", role: nil) },
                { try await org.deleteServiceAccount(projectID: pid, id: account.id) },
            ]
            for attempt in attempts {
                let error = await expectServiceError(.conflict, code: "project_archived", attempt)
                #expect(error?.message.contains("archived") == true)
            }
            // Nothing changed, and it all can still be read.
            #expect(try await org.project(id: pid).name == "Alpha")
            #expect(try await org.projectMember(projectID: pid, userID: bob.id).role == .member)
            #expect(try await org.projectGroup(projectID: pid, groupID: team.id).group.id == team.id)
            #expect(try await org.serviceAccounts(projectID: pid, page: Self.page).items == [account])
        }
    }

    // MARK: Project users

    @Test("a user is added to a project by id or by email, with the predefined project role it is given held directly")
    func addUser() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let (bob, cy) = (try await fixture.user("bob@example.com"), try await fixture.user("cy@example.com"))
            let byID = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "owner")
            #expect(byID.user.id == bob.id)
            #expect(byID.role == .owner)
            let byEmail = try await org.addProjectMember(projectID: project.id, userID: nil, email: "CY@example.com", role: "member")
            #expect(byEmail.user.id == cy.id)
            #expect(byEmail.role == .member)
            #expect(try await Self.projectRoleNames(of: .user(bob.id), in: project, fixture) == ["owner"])
            #expect(try await Self.projectRoleNames(of: .user(cy.id), in: project, fixture) == ["member"])
            let members = try await org.projectMembers(projectID: project.id, page: Self.page).items
            #expect(Set(members.map(\.user.id)) == [bob.id, cy.id])
        }
    }

    @Test("adding a project user needs user_id or email, and a role of owner or member; unknown users are not found")
    func addUserValidation() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let bob = try await fixture.user("bob@example.com")
            await expectServiceError(.invalidRequest, param: "user_id") {
                _ = try await org.addProjectMember(projectID: project.id, userID: nil, email: nil, role: "member")
            }
            for role in ["viewer", "reader", "admin", ""] {
                await expectServiceError(.invalidRequest, param: "role") {
                    _ = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: role)
                }
            }
            await expectServiceError(.invalidRequest, param: "email") {
                _ = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: "cy@example.com", role: "member")
            }
            await expectNotFound { _ = try await org.addProjectMember(projectID: project.id, userID: .make(.user), email: nil, role: "member") }
            await expectNotFound {
                _ = try await org.addProjectMember(projectID: project.id, userID: nil, email: "nobody@example.com", role: "member")
            }
            await expectNotFound { _ = try await org.addProjectMember(projectID: .make(.project), userID: bob.id, email: nil, role: "member") }
            #expect(try await org.projectMembers(projectID: project.id, page: Self.page).items.isEmpty)
        }
    }

    @Test("adding an existing member again changes its role and leaves one membership")
    func addUserAgain() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let bob = try await fixture.user("bob@example.com")
            let first = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            let again = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "owner")
            #expect(again.role == .owner)
            #expect(again.addedAt == first.addedAt)
            #expect(try await org.projectMembers(projectID: project.id, page: Self.page).items.map(\.user.id) == [bob.id])
            #expect(try await Self.projectRoleNames(of: .user(bob.id), in: project, fixture) == ["owner"])
        }
    }

    @Test("modifying a project user's role replaces the predefined project role it held; a non-member is not found")
    func modifyUser() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let (bob, cy) = (try await fixture.user("bob@example.com"), try await fixture.user("cy@example.com"))
            _ = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            #expect(try await org.modifyProjectMember(projectID: project.id, userID: bob.id, role: "owner").role == .owner)
            #expect(try await org.projectMember(projectID: project.id, userID: bob.id).role == .owner)
            #expect(try await Self.projectRoleNames(of: .user(bob.id), in: project, fixture) == ["owner"])
            await expectServiceError(.invalidRequest, param: "role") {
                _ = try await org.modifyProjectMember(projectID: project.id, userID: bob.id, role: "boss")
            }
            await expectNotFound { _ = try await org.modifyProjectMember(projectID: project.id, userID: cy.id, role: "owner") }
            await expectNotFound { _ = try await org.projectMember(projectID: project.id, userID: cy.id) }
            #expect(try await Self.projectRoleNames(of: .user(cy.id), in: project, fixture).isEmpty)
        }
    }

    @Test("removing a user from a project takes the project roles it held there directly; a non-member is not found")
    func removeUser() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let other = try await org.createProject(name: "Beta")
            let bob = try await fixture.user("bob@example.com")
            _ = try await org.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "owner")
            _ = try await org.addProjectMember(projectID: other.id, userID: bob.id, email: nil, role: "member")
            try await org.removeProjectMember(projectID: project.id, userID: bob.id)
            await expectNotFound { _ = try await org.projectMember(projectID: project.id, userID: bob.id) }
            #expect(try await Self.projectRoleNames(of: .user(bob.id), in: project, fixture).isEmpty)
            // Other projects are untouched.
            #expect(try await org.projectMember(projectID: other.id, userID: bob.id).role == .member)
            await expectNotFound { try await org.removeProjectMember(projectID: project.id, userID: bob.id) }
            await expectNotFound { try await org.removeProjectMember(projectID: project.id, userID: .make(.user)) }
        }
    }

    // MARK: Project groups

    @Test("a group is given access with a predefined project role by name or a role of the project by id, which its members inherit")
    func addGroup() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let (cy, team, _) = try await fixture.supportTeam(managerAssigned: false)
            let access = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer")
            #expect(access.projectID == project.id)
            #expect(access.group.id == team.id)
            #expect(try await Self.projectRoleNames(of: .group(team.id), in: project, fixture) == ["viewer"])
            #expect(try await Self.projectRoleNames(of: .user(cy.id), in: project, fixture) == ["viewer"])
            #expect(try await fixture.store.read { try await $0.hasGroupAccess(projectID: project.id, userID: cy.id) })

            let platform = try await org.createGroup(name: "Platform")
            let owner = try await fixture.store.read { try await $0.role(name: "owner", scope: .project(project.id)) }
            let ownerID = try #require(owner?.id)
            _ = try await org.addProjectGroup(projectID: project.id, groupID: platform.id, role: ownerID.rawValue)
            #expect(try await Self.projectRoleNames(of: .group(platform.id), in: project, fixture) == ["owner"])
            let groups = try await org.projectGroups(projectID: project.id, page: Self.page).items
            #expect(groups.map(\.group.id) == [team.id, platform.id])
        }
    }

    @Test("giving a group access with a role of another project, an organization role or an unknown role is refused")
    func addGroupRoleValidation() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let other = try await org.createProject(name: "Beta")
            let team = try await org.createGroup(name: "Support")
            let othersOwner = try #require(try await fixture.store.read { try await $0.role(name: "owner", scope: .project(other.id)) })
            await expectNotFound { _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: othersOwner.id.rawValue) }
            let manager = try await fixture.role("Group Manager")
            await expectNotFound { _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: manager.id.rawValue) }
            await expectNotFound { _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: Identifier.make(.role).rawValue) }
            await expectServiceError(.invalidRequest, param: "role") {
                _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: "reader")
            }
            await expectNotFound { _ = try await org.addProjectGroup(projectID: project.id, groupID: .make(.group), role: "member") }
            #expect(try await org.projectGroups(projectID: project.id, page: Self.page).items.isEmpty)
            await expectNotFound { _ = try await org.projectGroup(projectID: project.id, groupID: team.id) }
        }
    }

    @Test("removing a group's access takes the project roles it held; a group without access is not found")
    func removeGroup() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let (cy, team, manager) = try await fixture.supportTeam(managerAssigned: true)
            _ = try await org.addProjectGroup(projectID: project.id, groupID: team.id, role: "member")
            try await org.removeProjectGroup(projectID: project.id, groupID: team.id)
            await expectNotFound { _ = try await org.projectGroup(projectID: project.id, groupID: team.id) }
            #expect(try await Self.projectRoleNames(of: .group(team.id), in: project, fixture).isEmpty)
            #expect(try await Self.projectRoleNames(of: .user(cy.id), in: project, fixture).isEmpty)
            // Organization roles stay.
            #expect(try await org.roles(ofGroup: team.id, page: Self.page).items.map(\.role.id) == [manager.id])
            await expectNotFound { try await org.removeProjectGroup(projectID: project.id, groupID: team.id) }
            await expectNotFound { try await org.removeProjectGroup(projectID: project.id, groupID: .make(.group)) }
        }
    }

    // MARK: Service accounts

    @Test("a service account is created with role member and an sk-svcacct- key whose secret is only returned")
    func createServiceAccount() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let created = try await org.createServiceAccount(projectID: project.id, name: " Deploy bot ")
            #expect(created.account.name == "Deploy bot")
            #expect(created.account.role == .member)
            #expect(created.account.projectID == project.id)
            #expect(created.account.id.rawValue.hasPrefix("svc_acct_"))
            let apiKey = try #require(created.apiKey)
            #expect(apiKey.secret.hasPrefix("sk-svcacct-"))
            #expect(apiKey.secret.count == "sk-svcacct-".count + 48)
            #expect(apiKey.key.redactedValue.hasPrefix("sk-svcacct-") && apiKey.key.redactedValue.contains("..."))
            #expect(!apiKey.key.redactedValue.contains(apiKey.secret))
            #expect(try await org.serviceAccount(projectID: project.id, id: created.account.id) == created.account)
            let second = try await org.createServiceAccount(projectID: project.id, name: "Other bot")
            #expect(second.apiKey?.secret != apiKey.secret)
            await expectServiceError(.invalidRequest, param: "name") { _ = try await org.createServiceAccount(projectID: project.id, name: " ") }
            await expectNotFound { _ = try await org.createServiceAccount(projectID: .make(.project), name: "Bot") }
        }
    }

    @Test("a service account created as the account only has role none and no API key")
    func accountOnly() async throws {
        try await Fixture.with { fixture async throws in
            let project = try await fixture.organization.createProject(name: "Alpha")
            let created = try await fixture.organization.createServiceAccount(projectID: project.id, name: "Bot", accountOnly: true)
            #expect(created.account.role == .none)
            #expect(created.apiKey == nil)
        }
    }

    @Test("a service account's name and role can be changed; its role must be member or owner")
    func updateServiceAccount() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let account = try await org.createServiceAccount(projectID: project.id, name: "Bot").account
            let renamed = try await org.updateServiceAccount(projectID: project.id, id: account.id, name: "Robot", role: nil)
            #expect(renamed.name == "Robot")
            #expect(renamed.role == .member)
            let promoted = try await org.updateServiceAccount(projectID: project.id, id: account.id, name: nil, role: "owner")
            #expect(promoted.name == "Robot")
            #expect(promoted.role == .owner)
            #expect(try await org.serviceAccount(projectID: project.id, id: account.id) == promoted)
            for role in ["none", "viewer", "admin"] {
                await expectServiceError(.invalidRequest, param: "role") {
                    _ = try await org.updateServiceAccount(projectID: project.id, id: account.id, name: nil, role: role)
                }
            }
            await expectServiceError(.invalidRequest, param: "name") {
                _ = try await org.updateServiceAccount(projectID: project.id, id: account.id, name: "", role: nil)
            }
        }
    }

    @Test("a service account of another project is not found there")
    func serviceAccountOfAnotherProject() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let alpha = try await org.createProject(name: "Alpha")
            let beta = try await org.createProject(name: "Beta")
            let account = try await org.createServiceAccount(projectID: alpha.id, name: "Bot").account
            await expectNotFound { _ = try await org.serviceAccount(projectID: beta.id, id: account.id) }
            await expectNotFound { _ = try await org.updateServiceAccount(projectID: beta.id, id: account.id, name: "X", role: nil) }
            await expectNotFound { try await org.deleteServiceAccount(projectID: beta.id, id: account.id) }
            #expect(try await org.serviceAccounts(projectID: beta.id, page: Self.page).items.isEmpty)
            #expect(try await org.serviceAccount(projectID: alpha.id, id: account.id).name == "Bot")
        }
    }

    @Test("deleting a service account removes it from its project")
    func deleteServiceAccount() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let project = try await org.createProject(name: "Alpha")
            let bot = try await org.createServiceAccount(projectID: project.id, name: "Bot").account
            let keeper = try await org.createServiceAccount(projectID: project.id, name: "Keeper").account
            try await org.deleteServiceAccount(projectID: project.id, id: bot.id)
            await expectNotFound { _ = try await org.serviceAccount(projectID: project.id, id: bot.id) }
            #expect(try await org.serviceAccounts(projectID: project.id, page: Self.page).items.map(\.id) == [keeper.id])
            await expectNotFound { try await org.deleteServiceAccount(projectID: project.id, id: bot.id) }
        }
    }
}
