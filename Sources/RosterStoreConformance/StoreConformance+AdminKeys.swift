import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static func adminKey(_ name: String, of owner: User, createdAt: Int = t0, expiresAt: Int? = nil) -> AdminKey {
        AdminKey(
            id: .make(.adminKey), name: name, ownerID: owner.id, redactedValue: "sk-admin-abcd...wxyz", createdAt: createdAt,
            expiresAt: expiresAt)
    }

    /// A user named `ada` with the keys named `names`, inserted in that order (so in identifier order).
    static func keysOfAda(_ names: [String], in store: any Datastore) async throws -> (ada: User, keys: [AdminKey]) {
        let ada = user("ada")
        let keys = names.map { adminKey($0, of: ada) }
        try await store.withTransaction { tx in
            try await tx.insertUser(ada)
            for (index, key) in keys.enumerated() { try await tx.insertKey(key, secretHash: [UInt8(index), 1]) }
        }
        return (ada, keys)
    }

    static let keyContracts: [StoreContract] = [
        contract("a key is found by the hash of its secret, and only by it") { store in
            let ada = user("ada")
            let key = AdminKey(id: .make(.adminKey), name: "ci", ownerID: ada.id, redactedValue: "sk-a...wxyz", createdAt: t0)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertKey(key, secretHash: [9, 8, 7])
            }
            let found = try await store.read { try await $0.key(secretHash: [9, 8, 7]) }
            #expect(found?.key == key)
            #expect(found?.storedHash == [9, 8, 7])
            #expect(try await store.read { try await $0.key(secretHash: [9, 8]) } == nil)
            #expect(try await store.read { try await $0.keyCount() } == 1)
            await expectConflict {
                try await store.withTransaction { tx in
                    try await tx.insertKey(
                        AdminKey(id: .make(.adminKey), name: "dup", ownerID: ada.id, redactedValue: "x", createdAt: t0),
                        secretHash: [9, 8, 7])
                }
            }
        },
        contract("insertKey keeps the expiry and last use, and throws notFound for an unknown owner") { store in
            let ada = user("ada")
            var key = adminKey("expiring", of: ada, expiresAt: t0 + 60)
            key.lastUsedAt = t0 + 5
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertKey(key, secretHash: [4, 2])
            }
            #expect(try await store.read { try await $0.key(id: key.id) } == key)
            #expect(try await store.read { try await $0.key(secretHash: [4, 2]) }?.key == key)
            await expectNotFound {
                try await store.withTransaction { try await $0.insertKey(adminKey("orphan", of: user("ghost")), secretHash: [4, 3]) }
            }
        },
        contract("keys(ownerID:) lists one user's keys by identifier") { store in
            let (ada, keys) = try await keysOfAda(["one", "two"], in: store)
            let grace = user("grace")
            try await store.withTransaction { tx in
                try await tx.insertUser(grace)
                try await tx.insertKey(adminKey("grace's", of: grace), secretHash: [7, 7])
            }
            #expect(try await store.read { try await $0.keys(ownerID: ada.id) }.map(\.id) == keys.map(\.id))
            #expect(try await store.read { try await $0.keys(ownerID: user("nobody").id) }.isEmpty)
        },
        contract("updateKey saves owner, name, scopes and expiry; scopes read back as saved") { store in
            let (_, keys) = try await keysOfAda(["one"], in: store)
            let grace = user("grace")
            try await store.withTransaction { try await $0.insertUser(grace) }
            var key = keys[0]
            key.ownerID = grace.id
            key.name = "renamed"
            key.scopes = ["api.groups.read", "api.model.request"]
            key.expiresAt = t0 + 100
            try await store.withTransaction { try await $0.updateKey(key) }
            #expect(try await store.read { try await $0.key(id: key.id) } == key)
            key.scopes = nil
            try await store.withTransaction { try await $0.updateKey(key) }
            #expect(try await store.read { try await $0.key(id: key.id) }.scopes == nil)
            await expectNotFound { try await store.withTransaction { try await $0.updateKey(adminKey("ghost", of: grace)) } }
            var orphan = key
            orphan.ownerID = user("nobody").id
            await expectNotFound { try await store.withTransaction { try await $0.updateKey(orphan) } }
        },
        contract("key(id:) throws notFound for an unknown key") { store in
            _ = try await keysOfAda(["one"], in: store)
            await expectNotFound { _ = try await store.read { try await $0.key(id: .make(.adminKey)) } }
        },
        contract("keys pages every key by identifier, in both orders") { store in
            let (_, keys) = try await keysOfAda(["a", "b", "c"], in: store)
            let ids = keys.map(\.id)
            let first = try await store.read { try await $0.keys(page: PageRequest(limit: 2)) }
            #expect(first.items.map(\.id) == Array(ids.prefix(2)))
            #expect(first.hasMore)
            let rest = try await store.read { try await $0.keys(page: PageRequest(limit: 2, after: ids[1])) }
            #expect(rest.items == [keys[2]])
            #expect(!rest.hasMore)
            let newest = try await store.read { try await $0.keys(page: PageRequest(limit: 2, order: .descending)) }
            #expect(newest.items.map(\.id) == [ids[2], ids[1]])
            let older = try await store.read { try await $0.keys(page: PageRequest(limit: 5, after: ids[1], order: .descending)) }
            #expect(older.items.map(\.id) == [ids[0]])
            #expect(!older.hasMore)
        },
        contract("deleteKey removes the key, so its secret finds nothing, and throws notFound the second time") { store in
            let (_, keys) = try await keysOfAda(["gone", "kept"], in: store)
            try await store.withTransaction { try await $0.deleteKey(id: keys[0].id) }
            #expect(try await store.read { try await $0.key(secretHash: [0, 1]) } == nil)
            #expect(try await store.read { try await $0.keys(page: PageRequest(limit: 10)) }.items == [keys[1]])
            await expectNotFound { try await store.withTransaction { try await $0.deleteKey(id: keys[0].id) } }
        },
        contract("recordKeyUse sets many keys' last use at once, keeps the later time, and skips unknown keys") { store in
            let (_, keys) = try await keysOfAda(["a", "b", "c"], in: store)
            try await store.withTransaction { tx in
                try await tx.recordKeyUse([keys[0].id: t0 + 10, keys[1].id: t0 + 20, .make(.adminKey): t0 + 30])
            }
            func lastUsed() async throws -> [Int?] {
                try await store.read { tx in
                    var times: [Int?] = []
                    for key in keys { times.append(try await tx.key(id: key.id).lastUsedAt) }
                    return times
                }
            }
            #expect(try await lastUsed() == [t0 + 10, t0 + 20, nil])
            // An older time, flushed late by another server, does not move a key's last use back.
            try await store.withTransaction { try await $0.recordKeyUse([keys[0].id: t0 + 40, keys[1].id: t0 + 5]) }
            #expect(try await lastUsed() == [t0 + 40, t0 + 20, nil])
            try await store.withTransaction { try await $0.recordKeyUse([:]) }
            #expect(try await lastUsed() == [t0 + 40, t0 + 20, nil])
        },
        contract("recordKeyUse records the last use of over a thousand keys at once") { store in
            let ada = user("ada")
            let keys = (0..<1_200).map { adminKey("k\($0)", of: ada) }
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                for (index, key) in keys.enumerated() {
                    try await tx.insertKey(key, secretHash: [UInt8(index % 256), UInt8(index / 256)])
                }
            }
            try await store.withTransaction { tx in
                try await tx.recordKeyUse(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1.id, t0 + $0) }))
            }
            let page = try await store.read { try await $0.keys(page: PageRequest(limit: 1_200)) }
            #expect(page.items.map(\.lastUsedAt) == keys.indices.map { t0 + $0 })
        },
    ]
}
