import RosterModel
import RosterStore
import Testing

// MARK: Fixtures

extension StoreConformance {
    static func project(_ name: String, archivedAt: Int? = nil) -> Project {
        Project(id: .make(.project), name: name, createdAt: t0, archivedAt: archivedAt)
    }

    /// A role of `project`: the predefined one named after `predefined`, or a custom one named `name`.
    static func projectRole(_ name: String, in project: Project, isPredefined: Bool = false) -> Role {
        Role(
            id: .make(.role), name: name, description: "\(name) role", permissions: ["api.project.read"],
            resourceType: ResourceType.project, isPredefined: isPredefined, createdAt: t0, updatedAt: t0, createdBy: nil,
            projectID: project.id)
    }

    static func projectRole(_ predefined: PredefinedProjectRole, in project: Project) -> Role {
        projectRole(predefined.rawValue, in: project, isPredefined: true)
    }

    static func serviceAccount(_ name: String, in project: Project, role: ServiceAccount.Role = .member) -> ServiceAccount {
        ServiceAccount(id: .make(.serviceAccount), projectID: project.id, name: name, role: role, createdAt: t0)
    }

    static func projectKey(_ name: String, in project: Project, owner: ProjectKey.Owner) -> ProjectKey {
        ProjectKey(id: .make(.adminKey), projectID: project.id, owner: owner, name: name, redactedValue: "sk-svcacct-...abcd", createdAt: t0)
    }

    static func invite(_ email: String, projects: [Invite.ProjectGrant] = [], acceptedAt: Int? = nil) -> Invite {
        Invite(
            id: .make(.invite), email: email, role: .reader, projects: projects, createdAt: t0, expiresAt: t0 + 86_400,
            acceptedAt: acceptedAt)
    }
}

// MARK: Contracts

extension StoreConformance {
    static let projectContracts: [StoreContract] = [
        contract("a project's predefined owner role does not make a user an organization owner") { store in
            let ada = user("ada")
            let apollo = project("Apollo")
            let projectOwner = projectRole(.owner, in: apollo)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertProject(apollo)
                try await tx.insertRole(projectOwner)
                _ = try await tx.assign(roleID: projectOwner.id, to: .user(ada.id))
            }
            #expect(try await store.read { try await $0.user(id: ada.id) }.role == .reader)
            #expect(try await store.read { try await $0.firstOwner() } == nil)
        },
        contract("an inserted project reads back by id, and an unknown project is notFound") { store in
            var apollo = project("Apollo")
            apollo.externalKeyID = "key-1"
            apollo.residency = "US_STORAGE_PROCESSING"
            try await store.withTransaction { [apollo] in try await $0.insertProject(apollo) }
            #expect(try await store.read { try await $0.project(id: apollo.id) } == apollo)
            await expectNotFound { _ = try await store.read { try await $0.project(id: .make(.project)) } }
        },
        contract("updateProject saves name, external key id, residency and archive time") { store in
            var apollo = project("Apollo")
            try await store.withTransaction { [apollo] in try await $0.insertProject(apollo) }
            apollo.name = "Artemis"
            apollo.externalKeyID = "key-2"
            apollo.residency = "EU_STORAGE_PROCESSING"
            apollo.archivedAt = t0 + 60
            try await store.withTransaction { [apollo] in try await $0.updateProject(apollo) }
            #expect(try await store.read { try await $0.project(id: apollo.id) } == apollo)
            await expectNotFound { try await store.withTransaction { try await $0.updateProject(project("ghost")) } }
        },
        contract("archived projects are listed only when includeArchived") { store in
            let (active, archived) = (project("active"), project("archived", archivedAt: t0))
            try await store.withTransaction { tx in
                try await tx.insertProject(active)
                try await tx.insertProject(archived)
            }
            let hidden = try await store.read { try await $0.projects(includeArchived: false, page: PageRequest(limit: 10)) }
            #expect(hidden.items.map(\.id) == [active.id])
            let all = try await store.read { try await $0.projects(includeArchived: true, page: PageRequest(limit: 10)) }
            #expect(all.items.map(\.id) == [active.id, archived.id])
        },
        contract("projects pages by identifier, newest first when descending, with or without archived ones") { store in
            let projects = (0..<5).map { project("p\($0)", archivedAt: $0 == 2 ? t0 : nil) }
            try await store.withTransaction { tx in for project in projects { try await tx.insertProject(project) } }
            let ascending = try await store.read {
                try await $0.projects(includeArchived: true, page: PageRequest(limit: 2, after: projects[0].id))
            }
            #expect(ascending.items.map(\.id) == [projects[1].id, projects[2].id])
            #expect(ascending.hasMore)
            let active = try await store.read {
                try await $0.projects(includeArchived: false, page: PageRequest(limit: 2, after: projects[4].id, order: .descending))
            }
            #expect(active.items.map(\.id) == [projects[3].id, projects[1].id])
            #expect(active.hasMore)
        },
        contract("addProjectMember adds once and reports a repeat as no change") { store in
            let (ada, apollo) = (user("ada"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertProject(apollo)
            }
            #expect(try await store.withTransaction { try await $0.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0) })
            #expect(try await !store.withTransaction { try await $0.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0 + 1) })
            let member = try await store.read { try await $0.projectMember(projectID: apollo.id, userID: ada.id) }
            #expect(member?.user.id == ada.id)
            #expect(member?.addedAt == t0)
            #expect(member?.role == nil)
        },
        contract("addProjectMember throws notFound for an unknown project or user") { store in
            let (ada, apollo) = (user("ada"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertProject(apollo)
            }
            await expectNotFound {
                _ = try await store.withTransaction { try await $0.addProjectMember(projectID: .make(.project), userID: ada.id, addedAt: t0) }
            }
            await expectNotFound {
                _ = try await store.withTransaction { try await $0.addProjectMember(projectID: apollo.id, userID: .make(.user), addedAt: t0) }
            }
        },
        contract("removeProjectMember reports whether the user was a member and leaves its role assignments") { store in
            let (ada, apollo) = (user("ada"), project("apollo"))
            let owner = projectRole(.owner, in: apollo)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertProject(apollo)
                try await tx.insertRole(owner)
                _ = try await tx.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0)
                _ = try await tx.assign(roleID: owner.id, to: .user(ada.id))
            }
            #expect(try await store.withTransaction { try await $0.removeProjectMember(projectID: apollo.id, userID: ada.id) })
            #expect(try await !store.withTransaction { try await $0.removeProjectMember(projectID: apollo.id, userID: ada.id) })
            #expect(try await store.read { try await $0.projectMember(projectID: apollo.id, userID: ada.id) } == nil)
            #expect(try await store.read { try await $0.isAssigned(roleID: owner.id, to: .user(ada.id)) })
        },
        contract("a project member's role is the predefined project role it holds directly in that project") { store in
            let (ada, team, apollo, gemini) = (user("ada"), group("team"), project("apollo"), project("gemini"))
            let (apolloOwner, apolloViewer) = (projectRole(.owner, in: apollo), projectRole(.viewer, in: apollo))
            let (geminiOwner, custom) = (projectRole(.owner, in: gemini), projectRole("member", in: apollo))
            // `custom` is not predefined, though named like one; the roles of other projects and of groups do not count.
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                for role in [apolloOwner, apolloViewer, geminiOwner, custom] { try await tx.insertRole(role) }
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0)
                _ = try await tx.assign(roleID: geminiOwner.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: apolloOwner.id, to: .group(team.id))
                _ = try await tx.assign(roleID: custom.id, to: .user(ada.id))
            }
            #expect(try await store.read { try await $0.projectMember(projectID: apollo.id, userID: ada.id) }?.role == nil)
            _ = try await store.withTransaction { try await $0.assign(roleID: apolloViewer.id, to: .user(ada.id)) }
            #expect(try await store.read { try await $0.projectMember(projectID: apollo.id, userID: ada.id) }?.role == .viewer)
            // Should two be held at once, the strongest shows.
            _ = try await store.withTransaction { try await $0.assign(roleID: apolloOwner.id, to: .user(ada.id)) }
            #expect(try await store.read { try await $0.projectMember(projectID: apollo.id, userID: ada.id) }?.role == .owner)
            let listed = try await store.read { try await $0.projectMembers(projectID: apollo.id, page: PageRequest(limit: 10)) }
            #expect(listed.items.map(\.role) == [.owner])
        },
        contract("projectMembers pages by user identifier, newest first when descending") { store in
            let apollo = project("apollo")
            let users = (0..<4).map { user("m\($0)") }
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                for user in users {
                    try await tx.insertUser(user)
                    _ = try await tx.addProjectMember(projectID: apollo.id, userID: user.id, addedAt: t0)
                }
            }
            let page = try await store.read {
                try await $0.projectMembers(projectID: apollo.id, page: PageRequest(limit: 2, after: users[3].id, order: .descending))
            }
            #expect(page.items.map(\.user.id) == [users[2].id, users[1].id])
            #expect(page.hasMore)
            let last = try await store.read {
                try await $0.projectMembers(projectID: apollo.id, page: PageRequest(limit: 2, after: users[1].id))
            }
            #expect(last.items.map(\.user.id) == [users[2].id, users[3].id])
            #expect(!last.hasMore)
        },
        contract("projects(ofUser:) lists the user's direct memberships in project order, with its role in each") { store in
            let (ada, grace) = (user("ada"), user("grace"))
            let (apollo, gemini, mercury) = (project("apollo"), project("gemini"), project("mercury"))
            let geminiMember = projectRole(.member, in: gemini)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(grace)
                for project in [apollo, gemini, mercury] { try await tx.insertProject(project) }
                try await tx.insertRole(geminiMember)
                _ = try await tx.addProjectMember(projectID: gemini.id, userID: ada.id, addedAt: t0)
                _ = try await tx.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0)
                _ = try await tx.addProjectMember(projectID: mercury.id, userID: grace.id, addedAt: t0)
                _ = try await tx.assign(roleID: geminiMember.id, to: .user(ada.id))
            }
            let memberships = try await store.read { try await $0.projects(ofUser: ada.id) }
            #expect(memberships.map(\.project) == [apollo, gemini])
            #expect(memberships.map(\.role) == [nil, .member])
        },
        contract("deleting a user removes its project memberships") { store in
            let (ada, apollo) = (user("ada"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertProject(apollo)
                _ = try await tx.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0)
                try await tx.deleteUser(id: ada.id)
            }
            #expect(try await store.read { try await $0.projectMembers(projectID: apollo.id, page: PageRequest(limit: 10)) }.items.isEmpty)
            #expect(try await store.read { try await $0.projects(ofUser: ada.id) }.isEmpty)
        },
        contract("addProjectGroup adds once and reports a repeat as no change") { store in
            let (team, apollo) = (group("team"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
            }
            #expect(try await store.withTransaction { try await $0.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0) })
            #expect(try await !store.withTransaction { try await $0.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0 + 1) })
            let access = try await store.read { try await $0.projectGroup(projectID: apollo.id, groupID: team.id) }
            #expect(access == ProjectGroup(projectID: apollo.id, group: team, createdAt: t0))
        },
        contract("addProjectGroup throws notFound for an unknown project or group") { store in
            let (team, apollo) = (group("team"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
            }
            await expectNotFound {
                _ = try await store.withTransaction { try await $0.addProjectGroup(projectID: .make(.project), groupID: team.id, createdAt: t0) }
            }
            await expectNotFound {
                _ = try await store.withTransaction { try await $0.addProjectGroup(projectID: apollo.id, groupID: .make(.group), createdAt: t0) }
            }
        },
        contract("removeProjectGroup reports whether the group had access and leaves its role assignments") { store in
            let (team, apollo) = (group("team"), project("apollo"))
            let member = projectRole(.member, in: apollo)
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
                try await tx.insertRole(member)
                _ = try await tx.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0)
                _ = try await tx.assign(roleID: member.id, to: .group(team.id))
            }
            #expect(try await store.withTransaction { try await $0.removeProjectGroup(projectID: apollo.id, groupID: team.id) })
            #expect(try await !store.withTransaction { try await $0.removeProjectGroup(projectID: apollo.id, groupID: team.id) })
            #expect(try await store.read { try await $0.projectGroup(projectID: apollo.id, groupID: team.id) } == nil)
            #expect(try await store.read { try await $0.isAssigned(roleID: member.id, to: .group(team.id)) })
        },
        contract("projectGroups pages by group identifier, newest first when descending") { store in
            let apollo = project("apollo")
            let groups = (0..<4).map { group("g\($0)") }
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                for group in groups {
                    try await tx.insertGroup(group)
                    _ = try await tx.addProjectGroup(projectID: apollo.id, groupID: group.id, createdAt: t0)
                }
            }
            let page = try await store.read {
                try await $0.projectGroups(projectID: apollo.id, page: PageRequest(limit: 2, after: groups[3].id, order: .descending))
            }
            #expect(page.items.map(\.group.id) == [groups[2].id, groups[1].id])
            #expect(page.hasMore)
            let first = try await store.read { try await $0.projectGroups(projectID: apollo.id, page: PageRequest(limit: 4)) }
            #expect(first.items.map(\.group.id) == groups.map(\.id))
            #expect(!first.hasMore)
        },
        contract("hasGroupAccess is true only through a group of the user with access to that project") { store in
            let (ada, grace, team, apollo, gemini) = (user("ada"), user("grace"), group("team"), project("apollo"), project("gemini"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(grace)
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.addProjectMember(projectID: gemini.id, userID: grace.id, addedAt: t0)
            }
            #expect(try await !store.read { try await $0.hasGroupAccess(projectID: apollo.id, userID: ada.id) })
            _ = try await store.withTransaction { try await $0.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0) }
            try await store.read { tx async throws in
                #expect(try await tx.hasGroupAccess(projectID: apollo.id, userID: ada.id))
                #expect(try await !tx.hasGroupAccess(projectID: gemini.id, userID: ada.id))
                #expect(try await !tx.hasGroupAccess(projectID: apollo.id, userID: grace.id))
                // Direct membership is not group access.
                #expect(try await !tx.hasGroupAccess(projectID: gemini.id, userID: grace.id))
            }
        },
        contract("deleting a group removes its project access") { store in
            let (ada, team, apollo) = (user("ada"), group("team"), project("apollo"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0)
                try await tx.deleteGroup(id: team.id)
            }
            #expect(try await store.read { try await $0.projectGroups(projectID: apollo.id, page: PageRequest(limit: 10)) }.items.isEmpty)
            #expect(try await !store.read { try await $0.hasGroupAccess(projectID: apollo.id, userID: ada.id) })
        },
        contract("removeProjectRoleAssignments removes only that project's roles from only that principal") { store in
            let (ada, grace, team, apollo, gemini) = (user("ada"), user("grace"), group("team"), project("apollo"), project("gemini"))
            let (apolloOwner, apolloCustom) = (projectRole(.owner, in: apollo), projectRole("custom", in: apollo))
            let (geminiOwner, organizationRole) = (projectRole(.owner, in: gemini), role("auditor"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(grace)
                try await tx.insertGroup(team)
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                for role in [apolloOwner, apolloCustom, geminiOwner, organizationRole] { try await tx.insertRole(role) }
                for principal in [Principal.user(ada.id), .user(grace.id), .group(team.id)] {
                    for role in [apolloOwner, apolloCustom, geminiOwner, organizationRole] {
                        _ = try await tx.assign(roleID: role.id, to: principal)
                    }
                }
            }
            try await store.withTransaction { tx in
                try await tx.removeProjectRoleAssignments(projectID: apollo.id, from: .user(ada.id))
                try await tx.removeProjectRoleAssignments(projectID: apollo.id, from: .group(team.id))
            }
            try await store.read { tx async throws in
                for principal in [Principal.user(ada.id), .group(team.id)] {
                    #expect(try await !tx.isAssigned(roleID: apolloOwner.id, to: principal))
                    #expect(try await !tx.isAssigned(roleID: apolloCustom.id, to: principal))
                    #expect(try await tx.isAssigned(roleID: geminiOwner.id, to: principal))
                    #expect(try await tx.isAssigned(roleID: organizationRole.id, to: principal))
                }
                #expect(try await tx.isAssigned(roleID: apolloOwner.id, to: .user(grace.id)))
                #expect(try await tx.isAssigned(roleID: apolloCustom.id, to: .user(grace.id)))
            }
        },
    ]

    static let serviceAccountContracts: [StoreContract] = [
        contract("an inserted service account reads back in its project, and is notFound in another") { store in
            let (apollo, gemini) = (project("apollo"), project("gemini"))
            let bot = serviceAccount("bot", in: apollo, role: .owner)
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                try await tx.insertServiceAccount(bot)
            }
            #expect(try await store.read { try await $0.serviceAccount(id: bot.id, projectID: apollo.id) } == bot)
            #expect(try await store.read { try await $0.serviceAccount(id: bot.id) } == bot)
            await expectNotFound { _ = try await store.read { try await $0.serviceAccount(id: .make(.serviceAccount)) } }
            await expectNotFound { _ = try await store.read { try await $0.serviceAccount(id: bot.id, projectID: gemini.id) } }
            await expectNotFound { _ = try await store.read { try await $0.serviceAccount(id: .make(.serviceAccount), projectID: apollo.id) } }
        },
        contract("insertServiceAccount throws notFound for an unknown project") { store in
            await expectNotFound {
                try await store.withTransaction { try await $0.insertServiceAccount(serviceAccount("bot", in: project("ghost"))) }
            }
        },
        contract("serviceAccounts pages by identifier within the project") { store in
            let (apollo, gemini) = (project("apollo"), project("gemini"))
            let accounts = (0..<3).map { serviceAccount("bot\($0)", in: apollo, role: .none) }
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                for account in accounts { try await tx.insertServiceAccount(account) }
                try await tx.insertServiceAccount(serviceAccount("other", in: gemini))
            }
            let page = try await store.read {
                try await $0.serviceAccounts(projectID: apollo.id, page: PageRequest(limit: 2, after: accounts[0].id))
            }
            #expect(page.items == [accounts[1], accounts[2]])
            #expect(!page.hasMore)
            let descending = try await store.read {
                try await $0.serviceAccounts(projectID: apollo.id, page: PageRequest(limit: 2, order: .descending))
            }
            #expect(descending.items.map(\.id) == [accounts[2].id, accounts[1].id])
            #expect(descending.hasMore)
        },
        contract("updateServiceAccount saves the name and role, and throws notFound for an unknown account") { store in
            let apollo = project("apollo")
            var bot = serviceAccount("bot", in: apollo)
            try await store.withTransaction { [bot] tx in
                try await tx.insertProject(apollo)
                try await tx.insertServiceAccount(bot)
            }
            bot.name = "robot"
            bot.role = .owner
            try await store.withTransaction { [bot] in try await $0.updateServiceAccount(bot) }
            #expect(try await store.read { try await $0.serviceAccount(id: bot.id, projectID: apollo.id) } == bot)
            #expect(try await store.read { try await $0.serviceAccount(id: bot.id) } == bot)
            await expectNotFound { _ = try await store.read { try await $0.serviceAccount(id: .make(.serviceAccount)) } }
            await expectNotFound { try await store.withTransaction { try await $0.updateServiceAccount(serviceAccount("ghost", in: apollo)) } }
        },
        contract("deleteServiceAccount deletes the account with its keys") { store in
            let apollo = project("apollo")
            let bot = serviceAccount("bot", in: apollo)
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertServiceAccount(bot)
                try await tx.insertProjectKey(projectKey("bot key", in: apollo, owner: .serviceAccount(bot.id)), secretHash: [4, 5, 6])
            }
            // While the key exists, its hash cannot be stored again.
            let twin = serviceAccount("twin", in: apollo)
            try await store.withTransaction { try await $0.insertServiceAccount(twin) }
            await expectConflict {
                try await store.withTransaction {
                    try await $0.insertProjectKey(projectKey("twin key", in: apollo, owner: .serviceAccount(twin.id)), secretHash: [4, 5, 6])
                }
            }
            try await store.withTransaction { try await $0.deleteServiceAccount(id: bot.id) }
            await expectNotFound { _ = try await store.read { try await $0.serviceAccount(id: bot.id, projectID: apollo.id) } }
            #expect(try await store.read { try await $0.projectKeys(owner: .serviceAccount(bot.id)) }.isEmpty)
            try await store.withTransaction {
                try await $0.insertProjectKey(projectKey("twin key", in: apollo, owner: .serviceAccount(twin.id)), secretHash: [4, 5, 6])
            }
            await expectNotFound { try await store.withTransaction { try await $0.deleteServiceAccount(id: bot.id) } }
        },
    ]

    static let projectKeyContracts: [StoreContract] = [
        contract("an inserted project key reads back with its owner, in its project only") { store in
            let (apollo, gemini) = (project("apollo"), project("gemini"))
            let bot = serviceAccount("bot", in: apollo, role: .owner)
            var key = projectKey("deploy", in: apollo, owner: .serviceAccount(bot.id))
            key.scopes = ["api.model.request"]
            key.expiresAt = t0 + 60
            try await store.withTransaction { [key] tx in
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                try await tx.insertServiceAccount(bot)
                try await tx.insertProjectKey(key, secretHash: [7, 7])
            }
            let entry = try await store.read { try await $0.projectKey(id: key.id, projectID: apollo.id) }
            #expect(entry.key == key)
            #expect(entry.ownerHasAccess)
            guard case .serviceAccount(let owner) = entry.owner else { Issue.record("the owner is not the service account"); return }
            #expect(owner == bot)
            await expectNotFound { _ = try await store.read { try await $0.projectKey(id: key.id, projectID: gemini.id) } }
        },
        contract("insertProjectKey throws notFound for a service account of another project or an unknown user") { store in
            let (apollo, gemini) = (project("apollo"), project("gemini"))
            let bot = serviceAccount("bot", in: gemini)
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertProject(gemini)
                try await tx.insertServiceAccount(bot)
            }
            await expectNotFound {
                try await store.withTransaction {
                    try await $0.insertProjectKey(projectKey("k", in: apollo, owner: .serviceAccount(bot.id)), secretHash: [1])
                }
            }
            await expectNotFound {
                try await store.withTransaction {
                    try await $0.insertProjectKey(projectKey("k", in: apollo, owner: .user(.make(.user))), secretHash: [2])
                }
            }
        },
        contract("a user's key is active while the user is a project member or in a group with access") { store in
            let apollo = project("apollo")
            let ada = user("ada")
            let team = group("team")
            let key = projectKey("mine", in: apollo, owner: .user(ada.id))
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                _ = try await tx.addProjectMember(projectID: apollo.id, userID: ada.id, addedAt: t0)
                try await tx.insertProjectKey(key, secretHash: [3])
            }
            func active() async throws -> Bool {
                let stored = try await store.read { try await $0.projectKey(id: key.id, projectID: apollo.id) }
                return stored.ownerHasAccess
            }
            #expect(try await active())
            try await store.withTransaction { _ = try await $0.removeProjectMember(projectID: apollo.id, userID: ada.id) }
            #expect(try await !active())
            try await store.withTransaction { tx in
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.addProjectGroup(projectID: apollo.id, groupID: team.id, createdAt: t0)
            }
            #expect(try await active())
            let inactive = try await store.read { try await $0.projectKeys(projectID: apollo.id, ownerHasAccess: false, page: PageRequest(limit: 10)) }
            #expect(inactive.items.isEmpty)
        },
        contract("projectKeys pages by identifier and filters by the owner's access") { store in
            let apollo = project("apollo")
            let (bot, idle) = (serviceAccount("bot", in: apollo), serviceAccount("idle", in: apollo, role: .none))
            let keys = [bot, idle, bot].enumerated().map { projectKey("k\($0)", in: apollo, owner: .serviceAccount($1.id)) }
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertServiceAccount(bot)
                try await tx.insertServiceAccount(idle)
                for (index, key) in keys.enumerated() { try await tx.insertProjectKey(key, secretHash: [UInt8(index)]) }
            }
            let first = try await store.read { try await $0.projectKeys(projectID: apollo.id, ownerHasAccess: nil, page: PageRequest(limit: 2)) }
            #expect(first.items.map(\.key.id) == [keys[0].id, keys[1].id])
            #expect(first.hasMore)
            let active = try await store.read { try await $0.projectKeys(projectID: apollo.id, ownerHasAccess: true, page: PageRequest(limit: 10)) }
            #expect(active.items.map(\.key.id) == [keys[0].id, keys[2].id])
            let inactive = try await store.read { try await $0.projectKeys(projectID: apollo.id, ownerHasAccess: false, page: PageRequest(limit: 10)) }
            #expect(inactive.items.map(\.key.id) == [keys[1].id])
        },
        contract("updateProjectKey saves name, scopes and expiry; deleteProjectKey throws notFound the second time") { store in
            let apollo = project("apollo")
            let bot = serviceAccount("bot", in: apollo)
            var key = projectKey("deploy", in: apollo, owner: .serviceAccount(bot.id))
            try await store.withTransaction { [key] tx in
                try await tx.insertProject(apollo)
                try await tx.insertServiceAccount(bot)
                try await tx.insertProjectKey(key, secretHash: [9])
            }
            key.name = "rotated"
            key.scopes = ["api.model.request"]
            key.expiresAt = t0 + 3_600
            try await store.withTransaction { [key] in try await $0.updateProjectKey(key) }
            #expect(try await store.read { try await $0.projectKey(id: key.id, projectID: apollo.id) }.key == key)
            try await store.withTransaction { try await $0.recordProjectKeyUse([key.id: t0 + 5]) }
            try await store.withTransaction { try await $0.recordProjectKeyUse([key.id: t0 + 1]) }
            #expect(try await store.read { try await $0.projectKey(id: key.id, projectID: apollo.id) }.key.lastUsedAt == t0 + 5)
            try await store.withTransaction { try await $0.deleteProjectKey(id: key.id) }
            await expectNotFound { try await store.withTransaction { try await $0.deleteProjectKey(id: key.id) } }
        },
    ]

    static let projectAccessContracts: [StoreContract] = [
        contract("a new store knows the default models; saveModel adds one and replaces another's limits") { store in
            #expect(try await store.read { try await $0.models() } == Model.defaults.sorted { $0.id < $1.id })
            let local = Model(id: "llama-3.1-8b", defaultLimits: RateLimits(requestsPerMinute: 5, tokensPerMinute: 50))
            let changed = Model(id: "gpt-4.1", defaultLimits: RateLimits(requestsPerMinute: 1, tokensPerMinute: 2, others: [.requestsPerDay: 3]))
            try await store.withTransaction { tx in
                try await tx.saveModel(local)
                try await tx.saveModel(changed)
            }
            let models = try await store.read { try await $0.models() }
            #expect(models.count == Model.defaults.count + 1)
            #expect(models.first { $0.id == "llama-3.1-8b" } == local)
            #expect(models.first { $0.id == "gpt-4.1" } == changed)
            #expect(models.map(\.id) == models.map(\.id).sorted())
        },
        contract("a project without model permissions allows every model; set and deleted ones read back") { store in
            let apollo = project("apollo")
            try await store.withTransaction { try await $0.insertProject(apollo) }
            #expect(try await store.read { try await $0.modelPermissions(projectID: apollo.id) } == .everyModel)
            let allow = ModelPermissions(mode: .allowList, modelIDs: ["o3", "gpt-4.1", "o3"])
            try await store.withTransaction { try await $0.setModelPermissions(allow, projectID: apollo.id) }
            let read = try await store.read { try await $0.modelPermissions(projectID: apollo.id) }
            #expect(read == allow)
            #expect(read.modelIDs == ["gpt-4.1", "o3"])
            try await store.withTransaction { try await $0.setModelPermissions(nil, projectID: apollo.id) }
            #expect(try await store.read { try await $0.modelPermissions(projectID: apollo.id) } == .everyModel)
        },
        contract("hosted tools are on until switched off, and switching twice changes nothing more") { store in
            let apollo = project("apollo")
            try await store.withTransaction { try await $0.insertProject(apollo) }
            #expect(try await store.read { try await $0.disabledTools(projectID: apollo.id) }.isEmpty)
            try await store.withTransaction { tx in
                try await tx.setTool(.webSearch, enabled: false, projectID: apollo.id)
                try await tx.setTool(.webSearch, enabled: false, projectID: apollo.id)
                try await tx.setTool(.mcp, enabled: true, projectID: apollo.id)
            }
            #expect(try await store.read { try await $0.disabledTools(projectID: apollo.id) } == [.webSearch])
            try await store.withTransaction { try await $0.setTool(.webSearch, enabled: true, projectID: apollo.id) }
            #expect(try await store.read { try await $0.disabledTools(projectID: apollo.id) }.isEmpty)
        },
        contract("a project's rate limits read back by model, and setting them again replaces them") { store in
            let apollo = project("apollo")
            try await store.withTransaction { try await $0.insertProject(apollo) }
            #expect(try await store.read { try await $0.rateLimits(projectID: apollo.id) }.isEmpty)
            var limits = RateLimits(requestsPerMinute: 120, tokensPerMinute: 5_000, others: [.imagesPerMinute: 3])
            try await store.withTransaction { [limits] in try await $0.setRateLimits(limits, model: "gpt-image-1", projectID: apollo.id) }
            limits[.imagesPerMinute] = 4
            try await store.withTransaction { [limits] in try await $0.setRateLimits(limits, model: "gpt-image-1", projectID: apollo.id) }
            #expect(try await store.read { try await $0.rateLimits(projectID: apollo.id) } == ["gpt-image-1": limits])
        },
    ]

    static let inviteContracts: [StoreContract] = [
        contract("an inserted invite reads back by id with its projects, and an unknown invite is notFound") { store in
            let apollo = project("apollo")
            let invitation = invite(
                "Ada@Example.com", projects: [.init(projectID: apollo.id, role: .owner), .init(projectID: .make(.project), role: .member)])
            try await store.withTransaction { tx in
                try await tx.insertProject(apollo)
                try await tx.insertInvite(invitation)
            }
            #expect(try await store.read { try await $0.invite(id: invitation.id) } == invitation)
            await expectNotFound { _ = try await store.read { try await $0.invite(id: .make(.invite)) } }
        },
        contract("invites pages by identifier, newest first when descending") { store in
            let invites = (0..<4).map { invite("i\($0)@example.com") }
            try await store.withTransaction { tx in for invite in invites { try await tx.insertInvite(invite) } }
            let page = try await store.read { try await $0.invites(page: PageRequest(limit: 2, after: invites[0].id)) }
            #expect(page.items == [invites[1], invites[2]])
            #expect(page.hasMore)
            let descending = try await store.read {
                try await $0.invites(page: PageRequest(limit: 2, after: invites[1].id, order: .descending))
            }
            #expect(descending.items.map(\.id) == [invites[0].id])
            #expect(!descending.hasMore)
        },
        contract("deleteInvite removes the invite, and throws notFound for an unknown one") { store in
            let invitation = invite("ada@example.com")
            try await store.withTransaction { try await $0.insertInvite(invitation) }
            try await store.withTransaction { try await $0.deleteInvite(id: invitation.id) }
            await expectNotFound { _ = try await store.read { try await $0.invite(id: invitation.id) } }
            await expectNotFound { try await store.withTransaction { try await $0.deleteInvite(id: invitation.id) } }
        },
        contract("unacceptedInvites finds an email's invites case-insensitively, in order, without accepted ones") { store in
            let (first, accepted, second) = (
                invite("Ada@Example.com"), invite("ada@example.com", acceptedAt: t0), invite("ADA@example.COM")
            )
            try await store.withTransaction { tx in
                for invite in [first, accepted, second, invite("grace@example.com")] { try await tx.insertInvite(invite) }
            }
            #expect(try await store.read { try await $0.unacceptedInvites(email: "ada@EXAMPLE.com") } == [first, second])
            #expect(try await store.read { try await $0.unacceptedInvites(email: "nobody@example.com") }.isEmpty)
        },
        contract("markInviteAccepted records the time, and throws notFound for an unknown invite") { store in
            let invitation = invite("ada@example.com")
            try await store.withTransaction { try await $0.insertInvite(invitation) }
            try await store.withTransaction { try await $0.markInviteAccepted(id: invitation.id, at: t0 + 5) }
            try await store.read { tx async throws in
                #expect(try await tx.invite(id: invitation.id).acceptedAt == t0 + 5)
                #expect(try await tx.invite(id: invitation.id).status(at: t0) == .accepted)
                #expect(try await tx.unacceptedInvites(email: "ada@example.com").isEmpty)
            }
            await expectNotFound { try await store.withTransaction { try await $0.markInviteAccepted(id: .make(.invite), at: t0) } }
        },
    ]
}
