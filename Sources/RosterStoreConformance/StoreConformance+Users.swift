import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let userContracts: [StoreContract] = [
        contract("an inserted user reads back with its predefined role") { store in
            let ada = user("ada", role: .owner)
            try await store.withTransaction { try await $0.insertUser(ada) }
            let read = try await store.read { try await $0.user(id: ada.id) }
            #expect(read == ada)
            #expect(try await store.read { try await $0.user(email: "ADA@example.com") }?.id == ada.id)
        },
        contract("insertUser throws conflict for an email already taken, in any case") { store in
            try await store.withTransaction { try await $0.insertUser(user("ada")) }
            await expectConflict {
                try await store.withTransaction {
                    try await $0.insertUser(User(id: .make(.user), email: "Ada@Example.com", name: "Other", addedAt: t0))
                }
            }
        },
        contract("user(id:) throws notFound for an unknown user") { store in
            await expectNotFound { _ = try await store.read { try await $0.user(id: .make(.user)) } }
        },
        contract("users pages by identifier in both orders, seeking past the cursor") { store in
            let users = (0..<5).map { user("user\($0)") }
            try await store.withTransaction { tx in for user in users { try await tx.insertUser(user) } }
            let first = try await store.read { try await $0.users(emails: nil, includeInactive: true, page: PageRequest(limit: 2)) }
            #expect(first.items.map(\.id) == users[0..<2].map(\.id))
            #expect(first.hasMore)
            let last = try await store.read { try await $0.users(emails: nil, includeInactive: true, page: PageRequest(limit: 2, after: users[3].id)) }
            #expect(last.items.map(\.id) == [users[4].id])
            #expect(!last.hasMore)
            let descending = try await store.read {
                try await $0.users(emails: nil, includeInactive: true, page: PageRequest(limit: 10, after: users[2].id, order: .descending))
            }
            #expect(descending.items.map(\.id) == [users[1].id, users[0].id])
            let none = try await store.read { try await $0.users(emails: nil, includeInactive: true, page: PageRequest(limit: 0)) }
            #expect(none.items.isEmpty && none.hasMore)
        },
        contract("users filters by email, case-insensitively") { store in
            let (ada, bob, cy) = (user("ada"), user("bob"), user("cy"))
            try await store.withTransaction { tx in for user in [ada, bob, cy] { try await tx.insertUser(user) } }
            let page = try await store.read {
                try await $0.users(emails: ["CY@example.com", "ada@example.com", "nobody@example.com"], includeInactive: true, page: PageRequest(limit: 10))
            }
            #expect(page.items.map(\.id) == [ada.id, cy.id])
        },
        contract("updateUser saves metadata and throws notFound for an unknown user") { store in
            var ada = user("ada")
            try await store.withTransaction { try await $0.insertUser(ada) }
            ada.technicalLevel = "expert"
            let updated = ada
            try await store.withTransaction { try await $0.updateUser(updated) }
            let saved = try await store.read { try await $0.user(id: updated.id) }
            #expect(saved.technicalLevel == "expert")
            await expectNotFound { try await store.withTransaction { try await $0.updateUser(user("ghost")) } }
        },
        contract("deleteUser removes the user's memberships, assignments and keys, and forgets it as a role's creator") { store in
            let ada = user("ada")
            let team = group("team")
            let custom = role("custom", by: ada)
            let key = AdminKey(id: .make(.adminKey), name: "k", ownerID: ada.id, redactedValue: "sk...", createdAt: t0)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertRole(custom)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                _ = try await tx.assign(roleID: custom.id, to: .user(ada.id))
                try await tx.insertKey(key, secretHash: [1, 2, 3])
            }
            try await store.withTransaction { try await $0.deleteUser(id: ada.id) }
            try await store.read { tx async throws in
                #expect(try await tx.allMembers(groupID: team.id).isEmpty)
                #expect(try await tx.key(secretHash: [1, 2, 3]) == nil)
                #expect(try await tx.role(id: custom.id).createdBy == nil)
            }
            await expectNotFound { try await store.withTransaction { try await $0.deleteUser(id: ada.id) } }
        },
        contract("firstOwner is the earliest active user holding owner directly") { store in
            #expect(try await store.read { try await $0.firstOwner() } == nil)
            let (reader, owner, later) = (user("reader"), user("owner", role: .owner), user("later", role: .owner))
            try await store.withTransaction { tx in for user in [reader, owner, later] { try await tx.insertUser(user) } }
            #expect(try await store.read { try await $0.firstOwner() }?.id == owner.id)
            var deactivated = owner
            deactivated.isActive = false
            try await store.withTransaction { try await $0.updateUser(deactivated) }
            #expect(try await store.read { try await $0.firstOwner() }?.id == later.id)
        },
        contract("activeOwnerCount counts the active users holding owner directly") { store in
            #expect(try await store.read { try await $0.activeOwnerCount() } == 0)
            let (reader, owner) = (user("reader"), user("owner", role: .owner))
            var other = user("other", role: .owner)
            let team = group("team")
            try await store.withTransaction { tx in
                for user in [reader, owner, other] { try await tx.insertUser(user) }
                try await tx.insertGroup(team)
                _ = try await tx.addMember(groupID: team.id, userID: reader.id)
                _ = try await tx.assign(roleID: try await tx.role(predefined: .owner).id, to: .group(team.id))
            }
            #expect(try await store.read { try await $0.activeOwnerCount() } == 2, "an owner through a group does not count")
            other.isActive = false
            try await store.withTransaction { [other] in try await $0.updateUser(other) }
            #expect(try await store.read { try await $0.activeOwnerCount() } == 1, "a deactivated owner does not count")
        },
    ]
}
