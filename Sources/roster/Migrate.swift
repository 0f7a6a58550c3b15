import ArgumentParser

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: """
            Bring the database's schema up to this version of Roster, then exit. `roster serve` does it too at start-up; \
            run this to migrate ahead of a rollout. Instances migrating together take turns (PostgreSQL: an advisory lock).
            """)

    @OptionGroup var storage: DatabaseOptions

    func run() async throws {
        let database = storage.path
        guard database != ":memory:" else { throw CLIError("An in-memory database lives only inside its server; there is nothing to migrate.") }
        try await CLIError.explaining(database: database) {
            try await Backend.withStore(database) { _ in }
        }
        print("The database \(Backend.displayName(database)) is up to date.")
    }
}
