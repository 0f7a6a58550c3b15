import ArgumentParser
import Foundation
import RosterService

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the organization as a file that `roster import` reads back; the same organization always gives the same file.")

    @OptionGroup var storage: DatabaseOptions

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let database = try storage.existingPath()
        let file = try await CLIError.explaining(database: database) {
            try await Backend.withOrganization(database: database) { try await $0.exportFile() }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(file)
        data.append(0x0A)
        if let output {
            do {
                try data.write(to: URL(fileURLWithPath: output))
            } catch {
                throw CLIError(CLIError.explain(error, database: database))
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
