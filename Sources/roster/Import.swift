import ArgumentParser
import Foundation
import RosterService

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply an organization file: users, groups, memberships, roles and assignments, in one transaction.")

    @Argument(help: "The organization file (JSON), as `roster export` writes it.")
    var file: String

    @OptionGroup var storage: DatabaseOptions

    func run() async throws {
        let database = try storage.existingPath()
        let organizationFile = try OrganizationFile.read(path: file)
        let summary = try await CLIError.explaining(database: database) {
            try await Backend.withOrganization(database: database) { organization in
                do {
                    return try await organization.importFile(organizationFile)
                } catch let error as ServiceError {
                    throw CLIError("'\(file)' cannot be imported, and nothing of it was: \(CLIError.explain(error, database: database))")
                }
            }
        }
        print("Imported \(file): \(summary.sentence).")
    }
}

extension Organization.ImportSummary {
    /// `2 created, 1 changed, 5 unchanged`.
    var sentence: String { "\(created) created, \(changed) changed, \(unchanged) unchanged" }
}

extension OrganizationFile {
    /// Reads and checks a file (`OrganizationFile.parse`), with errors that name the file and the place in it.
    static func read(path: String) throws -> OrganizationFile {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("The organization file '\(path)' does not exist.") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Roster may not read the organization file '\(path)'.")
        }
        do {
            return try parse(data)
        } catch let error as ReadError {
            throw CLIError("'\(path)' is not a valid organization file: \(error.description).")
        }
    }
}
