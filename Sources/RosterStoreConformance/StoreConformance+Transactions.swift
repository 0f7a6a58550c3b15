import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let transactionContracts: [StoreContract] = [
        contract("a transaction that throws leaves nothing behind") { store in
            struct Abort: Error {}
            let ada = user("ada")
            do {
                try await store.withTransaction { tx in
                    try await tx.insertUser(ada)
                    try await tx.insertGroup(group("team"))
                    throw Abort()
                }
            } catch is Abort {}
            await expectNotFound { _ = try await store.read { try await $0.user(id: ada.id) } }
            #expect(try await store.read { try await $0.group(name: "team") } == nil)
        },
        contract("a failed statement rolls back the whole transaction") { store in
            let ada = user("ada")
            try await store.withTransaction { try await $0.insertUser(ada) }
            let team = group("team")
            await expectConflict {
                try await store.withTransaction { tx in
                    try await tx.insertGroup(team)
                    try await tx.insertUser(User(id: .make(.user), email: ada.email, name: "dup", addedAt: t0))
                }
            }
            #expect(try await store.read { try await $0.group(name: "team") } == nil)
        },
        contract("concurrent transactions adding the same member leave exactly one membership") { store in
            let (ada, team) = (user("ada"), group("team"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
            }
            let added = try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for _ in 0..<20 {
                    tasks.addTask { try await store.withTransaction { try await $0.addMember(groupID: team.id, userID: ada.id) } }
                }
                return try await tasks.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(added == 1)
            #expect(try await store.read { try await $0.allMembers(groupID: team.id) }.count == 1)
        },
    ]
}
