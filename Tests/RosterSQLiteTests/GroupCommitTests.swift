import Foundation
import RosterModel
import RosterStore
import Synchronization
import Testing

@testable import RosterSQLite

@Suite struct GroupCommitTests {
    struct Refused: Error {}

    @Test("concurrent writes share commits, and one that fails among them leaves the others committed with their own revisions")
    func concurrentWritesShareCommits() async throws {
        try await withTemporaryDatabase { path in
            try await SQLiteDatastore.withOpened(.init(path: path)) { store in
                let writes = 200
                let failing = 37
                let before = try await store.read { try await $0.latestRevision() }
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    for index in 0..<writes {
                        tasks.addTask {
                            do {
                                try await store.withTransaction { tx in
                                    try await tx.insertGroup(Group(id: .make(.group), name: "group \(index)", createdAt: 0))
                                    if index == failing { throw Refused() }
                                }
                            } catch is Refused {
                                #expect(index == failing)
                            }
                        }
                    }
                    try await tasks.waitForAll()
                }
                let names = try await store.read { tx in
                    try await tx.groups(page: PageRequest(limit: 1000)).items.map(\.name)
                }
                #expect(names.count == writes - 1)
                #expect(!names.contains("group \(failing)"))
                let after = try await store.read { try await $0.latestRevision() }
                #expect(after - before == writes - 1, "each committed write has a revision of its own")
                let commits = store.commitCount.load(ordering: .relaxed)
                #expect(commits < writes - 1, "\(commits) commits for \(writes - 1) writes: none shared")
            }
        }
    }

    @Test("a write waits for the commit that carries it: once it returns, a new connection reads it")
    func acknowledgedWritesAreCommitted() async throws {
        try await withTemporaryDatabase { path in
            try await SQLiteDatastore.withOpened(.init(path: path)) { store in
                try await withThrowingTaskGroup(of: Identifier.self) { tasks in
                    for index in 0..<50 {
                        tasks.addTask {
                            let id = Identifier.make(.group)
                            try await store.withTransaction { try await $0.insertGroup(Group(id: id, name: "g\(index)", createdAt: 0)) }
                            return id
                        }
                    }
                    for try await id in tasks {
                        let other = try DatabaseConnection.open(path: path)
                        let rows = try other.run("SELECT id FROM groups WHERE id = ?", [.text(id.rawValue)])
                        try await other.close()
                        #expect(rows.count == 1)
                    }
                }
            }
        }
    }
}
