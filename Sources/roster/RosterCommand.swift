import ArgumentParser
import Foundation

@main
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "A self-hosted organization access-control server that speaks OpenAI's Admin API.",
        version: RosterVersion.current,
        subcommands: [Serve.self, Import.self, Export.self, Backup.self, Migrate.self, Copy.self],
        defaultSubcommand: Serve.self)
}

/// Roster's version, as `roster --version` and the start-up log say it.
enum RosterVersion {
    static let current = "0.9.0"
}

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            SQLite database file, :memory:, or a PostgreSQL URL postgres://user:password@host:port/database with optional \
            ?sslmode=disable|require|verify-full&pool_size=N (env ROSTER_DATABASE; default ./roster.sqlite).
            """)
    var database: String?

    /// The database: the flag, else `ROSTER_DATABASE`, else `./roster.sqlite`.
    var path: String { database ?? Environment.value("ROSTER_DATABASE") ?? "./roster.sqlite" }

    /// The database, which must exist already: `import` and `export` work on an organization, they do not make one.
    /// (A PostgreSQL database is checked when it is opened.)
    func existingPath() throws -> String {
        let path = self.path
        guard path == ":memory:" || Backend.isPostgres(path) || FileManager.default.fileExists(atPath: path) else {
            throw CLIError(
                "There is no database at '\(path)'. Pass the right one with --database (or ROSTER_DATABASE); "
                    + "`roster serve --database \(path)` creates a new one.")
        }
        return path
    }
}
