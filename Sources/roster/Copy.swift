import ArgumentParser
import Foundation
import RosterStore

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: """
            Copy a whole organization from one database to a new one: SQLite to PostgreSQL, PostgreSQL to SQLite, or \
            between two of a kind. Identifiers, key hashes (every key keeps working), the audit log and the revisions \
            stay as they are.
            """,
        discussion: """
            The source is read in one snapshot, so servers may keep using it; the destination is written in one \
            transaction, so a copy that fails leaves nothing behind. The destination must be new: a SQLite file that \
            does not exist yet, or a PostgreSQL database that holds no organization. Stop the servers on the source \
            before copying when no write may be left behind.
            """)

    @Option(name: .long, help: "The database to copy: a SQLite file or a postgres:// URL.")
    var from: String

    @Option(name: .long, help: "The new database to copy into: a SQLite file that does not exist yet, or a postgres:// URL of an empty database.")
    var to: String

    func validate() throws {
        if from == ":memory:" || to == ":memory:" {
            throw ValidationError("An in-memory database lives only inside its server; copy from and to files or PostgreSQL.")
        }
        if !Backend.isPostgres(from), !FileManager.default.fileExists(atPath: from) {
            throw ValidationError("There is no database at '\(from)'.")
        }
        if !Backend.isPostgres(to), FileManager.default.fileExists(atPath: to) {
            throw ValidationError("'\(to)' exists already; a copy never writes over a file. Choose a new name.")
        }
        if from == to { throw ValidationError("--from and --to name the same database.") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let rows: Int
        do {
            rows = try await CLIError.explaining(database: from) {
                try await Backend.withStore(from) { source in
                    try await CLIError.explaining(database: to) {
                        try await Backend.withStore(to) { destination in
                            try await OrganizationCopy.copy(from: source, to: destination) { table, copied in
                                FileHandle.standardError.write(Data("  \(table): \(copied) rows\n".utf8))
                            }
                        }
                    }
                }
            }
        } catch {
            // A new SQLite file the failed copy made is removed: nothing was committed to it.
            if !Backend.isPostgres(to) {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: to + suffix) }
            }
            throw error
        }
        let seconds = started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))
        print("Copied \(rows) rows from \(Backend.displayName(from)) to \(Backend.displayName(to)) in \(seconds).")
    }
}
