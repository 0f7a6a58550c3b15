import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let scimContracts: [StoreContract] = [
        contract("a user's user name defaults to its email and is unique, case-insensitively") { store in
            let ada = user("ada")
            #expect(ada.userName == ada.email)
            try await store.withTransaction { try await $0.insertUser(ada) }
            #expect(try await store.read { try await $0.user(userName: "ADA@example.com") }?.id == ada.id)
            let clash = User(id: .make(.user), email: "other@example.com", name: "Other", addedAt: t0, userName: "Ada@Example.com")
            await expectConflict { try await store.withTransaction { try await $0.insertUser(clash) } }
        },
        contract("updateUser saves the SCIM fields and bumps the version") { store in
            var ada = user("ada")
            try await store.withTransaction { [ada] in try await $0.insertUser(ada) }
            ada.userName = "ada.lovelace"
            ada.externalID = "00u1"
            ada.isActive = false
            ada.isSCIMManaged = true
            ada.updatedAt = t0 + 5
            let changed = ada
            try await store.withTransaction { try await $0.updateUser(changed) }
            let saved = try await store.read { try await $0.user(id: changed.id) }
            #expect(saved.userName == "ada.lovelace")
            #expect(saved.externalID == "00u1")
            #expect(!saved.isActive && saved.isSCIMManaged)
            #expect(saved.version == 2)
            #expect(saved.updatedAt == t0 + 5)
            #expect(try await store.read { try await $0.users(externalID: "00u1") }.map(\.id) == [changed.id])
        },
        contract("deactivated users are left out of the users list unless asked for") { store in
            var (ada, bob) = (user("ada"), user("bob"))
            bob.isActive = false
            try await store.withTransaction { [ada, bob] tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(bob)
            }
            let active = try await store.read { try await $0.users(emails: nil, includeInactive: false, page: PageRequest(limit: 10)) }
            #expect(active.items.map(\.id) == [ada.id])
            let all = try await store.read { try await $0.users(emails: nil, includeInactive: true, page: PageRequest(limit: 10)) }
            #expect(all.items.map(\.id) == [ada.id, bob.id])
        },
        contract("users and groups page by position for SCIM, and count themselves") { store in
            let users = (0..<5).map { user("u\($0)") }
            let groups = (0..<3).map { group("g\($0)") }
            try await store.withTransaction { tx in
                for user in users { try await tx.insertUser(user) }
                for group in groups { try await tx.insertGroup(group) }
            }
            #expect(try await store.read { try await $0.userCount() } == 5)
            #expect(try await store.read { try await $0.users(offset: 3, limit: 10) }.map(\.id) == [users[3].id, users[4].id])
            #expect(try await store.read { try await $0.groupCount() } == 3)
            #expect(try await store.read { try await $0.groups(offset: 1, limit: 1) }.map(\.id) == [groups[1].id])
        },
        contract("SCIM attributes are stored per user and cleared with nil") { store in
            let (ada, bob) = (user("ada"), user("bob"))
            let attributes: JSON = .object([("title", "Engineer"), ("emails", .array([.object([("value", "ada@example.com")])]))])
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(bob)
                try await tx.setSCIMAttributes(attributes, ofUser: ada.id)
            }
            let read = try await store.read { try await $0.scimAttributes(ofUsers: [ada.id, bob.id]) }
            #expect(read[ada.id]?[member: "title"] == "Engineer")
            #expect(read[bob.id] == nil)
            try await store.withTransaction { try await $0.setSCIMAttributes(nil, ofUser: ada.id) }
            #expect(try await store.read { try await $0.scimAttributes(ofUsers: [ada.id]) }.isEmpty)
            await expectNotFound { try await store.withTransaction { try await $0.setSCIMAttributes(attributes, ofUser: .make(.user)) } }
        },
        contract("membership changes bump the group's version; groups and members are read for many at once") { store in
            let (ada, bob) = (user("ada"), user("bob"))
            let (team, ops) = (group("team"), group("ops"))
            try await store.withTransaction { tx in
                for user in [ada, bob] { try await tx.insertUser(user) }
                for group in [team, ops] { try await tx.insertGroup(group) }
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.addMember(groupID: team.id, userID: bob.id)
                _ = try await tx.addMember(groupID: ops.id, userID: ada.id)
            }
            #expect(try await store.read { try await $0.group(id: team.id) }.version == 3)
            _ = try await store.withTransaction { try await $0.addMember(groupID: team.id, userID: ada.id) }
            #expect(try await store.read { try await $0.group(id: team.id) }.version == 3, "a repeated add changes nothing")
            let members = try await store.read { try await $0.members(ofGroups: [team.id, ops.id]) }
            #expect(members[team.id]?.map(\.id) == [ada.id, bob.id])
            #expect(members[ops.id]?.map(\.id) == [ada.id])
            let groupsOfUsers = try await store.read { try await $0.groups(ofUsers: [ada.id, bob.id]) }
            #expect(groupsOfUsers[ada.id]?.map(\.id) == [team.id, ops.id])
            #expect(groupsOfUsers[bob.id]?.map(\.id) == [team.id])
        },
        contract("updateGroup saves the external id and SCIM ownership and bumps the version") { store in
            var team = group("team")
            try await store.withTransaction { [team] in try await $0.insertGroup(team) }
            team.externalID = "okta-42"
            team.isSCIMManaged = true
            let changed = team
            try await store.withTransaction { try await $0.updateGroup(changed) }
            let saved = try await store.read { try await $0.group(id: changed.id) }
            #expect(saved.externalID == "okta-42" && saved.isSCIMManaged && saved.version == 2)
            #expect(try await store.read { try await $0.groups(externalID: "okta-42") }.map(\.id) == [changed.id])
        },
    ]
}
