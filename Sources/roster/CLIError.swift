import ArgumentParser
import Foundation
import NIOCore
import RosterService
import RosterStore

/// A command's failure in plain words: what went wrong, naming the file or value, and what to do. ArgumentParser
/// prints it as `Error: …` and exits with status 1, with no usage text after it.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// Runs `body`, turning whatever it throws into words a person can act on; `database` is the database the command
    /// works on, named when it is the database that failed.
    static func explaining<T>(database: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CLIError {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CLIError(explain(error, database: database))
        }
    }

    static func explain(_ error: any Error, database: String) -> String {
        switch error {
        case let error as OrganizationFile.ReadError:
            return error.description
        case let error as OrganizationCopy.Refusal:
            return "Nothing was copied: \(error.description)."
        case let error as ServiceError:
            return error.param.map { "\($0): \(error.message)" } ?? error.message
        case let error as StoreError:
            return explainStore(String(describing: error), database: database)
        case let error as IOError:
            return "A system call failed: \(error.description)."
        case let error as CocoaError:
            let path = (error.userInfo[NSFilePathErrorKey] as? String).map { "'\($0)'" } ?? "the file"
            switch error.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "\(path) does not exist."
            case .fileReadNoPermission, .fileWriteNoPermission: return "Roster may not access \(path): permission denied."
            case .fileWriteOutOfSpace: return "There is no room left on the disk to write \(path)."
            default: return "Roster could not read or write \(path)."
            }
        default:
            return explainStore(String(describing: error), database: database)
        }
    }

    /// The database failures SQLite and PostgreSQL report, in words.
    private static func explainStore(_ text: String, database: String) -> String {
        if Backend.isPostgres(database) {
            let shown = Backend.displayName(database)
            if text.contains("store unreachable") {
                return "Roster cannot reach the PostgreSQL database \(shown): check that the server runs, and the host, port, "
                    + "user and password (\(text))."
            }
            return "The PostgreSQL database \(shown) could not be used (\(text))."
        }
        let lowered = text.lowercased()
        if lowered.contains("cantopen") || lowered.contains("unable to open") {
            return "Roster cannot open the database '\(database)': check that its folder exists and that Roster may write there."
        }
        if lowered.contains("readonly") || lowered.contains("read-only") {
            return "The database '\(database)' is read-only: Roster must be able to write to it and to its folder (for its -wal and -shm files)."
        }
        if lowered.contains("notadb") || lowered.contains("not a database") {
            return "'\(database)' is not a Roster (SQLite) database."
        }
        if lowered.contains("busy") || lowered.contains("locked") {
            return "The database '\(database)' is locked by another program; try again when it is done."
        }
        if lowered.contains("full") {
            return "The disk holding '\(database)' is full."
        }
        return "The database '\(database)' could not be used (\(text))."
    }
}
