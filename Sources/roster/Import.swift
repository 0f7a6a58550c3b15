import ArgumentParser
import Foundation
import Logging
import RosterService

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply an organization file: users, groups, memberships, roles and assignments, in one transaction.")

    @Argument(help: "The organization file (JSON), as `roster export` writes it.")
    var file: String

    @OptionGroup var storage: DatabaseOptions

    func run() async throws {
        let organizationFile = try OrganizationFile.read(path: file)
        let summary = try await Backend.withOrganization(database: storage.database, logger: Logger(label: "roster")) {
            try await $0.importFile(organizationFile)
        }
        print("Imported \(file): \(summary.created) created, \(summary.updated) updated.")
    }
}

extension OrganizationFile {
    /// Reads and decodes a file, with errors a person can act on.
    static func read(path: String) throws -> OrganizationFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read the organization file '\(path)'.")
        }
        do {
            return try JSONDecoder().decode(OrganizationFile.self, from: data)
        } catch {
            throw ValidationError("'\(path)' is not a valid organization file: \(error)")
        }
    }
}
