import RosterModel
import RosterService
import RosterStore
import Testing

/// Project roles and their assignments to users and groups: the organization's role rules, in a project's scope.
@Suite struct ProjectRoleTests {
    static let page = PageRequest(limit: 1000)

    /// A new project with a custom role "Model User" (`api.model.request`) created by the fixture's caller.
    func project(_ fixture: Fixture, _ name: String = "Apollo") async throws -> (project: Project, modelUser: Role) {
        let project = try await fixture.organization.createProject(name: name)
        let role = try await fixture.organization.createProjectRole(
            projectID: project.id, name: "Model User", permissions: ["api.model.request"], description: "Calls models",
            by: fixture.caller)
        return (project, role)
    }

    /// The predefined project role `name` of the project.
    func predefined(_ name: String, of project: Project, _ fixture: Fixture) async throws -> Role {
        try #require(
            try await fixture.organization.projectRoles(projectID: project.id, page: Self.page).items.first {
                $0.name == name && $0.isPredefined
            })
    }

    /// The fixture's group "Support" (Cy its member) with `viewer` access to the project, and `role` assigned to it
    /// when given.
    func supportTeam(
        in project: Project, assigned role: Role? = nil, _ fixture: Fixture
    ) async throws -> (cy: User, team: Group, manager: Role) {
        let (cy, team, manager) = try await fixture.supportTeam(managerAssigned: false)
        _ = try await fixture.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer")
        if let role { _ = try await fixture.organization.assignProjectRole(role.id, toGroup: team.id, projectID: project.id) }
        return (cy, team, manager)
    }

    // MARK: Project roles

    @Test("a project role belongs to its project, holds project permissions and records the caller as its creator")
    func createdInProjectScope() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            #expect(role.resourceType == ResourceType.project)
            #expect(role.projectID == project.id)
            #expect(role.permissions == ["api.model.request"])
            #expect(role.createdBy?.id == fixture.owner.id)
            #expect(try await fixture.organization.projectRole(id: role.id, projectID: project.id) == role)
        }
    }

    @Test("an organization permission in a project role is refused naming permissions, and a project permission in an organization role")
    func permissionsComeFromTheScopesCatalogue() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let error = await expectServiceError(.invalidRequest, code: "unknown_permission", param: "permissions") {
                _ = try await fixture.organization.createProjectRole(
                    projectID: project.id, name: "Admin", permissions: ["api.users.write"], description: nil, by: fixture.caller)
            }
            #expect(error?.message.contains("organization permission") == true)
            await expectServiceError(.invalidRequest, param: "permissions") {
                _ = try await fixture.organization.updateProjectRole(
                    id: role.id, projectID: project.id, name: nil, permissions: ["api.groups.read"], description: nil)
            }
            await expectServiceError(.invalidRequest, param: "permissions") {
                _ = try await fixture.organization.createRole(
                    name: "Caller", permissions: ["api.model.request"], description: nil, by: fixture.caller)
            }
        }
    }

    @Test("project role names are unique within a project, but another project or the organization may reuse them")
    func namesAreUniquePerProject() async throws {
        try await Fixture.with { fixture async throws in
            let (apollo, _) = try await project(fixture)
            await expectConflict {
                _ = try await fixture.organization.createProjectRole(
                    projectID: apollo.id, name: "model user", permissions: [], description: nil, by: fixture.caller)
            }
            await expectConflict {
                _ = try await fixture.organization.createProjectRole(
                    projectID: apollo.id, name: "Viewer", permissions: [], description: nil, by: fixture.caller)
            }
            let (gemini, _) = try await project(fixture, "Gemini")
            #expect(try await fixture.organization.projectRoles(projectID: gemini.id, page: Self.page).items.contains { $0.name == "Model User" })
            _ = try await fixture.organization.createRole(name: "Model User", permissions: [], description: nil, by: fixture.caller)
        }
    }

    @Test("the predefined project roles owner, member and viewer can be neither updated nor deleted")
    func predefinedProjectRolesAreImmutable() async throws {
        try await Fixture.with { fixture async throws in
            let (project, _) = try await project(fixture)
            for name in ["owner", "member", "viewer"] {
                let role = try await predefined(name, of: project, fixture)
                await expectServiceError(.conflict, code: "predefined_role") {
                    _ = try await fixture.organization.updateProjectRole(
                        id: role.id, projectID: project.id, name: nil, permissions: nil, description: "changed")
                }
                await expectServiceError(.conflict, code: "predefined_role") {
                    try await fixture.organization.deleteProjectRole(id: role.id, projectID: project.id)
                }
                #expect(try await fixture.organization.projectRole(id: role.id, projectID: project.id) == role)
            }
        }
    }

    @Test("a role of another project or an organization role is not found through a project")
    func rolesOfOtherScopesAreNotFound() async throws {
        try await Fixture.with { fixture async throws in
            let (apollo, _) = try await project(fixture)
            let (_, geminiRole) = try await project(fixture, "Gemini")
            let organizationRole = try await fixture.role("Group Manager")
            for id in [geminiRole.id, organizationRole.id] {
                await expectNotFound { _ = try await fixture.organization.projectRole(id: id, projectID: apollo.id) }
                await expectNotFound {
                    _ = try await fixture.organization.updateProjectRole(
                        id: id, projectID: apollo.id, name: "Renamed", permissions: nil, description: nil)
                }
                await expectNotFound { try await fixture.organization.deleteProjectRole(id: id, projectID: apollo.id) }
            }
            await expectNotFound { _ = try await fixture.organization.role(id: geminiRole.id) }
        }
    }

    @Test("a project's role list holds its predefined roles and its own custom roles, and no organization role")
    func listShowsOnlyTheProjectsRoles() async throws {
        try await Fixture.with { fixture async throws in
            let (apollo, modelUser) = try await project(fixture)
            _ = try await project(fixture, "Gemini")
            let roles = try await fixture.organization.projectRoles(projectID: apollo.id, page: Self.page).items
            #expect(Set(roles.map(\.name)) == ["owner", "member", "viewer", "Model User"])
            #expect(roles.allSatisfy { $0.projectID == apollo.id && $0.resourceType == ResourceType.project })
            #expect(roles.contains(modelUser))
            #expect(try await !fixture.organization.roles(page: Self.page).items.contains { $0.projectID != nil })
            await expectNotFound { _ = try await fixture.organization.projectRoles(projectID: .make(.project), page: Self.page) }
        }
    }

    @Test("roles of an archived project can be read but not created, updated or deleted")
    func archivedProjectRolesAreReadOnly() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            _ = try await fixture.organization.archiveProject(id: project.id)
            await expectServiceError(.conflict, code: "project_archived") {
                _ = try await fixture.organization.createProjectRole(
                    projectID: project.id, name: "Late", permissions: [], description: nil, by: fixture.caller)
            }
            await expectServiceError(.conflict, code: "project_archived") {
                _ = try await fixture.organization.updateProjectRole(
                    id: role.id, projectID: project.id, name: nil, permissions: nil, description: "changed")
            }
            await expectServiceError(.conflict, code: "project_archived") {
                try await fixture.organization.deleteProjectRole(id: role.id, projectID: project.id)
            }
            #expect(try await fixture.organization.projectRole(id: role.id, projectID: project.id) == role)
        }
    }

    // MARK: Assignments

    @Test("a project role is assigned only to a member of the project, and the refusal says how to add them")
    func onlyMembersGetProjectRoles() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let bob = try await fixture.user("bob@example.com")
            let error = await expectServiceError(.conflict, code: "not_project_member") {
                _ = try await fixture.organization.assignProjectRole(role.id, toUser: bob.id, projectID: project.id)
            }
            #expect(error?.message.contains("POST /v1/organization/projects/\(project.id)/users") == true)
            _ = try await fixture.organization.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            let (user, assigned) = try await fixture.organization.assignProjectRole(role.id, toUser: bob.id, projectID: project.id)
            #expect(user.id == bob.id)
            #expect(assigned == role)
            let held = try await fixture.organization.projectRole(role.id, ofUser: bob.id, projectID: project.id)
            #expect(held.sources == [.user(bob.id)])
        }
    }

    @Test("members through a group with access, and organization owners, count as project members")
    func groupAccessAndOrganizationOwnersCount() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (cy, _, _) = try await supportTeam(in: project, fixture)
            _ = try await fixture.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id)
            let ada = try await fixture.user("ada@example.com")
            #expect(ada.role == .owner)
            _ = try await fixture.organization.assignProjectRole(role.id, toUser: ada.id, projectID: project.id)
            #expect(try await fixture.organization.projectRole(role.id, ofUser: ada.id, projectID: project.id).sources == [.user(ada.id)])
        }
    }

    @Test("a project role is assigned only to a group with access to the project")
    func onlyGroupsWithAccessGetProjectRoles() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (_, team, _) = try await fixture.supportTeam(managerAssigned: false)
            let error = await expectServiceError(.conflict, code: "no_project_access") {
                _ = try await fixture.organization.assignProjectRole(role.id, toGroup: team.id, projectID: project.id)
            }
            #expect(error?.message.contains("/groups") == true)
            _ = try await fixture.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer")
            let (group, assigned) = try await fixture.organization.assignProjectRole(role.id, toGroup: team.id, projectID: project.id)
            #expect(group.id == team.id)
            #expect(assigned == role)
            let names = try await fixture.organization.projectRoles(ofGroup: team.id, projectID: project.id, page: Self.page).items
                .map(\.role.name)
            #expect(Set(names) == ["viewer", "Model User"])
        }
    }

    @Test("a user's project roles include those held through groups with access, each with its sources")
    func inheritedProjectRolesAreListed() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (cy, team, _) = try await supportTeam(in: project, assigned: role, fixture)
            _ = try await fixture.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id)
            let held = try await fixture.organization.projectRoles(ofUser: cy.id, projectID: project.id, page: Self.page).items
            let modelUser = try #require(held.first { $0.role.id == role.id })
            #expect(modelUser.sources == [.user(cy.id), .group(team.id)])
            let viewer = try #require(held.first { $0.role.name == "viewer" })
            #expect(viewer.sources == [.group(team.id)])
            #expect(try await !fixture.organization.roles(ofUser: cy.id, page: Self.page).items.contains { $0.role.projectID != nil })
        }
    }

    @Test("unassigning a project role a user holds only through a group is refused, naming the group")
    func inheritedProjectRoleCannotBeUnassigned() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (cy, team, _) = try await supportTeam(in: project, assigned: role, fixture)
            let error = await expectServiceError(.conflict, code: "role_inherited") {
                try await fixture.organization.unassignProjectRole(role.id, fromUser: cy.id, projectID: project.id)
            }
            #expect(error?.message.contains("Support") == true)
            try await fixture.organization.unassignProjectRole(role.id, fromGroup: team.id, projectID: project.id)
            await expectNotFound { _ = try await fixture.organization.projectRole(role.id, ofUser: cy.id, projectID: project.id) }
            await expectNotFound { try await fixture.organization.unassignProjectRole(role.id, fromGroup: team.id, projectID: project.id) }
        }
    }

    @Test("assigning a predefined project role to a user replaces the one it held directly")
    func predefinedProjectRoleReplacesTheHeldOne() async throws {
        try await Fixture.with { fixture async throws in
            let (project, _) = try await project(fixture)
            let bob = try await fixture.user("bob@example.com")
            _ = try await fixture.organization.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            let viewer = try await predefined("viewer", of: project, fixture)
            _ = try await fixture.organization.assignProjectRole(viewer.id, toUser: bob.id, projectID: project.id)
            let names = try await fixture.organization.projectRoles(ofUser: bob.id, projectID: project.id, page: Self.page).items
                .map(\.role.name)
            #expect(names == ["viewer"])
            #expect(try await fixture.organization.projectMember(projectID: project.id, userID: bob.id).role == .viewer)
        }
    }

    @Test("the predefined project role of a project user is changed through the project's users, not unassigned")
    func projectUsersPredefinedRoleCannotBeUnassigned() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let bob = try await fixture.user("bob@example.com")
            _ = try await fixture.organization.addProjectMember(projectID: project.id, userID: bob.id, email: nil, role: "member")
            let member = try await predefined("member", of: project, fixture)
            await expectServiceError(.conflict, code: "predefined_role") {
                try await fixture.organization.unassignProjectRole(member.id, fromUser: bob.id, projectID: project.id)
            }
            _ = try await fixture.organization.assignProjectRole(role.id, toUser: bob.id, projectID: project.id)
            try await fixture.organization.unassignProjectRole(role.id, fromUser: bob.id, projectID: project.id)
            await expectNotFound { try await fixture.organization.unassignProjectRole(role.id, fromUser: bob.id, projectID: project.id) }
        }
    }

    @Test("a role of another project or an organization role cannot be assigned through a project")
    func foreignRolesCannotBeAssigned() async throws {
        try await Fixture.with { fixture async throws in
            let (apollo, _) = try await project(fixture)
            let (_, geminiRole) = try await project(fixture, "Gemini")
            let ada = try await fixture.user("ada@example.com")
            let (_, team, manager) = try await supportTeam(in: apollo, fixture)
            for id in [geminiRole.id, manager.id] {
                await expectNotFound { _ = try await fixture.organization.assignProjectRole(id, toUser: ada.id, projectID: apollo.id) }
                await expectNotFound { _ = try await fixture.organization.assignProjectRole(id, toGroup: team.id, projectID: apollo.id) }
                await expectNotFound { _ = try await fixture.organization.projectRole(id, ofGroup: team.id, projectID: apollo.id) }
            }
        }
    }

    @Test("project role assignments cannot change in an archived project, and can still be read")
    func archivedProjectAssignmentsAreReadOnly() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (cy, team, _) = try await supportTeam(in: project, assigned: role, fixture)
            _ = try await fixture.organization.archiveProject(id: project.id)
            await expectServiceError(.conflict, code: "project_archived") {
                _ = try await fixture.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id)
            }
            await expectServiceError(.conflict, code: "project_archived") {
                try await fixture.organization.unassignProjectRole(role.id, fromGroup: team.id, projectID: project.id)
            }
            await expectServiceError(.conflict, code: "project_archived") {
                try await fixture.organization.unassignProjectRole(role.id, fromUser: cy.id, projectID: project.id)
            }
            #expect(try await fixture.organization.projectRole(role.id, ofGroup: team.id, projectID: project.id).role == role)
        }
    }

    @Test("deleting a project role removes its assignments to users and groups")
    func deletingAProjectRoleRemovesItsAssignments() async throws {
        try await Fixture.with { fixture async throws in
            let (project, role) = try await project(fixture)
            let (cy, _, _) = try await supportTeam(in: project, assigned: role, fixture)
            _ = try await fixture.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id)
            try await fixture.organization.deleteProjectRole(id: role.id, projectID: project.id)
            let held = try await fixture.organization.projectRoles(ofUser: cy.id, projectID: project.id, page: Self.page).items
            #expect(held.map(\.role.name) == ["viewer"])
        }
    }
}
