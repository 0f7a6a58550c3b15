import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let groupContracts: [StoreContract] = [
        contract("an inserted group reads back by id and by name") { store in
            let team = group("Team", scim: true)
            try await store.withTransaction { try await $0.insertGroup(team) }
            #expect(try await store.read { try await $0.group(id: team.id) } == team)
            #expect(try await store.read { try await $0.group(name: "team") } == team)
            await expectNotFound { _ = try await store.read { try await $0.group(id: .make(.group)) } }
        },
        contract("group names are unique, case-insensitively, on insert and on rename") { store in
            var other = group("Other")
            try await store.withTransaction { tx in
                try await tx.insertGroup(group("Team"))
                try await tx.insertGroup(other)
            }
            await expectConflict { try await store.withTransaction { try await $0.insertGroup(group("TEAM")) } }
            other.name = "team"
            await expectConflict { try await store.withTransaction { [other] in try await $0.updateGroup(other) } }
        },
        contract("groups pages by identifier") { store in
            let groups = (0..<3).map { group("g\($0)") }
            try await store.withTransaction { tx in for group in groups { try await tx.insertGroup(group) } }
            let page = try await store.read { try await $0.groups(page: PageRequest(limit: 2, after: groups[0].id)) }
            #expect(page.items.map(\.id) == [groups[1].id, groups[2].id])
            #expect(!page.hasMore)
        },
        contract("addMember adds once and reports a repeat as no change") { store in
            let (ada, team) = (user("ada"), group("team"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
            }
            #expect(try await store.withTransaction { try await $0.addMember(groupID: team.id, userID: ada.id) })
            #expect(try await !store.withTransaction { try await $0.addMember(groupID: team.id, userID: ada.id) })
            #expect(try await store.read { try await $0.allMembers(groupID: team.id) }.map(\.id) == [ada.id])
            #expect(try await store.read { try await $0.isMember(groupID: team.id, userID: ada.id) })
            #expect(try await store.read { try await $0.groups(ofUsers: [ada.id])[ada.id] }?.map(\.id) == [team.id])
        },
        contract("addMember throws notFound for an unknown group or user") { store in
            let (ada, team) = (user("ada"), group("team"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
            }
            await expectNotFound { _ = try await store.withTransaction { try await $0.addMember(groupID: team.id, userID: .make(.user)) } }
            await expectNotFound { _ = try await store.withTransaction { try await $0.addMember(groupID: .make(.group), userID: ada.id) } }
        },
        contract("removeMember reports whether the user was a member") { store in
            let (ada, team) = (user("ada"), group("team"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
            }
            #expect(try await store.withTransaction { try await $0.removeMember(groupID: team.id, userID: ada.id) })
            #expect(try await !store.withTransaction { try await $0.removeMember(groupID: team.id, userID: ada.id) })
        },
        contract("members pages by user identifier, newest first when descending") { store in
            let team = group("team")
            let users = (0..<4).map { user("m\($0)") }
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                for user in users {
                    try await tx.insertUser(user)
                    _ = try await tx.addMember(groupID: team.id, userID: user.id)
                }
            }
            let page = try await store.read {
                try await $0.members(groupID: team.id, page: PageRequest(limit: 2, after: users[3].id, order: .descending))
            }
            #expect(page.items.map(\.id) == [users[2].id, users[1].id])
            #expect(page.hasMore)
        },
        contract("deleteGroup removes its memberships and role assignments") { store in
            let (ada, team, custom) = (user("ada"), group("team"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertRole(custom)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.assign(roleID: custom.id, to: .group(team.id))
            }
            try await store.withTransaction { try await $0.deleteGroup(id: team.id) }
            try await store.read { tx async throws in
                #expect(try await tx.groups(ofUsers: [ada.id])[ada.id, default: []].isEmpty)
                #expect(try await tx.assignedRole(custom.id, user: ada.id) == nil)
            }
            await expectNotFound { try await store.withTransaction { try await $0.deleteGroup(id: team.id) } }
        },
    ]
}
