import Foundation

/// Rules on names, text and permission lists shared by every way into Roster (Admin API, SCIM, import).
public enum Validation {
    /// The longest name accepted (users, groups, roles, projects, service accounts, SCIM `userName` and
    /// `displayName`), in Unicode scalars, as the reference's `maxLength`.
    public static let maximumNameLength = 255

    /// The longest email address accepted, in Unicode scalars.
    public static let maximumEmailLength = 254

    /// The longest free text accepted (a role's description, any other SCIM string), in Unicode scalars.
    public static let maximumTextLength = 1024

    /// A name with surrounding white space removed, or nil when nothing is left, it is longer than
    /// `maximumNameLength` Unicode scalars, or it holds a control character (NUL, a line break, …).
    public static func name(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= maximumNameLength, !hasControlCharacter(trimmed) else { return nil }
        return trimmed
    }

    /// Whether `text` holds a control character (Unicode general category Cc: NUL, tab, line breaks, DEL, C1).
    public static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Whether `text` is acceptable free text: at most `maximum` Unicode scalars and no control character but tab,
    /// line feed and carriage return.
    public static func isText(_ text: String, maximum: Int = maximumTextLength) -> Bool {
        // Printable ASCII, tabs and line breaks: one scalar per byte, no control character.
        if !text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 >= 0x7F }) {
            return text.utf8.count <= maximum
        }
        return text.unicodeScalars.count <= maximum
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control && !["\t", "\n", "\r"].contains($0) }
    }

    /// The first string in `value` (members' names included) that is not acceptable free text, with its path, or
    /// nil when every string is. The path is worked out only for the string found.
    public static func firstUnacceptableString(in value: JSON, maximum: Int = maximumTextLength) -> String? {
        firstUnacceptableString(in: value, path: "", maximum: maximum)
    }

    private static func firstUnacceptableString(in value: JSON, path: @autoclosure () -> String, maximum: Int) -> String? {
        switch value {
        case .string(let text):
            guard !isText(text, maximum: maximum) else { return nil }
            let found = path()
            return found.isEmpty ? "the body" : found
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = firstUnacceptableString(in: element, path: "\(path())[\(index)]", maximum: maximum) { return found }
            }
            return nil
        case .object(let members):
            for (name, member) in members {
                func memberPath() -> String {
                    let parent = path()
                    return parent.isEmpty ? name : "\(parent).\(name)"
                }
                if !isText(name, maximum: maximum) { return memberPath() }
                if let found = firstUnacceptableString(in: member, path: memberPath(), maximum: maximum) { return found }
            }
            return nil
        default:
            return nil
        }
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
    /// Canonically equivalent text compares equal too: `café` composed and decomposed are one name (NFC).
    public static func comparisonKey(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII, by far the commonest case (it runs for every string a SCIM filter compares): folding is
            // lower-casing, and ASCII text is already in NFC.
            return String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        return text.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
    }

    /// Whether `email` looks like an address (something@something) of at most `maximumEmailLength` Unicode scalars,
    /// with no white space or control character, which is all Roster checks.
    public static func isEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !email.contains(where: \.isWhitespace)
            && email.unicodeScalars.count <= maximumEmailLength && !hasControlCharacter(email)
    }
}

extension String {
    /// Whether the two are equal ignoring case, as Foundation's `caseInsensitiveCompare` says, answered without
    /// Foundation when both are ASCII: attribute names, member names and ids, compared on every SCIM request.
    @inlinable
    public func equalsIgnoringCase(_ other: String) -> Bool {
        var (left, right) = (self, other)
        let answer: Bool? = left.withUTF8 { a in
            right.withUTF8 { b in
                guard a.allSatisfy({ $0 < 0x80 }), b.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard a.count == b.count else { return false }
                for index in 0..<a.count where a[index] != b[index] {
                    let lower = a[index] | 0x20
                    guard lower == b[index] | 0x20, (0x61...0x7A).contains(lower) else { return false }
                }
                return true
            }
        }
        return answer ?? (caseInsensitiveCompare(other) == .orderedSame)
    }
}
