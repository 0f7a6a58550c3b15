import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    /// The latest revision the store has committed.
    static func latestRevision(_ store: any Datastore) async throws -> Int {
        try await store.read { try await $0.latestRevision() }
    }

    static let policyContracts: [StoreContract] = [
        contract("every committed write gets a revision larger than before; a rolled-back write gets none") { store in
            struct Abort: Error {}
            let start = try await latestRevision(store)
            try await store.withTransaction { try await $0.insertGroup(group("one")) }
            let one = try await latestRevision(store)
            #expect(one > start)
            try? await store.withTransaction { tx in
                try await tx.insertGroup(group("never"))
                throw Abort()
            }
            #expect(try await latestRevision(store) == one)
            try await store.withTransaction { try await $0.insertGroup(group("two")) }
            #expect(try await latestRevision(store) == one + 1)
        },
        contract("the change feed names the users, groups, roles, keys and projects each write touched") { store in
            let (ada, team, reader) = (user("ada"), group("team"), role("reader-ish"))
            let start = try await latestRevision(store)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertRole(reader)
            }
            let created = try await latestRevision(store)
            try await store.withTransaction { tx in
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.assign(roleID: reader.id, to: .group(team.id))
            }
            let key = AdminKey(id: .make(.adminKey), name: "k", ownerID: ada.id, redactedValue: "sk-admin-...", createdAt: t0)
            try await store.withTransaction { try await $0.insertKey(key, secretHash: [7, 7]) }
            let all = try await store.read { try await $0.changes(after: start, limit: 100) }
            #expect(all.entities == [.user(ada.id), .group(team.id), .role(reader.id), .key(key.id)])
            let later = try await store.read { try await $0.changes(after: created, limit: 100) }
            #expect(later.entities == [.user(ada.id), .group(team.id), .key(key.id)])
            #expect(try await store.read { try await $0.changes(after: created, limit: 2) }.entities == nil)
            let ahead = try await store.read { try await $0.changes(after: all.revision + 5, limit: 100) }
            #expect(ahead.revision == all.revision)
            #expect(ahead.entities == [])
        },
        contract("policy records hold the selected entities with their assignments and memberships, and leave out deleted ones") { store in
            let (ada, bob, team, reader) = (user("ada"), user("bob"), group("team"), role("reader-ish"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertUser(bob)
                try await tx.insertGroup(team)
                try await tx.insertRole(reader)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.assign(roleID: reader.id, to: .group(team.id))
                _ = try await tx.assign(roleID: reader.id, to: .user(bob.id))
                try await tx.deleteUser(id: bob.id)
            }
            let selected = try await store.read {
                try await $0.policyRecords(PolicySelection([.user(ada.id), .user(bob.id), .group(team.id), .role(reader.id)]))
            }
            #expect(selected.users.map(\.id) == [ada.id])
            #expect(selected.memberships.map(\.group) == [team.id])
            #expect(selected.groups.map(\.id) == [team.id])
            #expect(selected.groupRoles.map(\.role) == [reader.id])
            #expect(selected.roles.map(\.id) == [reader.id])
            #expect(selected.userRoles.allSatisfy { $0.user == ada.id })
            let everything = try await store.read { try await $0.policyRecords(nil) }
            #expect(everything.users.contains { $0.id == ada.id })
            #expect(everything.memberships.contains { $0.user == ada.id && $0.group == team.id })
        },
        contract("pruning keeps the latest revision, and a policy behind the pruned ones is told to load whole") { store in
            try await store.withTransaction { try await $0.insertGroup(group("one")) }
            let one = try await latestRevision(store)
            try await store.withTransaction { try await $0.insertGroup(group("two")) }
            try await store.withTransaction { try await $0.insertGroup(group("three")) }
            let latest = try await latestRevision(store)
            try await store.withTransaction { try await $0.pruneChanges(committedBefore: Int.max) }
            #expect(try await latestRevision(store) == latest)
            #expect(try await store.read { try await $0.changes(after: one - 1, limit: 100) }.entities == nil)
            #expect(try await store.read { try await $0.changes(after: latest - 1, limit: 100) }.entities != nil)
            try await store.withTransaction { try await $0.insertGroup(group("four")) }
            #expect(try await latestRevision(store) == latest + 1)
        },
    ]
}
