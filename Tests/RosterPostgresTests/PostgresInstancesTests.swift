import Foundation
import RosterModel
import RosterStore
import Synchronization
import Testing

@testable import RosterPostgres

/// Several stores on one database, as several Roster instances are: the order revisions commit in, and the signal
/// that tells an instance another has committed.
@Suite(.enabled(if: TestServer.url != nil, TestServer.skipReason))
struct PostgresInstancesTests {
    private static func group(_ name: String) -> Group {
        Group(id: .make(.group), name: name, createdAt: 1_700_000_000)
    }

    @Test("a write that commits late never carries a revision below one a follower has already read")
    func lateCommitKeepsRevisionOrder() async throws {
        try await TestServer.withFreshStore { first in
            try await TestServer.withSecondStore(on: first) { second in
                let before = try await first.read { try await $0.latestRevision() }
                let (gate, open) = AsyncStream<Void>.makeStream()
                let late = Self.group("late"), early = Self.group("early")
                let lateStarted = Flag(), earlyStarted = Flag()

                // The late writer opens its transaction, writes, and waits before committing.
                let lateWrite = Task {
                    try await first.withTransaction { tx in
                        try await tx.insertGroup(late)
                        lateStarted.raise()
                        for await _ in gate { break }
                        return try await tx.latestRevision()
                    }
                }
                while !lateStarted.isRaised { try await Task.sleep(for: .milliseconds(5)) }

                // Another instance's write meanwhile waits for it, rather than committing first with a later number.
                let earlyWrite = Task {
                    try await second.withTransaction { tx in
                        earlyStarted.raise()
                        try await tx.insertGroup(early)
                        return try await tx.latestRevision()
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(!earlyStarted.isRaised, "a second writer ran while the first was open")

                // A follower reading now sees neither write: nothing it skips can commit below what it reads.
                let seen = try await second.read { try await $0.changes(after: before, limit: 100) }
                #expect(seen.revision == before)
                #expect(seen.entities?.isEmpty == true)

                open.yield()
                let lateRevision = try await lateWrite.value
                let earlyRevision = try await earlyWrite.value
                #expect(lateRevision == before + 1)
                #expect(earlyRevision == before + 2)

                // The follower that read `before` now finds both, and applies them in order.
                let caughtUp = try await second.read { try await $0.changes(after: before, limit: 100) }
                #expect(caughtUp.revision == earlyRevision)
                #expect(caughtUp.entities == [.group(late.id), .group(early.id)])
                let afterLate = try await second.read { try await $0.changes(after: lateRevision, limit: 100) }
                #expect(afterLate.entities == [.group(early.id)])
            }
        }
    }

    @Test("a commit on one instance fires the other's change signal; a rolled-back write fires nothing")
    func commitsAreAnnounced() async throws {
        try await TestServer.withFreshStore { first in
            try await TestServer.withSecondStore(on: first) { second in
                let signal = try #require(second.changeSignal)
                // Drain what connecting fired, and let the listener settle.
                await signal.wait(timeout: .seconds(2))
                await signal.wait(timeout: .milliseconds(200))

                struct Refused: Error {}
                await #expect(throws: Refused.self) {
                    try await first.withTransaction { tx in
                        try await tx.insertGroup(Self.group("rolled back"))
                        throw Refused()
                    }
                }
                let quiet = ContinuousClock.now
                await signal.wait(timeout: .milliseconds(500))
                #expect(quiet.duration(to: .now) >= .milliseconds(450), "a rolled-back write was announced")

                let started = ContinuousClock.now
                try await first.withTransaction { try await $0.insertGroup(Self.group("announced")) }
                await signal.wait(timeout: .seconds(10))
                #expect(started.duration(to: .now) < .seconds(5), "the commit was not announced")
            }
        }
    }
}

extension PostgresInstancesTests {
    @Test("a transaction PostgreSQL aborts as a serialization failure or deadlock is run again, whole; one that keeps failing is an error, not a hang")
    func abortedTransactionsAreRetried() async throws {
        try await TestServer.withFreshStore { store in
            let attempts = Counter()
            let group = Self.group("retried")
            try await store.withTransaction { tx in
                let attempt = attempts.next()
                try await tx.insertGroup(Group(id: .make(.group), name: "attempt \(attempt)", createdAt: 1_700_000_000))
                if attempt == 1 { try await Self.abort(tx, code: "40001") }
                if attempt == 2 { try await Self.abort(tx, code: "40P01") }
                try await tx.insertGroup(group)
            }
            #expect(attempts.value == 3)
            let names = try await store.read { try await $0.groups(page: PageRequest(limit: 10)) }.items.map(\.name)
            #expect(names.sorted() == ["attempt 3", "retried"])

            let hopeless = Counter()
            await #expect(throws: StoreError.self) {
                try await store.withTransaction { tx in
                    _ = hopeless.next()
                    try await Self.abort(tx, code: "40001")
                }
            }
            #expect(hopeless.value == PostgresDatastore.attempts)
        }
    }

    @Test("a database a newer Roster migrated is refused at open, saying so")
    func newerSchemaIsRefused() async throws {
        try await TestServer.withFreshStore { store in
            let newer = (PostgresMigrations.all.last?.version ?? 0) + 1
            try await store.withTransaction { tx in
                _ = try await #require(tx as? PostgresTransaction).query("INSERT INTO roster_schema (version) VALUES (?)", [.integer(newer)])
            }
            do {
                try await TestServer.withSecondStore(on: store) { _ in }
                Issue.record("a newer schema was opened")
            } catch let error as StoreError {
                #expect("\(error)".contains("schema is at version \(newer), newer than this Roster's"), "\(error)")
            }
        }
    }

    /// Makes PostgreSQL abort the transaction with the error `code`.
    private static func abort(_ tx: any StoreTransaction, code: String) async throws {
        let transaction = try #require(tx as? PostgresTransaction)
        try await transaction.execute("DO $$ BEGIN RAISE EXCEPTION 'made to fail' USING ERRCODE = '\(code)'; END $$")
    }
}

/// Counts calls.
private final class Counter: Sendable {
    private let count = Atomic(0)

    func next() -> Int { count.add(1, ordering: .relaxed).newValue }
    var value: Int { count.load(ordering: .relaxed) }
}

extension TestServer {
    /// Runs `body` with a second store on the same database as `store`, as a second instance would open it.
    static func withSecondStore<T>(on store: PostgresDatastore, _ body: (PostgresDatastore) async throws -> T) async throws -> T {
        try await PostgresDatastore.withOpened(store.configuration, body)
    }
}

/// A flag one task raises and another reads.
private final class Flag: Sendable {
    private let raised = Atomic(false)

    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
