import ArgumentParser

@main
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "A self-hosted organization access-control server that speaks OpenAI's Admin API.",
        subcommands: [Serve.self, Import.self, Export.self],
        defaultSubcommand: Serve.self)
}

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file, or :memory: (env ROSTER_DATABASE).")
    var database: String = Environment.value("ROSTER_DATABASE") ?? "./roster.sqlite"
}
