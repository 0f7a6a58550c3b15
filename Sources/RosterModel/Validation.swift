import Foundation

/// Rules on names and permission lists shared by every way into Roster (Admin API, import).
public enum Validation {
    /// The longest group or role name accepted.
    public static let maximumNameLength = 255

    /// A name with surrounding white space removed, or nil when nothing is left or it is too long.
    public static func name(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumNameLength else { return nil }
        return trimmed
    }

    /// The sorted, de-duplicated permissions, or the first permission that is not in the organization catalogue.
    public static func organizationPermissions(_ raw: [String]) -> Result<[String], UnknownPermission> {
        permissions(raw, in: Permission.organizationNames)
    }

    /// The sorted, de-duplicated permissions of a role in `scope`, or the first one the scope's catalogue lacks.
    public static func permissions(_ raw: [String], for scope: RoleScope) -> Result<[String], UnknownPermission> {
        permissions(raw, in: scope == .organization ? Permission.organizationNames : Permission.projectNames)
    }

    private static func permissions(_ raw: [String], in catalogue: Set<String>) -> Result<[String], UnknownPermission> {
        for permission in raw where !catalogue.contains(permission) {
            return .failure(UnknownPermission(name: permission))
        }
        return .success(Array(Set(raw)).sorted())
    }

    /// A permission that is not in the catalogue.
    public struct UnknownPermission: Error, Equatable {
        public let name: String
    }

    /// The form in which names and emails are compared for uniqueness: Unicode case folding, so that
    /// `Équipe` and `ÉQUIPE` (or `Straße` and `STRASSE`) are the same name.
    public static func comparisonKey(_ text: String) -> String {
        text.folding(options: [.caseInsensitive], locale: nil)
    }

    /// Whether `email` looks like an address (something@something), which is all Roster checks.
    public static func isEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !email.contains(where: \.isWhitespace)
    }
}
