import Foundation
import RosterModel
import RosterSCIM
import RosterSQLite
import RosterService
import RosterStore
import Synchronization
import Testing

/// A clock tests move by hand, in Unix seconds.
final class TestClock: Sendable {
    private let time = Mutex(1_700_000_000)

    var now: Int { time.withLock { $0 } }

    func advance(by seconds: Int) {
        time.withLock { $0 += seconds }
    }
}

/// A datastore that counts its write transactions and can be made to fail them, over an in-memory SQLite store.
final class CountingDatastore: Datastore {
    let base: SQLiteDatastore
    private let state = Mutex((writes: 0, failing: false))

    init(base: SQLiteDatastore) {
        self.base = base
    }

    /// How many write transactions were asked for so far.
    var writes: Int { state.withLock { $0.writes } }

    /// While true, every write transaction fails before it starts.
    func setFailing(_ failing: Bool) {
        state.withLock { $0.failing = failing }
    }

    struct Refused: Error {}

    func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let failing = state.withLock { state -> Bool in
            state.writes += 1
            return state.failing
        }
        if failing { throw Refused() }
        return try await base.withTransaction(body)
    }

    func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await base.read(body)
    }
}

/// An organization on a fresh in-memory store with a hand-moved clock, the start-up key `sk-test-key` of its
/// owner, and Bob, a reader.
struct KeyWorld {
    let organization: Organization
    let store: CountingDatastore
    let clock: TestClock
    let owner: Caller
    let bob: User

    /// Bob's caller identity, as if one of his keys had authenticated.
    var asBob: Caller { Caller(userID: bob.id, keyID: owner.keyID) }

    static func with(_ body: (KeyWorld) async throws -> Void) async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { base async throws in
            let store = CountingDatastore(base: base)
            let clock = TestClock()
            let organization = Organization(store: store, now: { clock.now })
            _ = try await organization.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
            _ = try await organization.importFile(OrganizationFile(users: [.init(email: "bob@example.com", name: "Bob")]))
            let owner = try await organization.authenticate(secret: "sk-test-key")
            let bob = try #require(try await organization.users(emails: ["bob@example.com"], page: PageRequest(limit: 1)).items.first)
            try await body(KeyWorld(organization: organization, store: store, clock: clock, owner: owner, bob: bob))
        }
    }

    /// A new key of Bob's and its secret.
    func bobsKey(expiresInSeconds: Int? = nil) async throws -> Organization.CreatedAdminKey {
        try await organization.createAdminKey(name: "Bob's key", expiresInSeconds: expiresInSeconds, by: asBob)
    }

    /// The key's last use as the store holds it, leaving aside what is still in memory.
    func storedLastUse(_ id: Identifier) async throws -> Int? {
        try await store.read { try await $0.key(id: id) }.lastUsedAt
    }
}

@Suite struct AdminKeyTests {
    @Test("the start-up key is the operator's recovery path: rebound, unlimited, to the first active owner")
    func startUpKeyIsRebound() async throws {
        try await KeyWorld.with { world async throws in
            let org = world.organization
            // Bob becomes the owner; the start-up owner steps down, and someone limits the start-up key.
            _ = try await org.modifyUser(id: world.bob.id, .init(role: "owner"), by: nil)
            _ = try await org.modifyUser(id: world.owner.userID, .init(role: "reader"), by: nil)
            try await world.store.withTransaction { tx in
                var key = try await tx.key(id: world.owner.keyID)
                key.scopes = ["api.groups.read"]
                try await tx.updateKey(key)
            }
            let bootstrap = try await org.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
            #expect(bootstrap.owner.id == world.bob.id)
            let caller = try await org.authenticate(secret: "sk-test-key")
            #expect(caller == Caller(userID: world.bob.id, keyID: world.owner.keyID))
            #expect(try await org.adminKey(id: world.owner.keyID).key.scopes == nil)
            let events = try await org.auditEvents(AuditFilter(), limit: 1).items
            #expect(events.first?.type == .apiKeyUpdated)
            // Nothing to do the second time.
            _ = try await org.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
            #expect(try await org.auditEvents(AuditFilter(), limit: 1).items.first?.id == events.first?.id)
        }
    }

    @Test("with no active owner left, the start-up key reactivates and promotes the owner email's user")
    func startUpKeyRecoversAnOrganizationWithoutOwners() async throws {
        try await KeyWorld.with { world async throws in
            try await world.store.withTransaction { tx in
                var owner = try await tx.user(id: world.owner.userID)
                owner.isActive = false
                try await tx.updateUser(owner)
            }
            let bootstrap = try await world.organization.bootstrap(adminKey: "sk-recovery", ownerEmail: "owner@example.com")
            #expect(bootstrap.owner.id == world.owner.userID)
            #expect(bootstrap.owner.isActive)
            #expect(try await world.organization.authenticate(secret: "sk-recovery").userID == world.owner.userID)
        }
    }

    @Test("a new key belongs to the user who created it and works at once; the start-up key belongs to the first owner")
    func ownership() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            #expect(created.key.owner.id == world.bob.id)
            #expect(created.key.key.ownerID == world.bob.id)
            let caller = try await world.organization.authenticate(secret: created.secret)
            #expect(caller == Caller(userID: world.bob.id, keyID: created.key.key.id))
            let keys = try await world.organization.adminKeys(page: PageRequest(limit: 10)).items
            #expect(keys.map(\.key.id) == [world.owner.keyID, created.key.key.id])
            #expect(keys.map(\.owner.id) == [world.owner.userID, world.bob.id])
            #expect(keys.first?.owner.role == .owner)
        }
    }

    @Test("the secret is returned only at creation; the key shows its prefix and last four characters, nothing more")
    func secretShownOnce() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            let secret = created.secret
            #expect(secret.hasPrefix("sk-admin-"))
            #expect(secret.count == "sk-admin-".count + 48)
            let redacted = created.key.key.redactedValue
            #expect(redacted == "sk-admin-..." + String(secret.suffix(4)))
            let retrieved = try await world.organization.adminKey(id: created.key.key.id)
            #expect(retrieved.key == created.key.key)
            #expect(!String(describing: retrieved).contains(secret))
            #expect(try await world.store.read { try await $0.key(secretHash: Array(secret.utf8)) } == nil)
        }
    }

    @Test("the database file holds a key's hash and redacted value, never its secret")
    func onlyTheHashIsStored() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("roster.sqlite").path
        let (secret, redacted) = try await SQLiteDatastore.withOpened(.init(path: path)) { store in
            let organization = Organization(store: store)
            _ = try await organization.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
            let caller = try await organization.authenticate(secret: "sk-test-key")
            let created = try await organization.createAdminKey(name: "ci", expiresInSeconds: nil, by: caller)
            #expect(try await organization.authenticate(secret: created.secret).keyID == created.key.key.id)
            return (created.secret, created.key.key.redactedValue)
        }
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            bytes.append(try Data(contentsOf: folder.appendingPathComponent(file)))
        }
        #expect(bytes.range(of: Data(redacted.utf8)) != nil, "the test did not read the key's row")
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in the database")
        #expect(bytes.range(of: Data(secret.dropFirst("sk-admin-".count).utf8)) == nil, "the secret is in the database")
    }

    @Test("a key expires expires_in_seconds after its creation, and is then refused with a 401 that says it expired")
    func expiry() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey(expiresInSeconds: 60)
            #expect(created.key.key.expiresAt == world.clock.now + 60)
            world.clock.advance(by: 59)
            _ = try await world.organization.authenticate(secret: created.secret)
            world.clock.advance(by: 1)
            let error = await expectServiceError(.unauthenticated, code: "expired_api_key") {
                _ = try await world.organization.authenticate(secret: created.secret)
            }
            #expect(error?.message.contains("expired") == true, "\(String(describing: error))")
            // An expired key is still listed, so that it can be seen and deleted.
            #expect(try await world.organization.adminKey(id: created.key.key.id).key.expiresAt != nil)
            #expect(try await world.bobsKey().key.key.expiresAt == nil)
        }
    }

    @Test("expires_in_seconds must be from 1 to 365 days, and the name must not be blank")
    func validation() async throws {
        try await KeyWorld.with { world async throws in
            let org = world.organization
            for seconds in [0, -5, 31_536_001] {
                await expectServiceError(.invalidRequest, param: "expires_in_seconds") {
                    _ = try await org.createAdminKey(name: "k", expiresInSeconds: seconds, by: world.owner)
                }
            }
            await expectServiceError(.invalidRequest, param: "name") {
                _ = try await org.createAdminKey(name: "  ", expiresInSeconds: nil, by: world.owner)
            }
            let longest = try await org.createAdminKey(name: " year ", expiresInSeconds: 31_536_000, by: world.owner)
            #expect(longest.key.key.name == "year")
            #expect(try await org.adminKeys(page: PageRequest(limit: 10)).items.count == 2)
        }
    }

    @Test("deleting a key revokes it at once")
    func deletingRevokes() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            _ = try await world.organization.authenticate(secret: created.secret)
            try await world.organization.deleteAdminKey(id: created.key.key.id)
            await expectServiceError(.unauthenticated, code: "invalid_api_key") {
                _ = try await world.organization.authenticate(secret: created.secret)
            }
            await expectNotFound { _ = try await world.organization.adminKey(id: created.key.key.id) }
            await expectNotFound { try await world.organization.deleteAdminKey(id: created.key.key.id) }
            // A use noted before the delete and flushed after it writes nothing back.
            #expect(try await world.organization.flushKeyUse() == 2)
            #expect(try await world.store.read { try await $0.keyCount() } == 1)
        }
    }

    @Test("deleting a key's owner revokes the key")
    func deletingTheOwnerRevokes() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            try await world.organization.deleteUser(id: world.bob.id)
            await expectServiceError(.unauthenticated, code: "invalid_api_key") {
                _ = try await world.organization.authenticate(secret: created.secret)
            }
            #expect(try await world.organization.adminKeys(page: PageRequest(limit: 10)).items.map(\.key.id) == [world.owner.keyID])
        }
    }

    @Test("deactivating a key's owner over SCIM revokes the key")
    func deactivatingOverSCIMRevokes() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            _ = try await world.organization.scimPatchUser(
                id: world.bob.id.rawValue, operations: [SCIMPatchOperation(op: .replace, path: "active", value: false)],
                SCIMRequest(baseURL: "https://roster.test/scim/v2"))
            await expectServiceError(.unauthenticated, code: "invalid_api_key") {
                _ = try await world.organization.authenticate(secret: created.secret)
            }
            #expect(try await world.organization.adminKeys(page: PageRequest(limit: 10)).items.map(\.key.id).contains(created.key.key.id) == false)
            _ = try await world.organization.authenticate(secret: "sk-test-key")
        }
    }

    @Test("deactivating a key's owner by an import revokes the key")
    func deactivatingByImportRevokes() async throws {
        try await KeyWorld.with { world async throws in
            let created = try await world.bobsKey()
            _ = try await world.organization.importFile(
                OrganizationFile(users: [.init(email: "bob@example.com", name: "Bob", active: false)]))
            await expectServiceError(.unauthenticated, code: "invalid_api_key") {
                _ = try await world.organization.authenticate(secret: created.secret)
            }
        }
    }

    @Test("last_used_at shows every use at once, and reaches the store in one write per flush, not one per request")
    func lastUsedIsBatched() async throws {
        try await KeyWorld.with { world async throws in
            let org = world.organization
            let created = try await world.bobsKey()
            let id = created.key.key.id
            #expect(created.key.key.lastUsedAt == nil)
            let writesBefore = world.store.writes
            for _ in 0..<5 {
                world.clock.advance(by: 7)
                _ = try await org.authenticate(secret: created.secret)
            }
            let lastUse = world.clock.now
            #expect(world.store.writes == writesBefore, "authenticating wrote to the store")
            #expect(try await world.storedLastUse(id) == nil)
            #expect(try await org.adminKey(id: id).key.lastUsedAt == lastUse)
            #expect(try await org.adminKeys(page: PageRequest(limit: 10)).items.last?.key.lastUsedAt == lastUse)

            // The owner's start-up key was used once too (by the world's set-up): one write carries both.
            #expect(try await org.flushKeyUse() == 2)
            #expect(world.store.writes == writesBefore + 1)
            #expect(try await world.storedLastUse(id) == lastUse)
            #expect(try await org.adminKey(id: id).key.lastUsedAt == lastUse)
            #expect(try await org.flushKeyUse() == 0)
            #expect(world.store.writes == writesBefore + 1, "a flush with nothing to write wrote")
        }
    }

    @Test("a flush that fails keeps its uses, still shown, for the next flush")
    func failedFlushKeepsUses() async throws {
        try await KeyWorld.with { world async throws in
            let org = world.organization
            let created = try await world.bobsKey()
            world.clock.advance(by: 30)
            _ = try await org.authenticate(secret: created.secret)
            let used = world.clock.now
            world.store.setFailing(true)
            await #expect(throws: CountingDatastore.Refused.self) { try await org.flushKeyUse() }
            #expect(try await org.adminKey(id: created.key.key.id).key.lastUsedAt == used)
            world.store.setFailing(false)
            #expect(try await org.flushKeyUse() == 2)
            #expect(try await world.storedLastUse(created.key.key.id) == used)
        }
    }
}
