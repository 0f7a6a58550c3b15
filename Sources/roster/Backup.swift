import ArgumentParser
import Foundation

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a new file while Roster may keep running: a consistent snapshot, ready to serve.")

    @OptionGroup var storage: DatabaseOptions

    @Option(name: .customLong("to"), help: "The new file to write; it must not exist.")
    var destination: String

    func run() async throws {
        let database = try storage.existingPath()
        guard database != ":memory:" else { throw CLIError("An in-memory database cannot be backed up: it lives only inside its server.") }
        guard !Backend.isPostgres(database) else {
            throw CLIError("`roster backup` copies SQLite files. Back a PostgreSQL database up with PostgreSQL's own tools (pg_dump).")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CLIError("'\(destination)' exists already; a backup never overwrites a file. Choose a new name.")
        }
        try await CLIError.explaining(database: database) {
            try await Backend.backup(database: database, to: destination)
        }
        print("Backed up \(database) to \(destination).")
    }
}
