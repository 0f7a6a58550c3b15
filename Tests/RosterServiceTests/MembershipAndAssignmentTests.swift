import RosterModel
import RosterService
import RosterStore
import Testing

@Suite struct MembershipAndAssignmentTests {
    @Test("a SCIM-managed group cannot be renamed, deleted or have its members changed, but can be given roles")
    func scimManagedGroups() async throws {
        try await Fixture.with { fixture async throws in
            let group = try await fixture.group("IdP Engineering")
            let (ada, bob) = (try await fixture.user("ada@example.com"), try await fixture.user("bob@example.com"))
            let org = fixture.organization
            for attempt: () async throws -> Void in [
                { _ = try await org.renameGroup(id: group.id, to: "Renamed") },
                { try await org.deleteGroup(id: group.id) },
                { try await org.addMember(groupID: group.id, userID: bob.id) },
                { try await org.removeMember(groupID: group.id, userID: ada.id) },
            ] {
                let error = await expectServiceError(.conflict, code: "scim_managed", attempt)
                #expect(error?.message.contains("identity provider") == true)
            }
            #expect(try await org.members(groupID: group.id, page: PageRequest(limit: 10)).items.map(\.id) == [ada.id])
            _ = try await org.assignRole(try await fixture.role("Group Manager").id, toGroup: group.id)
            #expect(try await org.roles(ofGroup: group.id, page: PageRequest(limit: 10)).items.map(\.role.name) == ["Group Manager"])
        }
    }

    @Test("a user's roles include those of its groups, with where each comes from")
    func inheritedRoles() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let (cy, team, manager) = try await fixture.supportTeam(managerAssigned: true)
            let roles = try await org.roles(ofUser: cy.id, page: PageRequest(limit: 10)).items
            #expect(roles.map(\.role.name) == ["reader", "Group Manager"])
            #expect(roles.last?.sources == [.group(team.id)])
            _ = try await org.assignRole(manager.id, toUser: cy.id)
            #expect(try await org.role(manager.id, ofUser: cy.id).sources == [.user(cy.id), .group(team.id)])
        }
    }

    @Test("unassigning a role the user holds only through a group is refused, naming the group")
    func unassignInherited() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let (cy, team, manager) = try await fixture.supportTeam(managerAssigned: true)
            let error = await expectServiceError(.conflict, code: "role_inherited") { try await org.unassignRole(manager.id, fromUser: cy.id) }
            #expect(error?.message.contains(team.id.rawValue) == true)
            #expect(error?.message.contains("Support") == true)
            // Held directly as well: the direct assignment goes, the inherited one stays.
            _ = try await org.assignRole(manager.id, toUser: cy.id)
            try await org.unassignRole(manager.id, fromUser: cy.id)
            #expect(try await org.role(manager.id, ofUser: cy.id).sources == [.group(team.id)])
        }
    }

    @Test("removing something that is not there is not-found")
    func removingWhatIsNotThere() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let cy = try await fixture.user("cy@example.com")
            let team = try await org.createGroup(name: "Support")
            let manager = try await fixture.role("Group Manager")
            await expectNotFound { try await org.removeMember(groupID: team.id, userID: cy.id) }
            await expectNotFound { try await org.unassignRole(manager.id, fromUser: cy.id) }
            await expectNotFound { try await org.unassignRole(manager.id, fromGroup: team.id) }
            await expectNotFound { _ = try await org.member(groupID: team.id, userID: cy.id) }
            await expectNotFound { _ = try await org.role(manager.id, ofGroup: team.id) }
            await expectNotFound { try await org.deleteGroup(id: .make(.group)) }
            await expectNotFound { try await org.deleteUser(id: .make(.user)) }
        }
    }

    @Test("adding a member or assigning a role twice, even concurrently, leaves exactly one")
    func idempotentWrites() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let cy = try await fixture.user("cy@example.com")
            let team = try await org.createGroup(name: "Support")
            let manager = try await fixture.role("Group Manager")
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for _ in 0..<16 {
                    tasks.addTask { try await org.addMember(groupID: team.id, userID: cy.id) }
                    tasks.addTask { _ = try await org.assignRole(manager.id, toUser: cy.id) }
                    tasks.addTask { _ = try await org.assignRole(manager.id, toGroup: team.id) }
                }
                try await tasks.waitForAll()
            }
            #expect(try await org.members(groupID: team.id, page: PageRequest(limit: 10)).items.count == 1)
            #expect(try await org.roles(ofGroup: team.id, page: PageRequest(limit: 10)).items.count == 1)
            #expect(try await org.role(manager.id, ofUser: cy.id).sources == [.user(cy.id), .group(team.id)])
        }
    }

    @Test("deleting a group takes its memberships and the roles its members inherited through it")
    func deleteGroupCascades() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let (cy, team, _) = try await fixture.supportTeam(managerAssigned: true)
            try await org.deleteGroup(id: team.id)
            #expect(try await org.roles(ofUser: cy.id, page: PageRequest(limit: 10)).items.map(\.role.name) == ["reader"])
            await expectNotFound { _ = try await org.group(id: team.id) }
        }
    }

    @Test("deleting a role removes it from every user and group")
    func deleteRoleCascades() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let bob = try await fixture.user("bob@example.com")
            let team = try await org.createGroup(name: "Support")
            let manager = try await fixture.role("Group Manager")
            _ = try await org.assignRole(manager.id, toGroup: team.id)
            try await org.deleteRole(id: manager.id)
            #expect(try await org.roles(ofUser: bob.id, page: PageRequest(limit: 10)).items.map(\.role.name) == ["reader"])
            #expect(try await org.roles(ofGroup: team.id, page: PageRequest(limit: 10)).items.isEmpty)
        }
    }

    @Test("deleting a user removes its memberships and assignments")
    func deleteUserCascades() async throws {
        try await Fixture.with { fixture async throws in
            let org = fixture.organization
            let bob = try await fixture.user("bob@example.com")
            let team = try await org.createGroup(name: "Support")
            try await org.addMember(groupID: team.id, userID: bob.id)
            try await org.deleteUser(id: bob.id)
            #expect(try await org.members(groupID: team.id, page: PageRequest(limit: 10)).items.isEmpty)
            await expectNotFound { _ = try await org.roles(ofUser: bob.id, page: PageRequest(limit: 10)) }
        }
    }
}
