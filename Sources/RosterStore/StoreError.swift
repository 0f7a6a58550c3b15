import RosterModel

/// Why a store operation failed. Each store method says which of these it throws and when.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        case notFound(IdentifierKind, String)
        case conflict(String)
        case unavailable(String)
        case unreachable(String)
    }

    let kind: Kind

    /// No object of `kind` is known by `key` (an identifier, or an email or name where the method says so).
    public static func notFound(_ kind: IdentifierKind, _ key: String) -> StoreError { StoreError(kind: .notFound(kind, key)) }
    /// The write would break a uniqueness rule; `message` says which.
    public static func conflict(_ message: String) -> StoreError { StoreError(kind: .conflict(message)) }
    /// The backend failed for a reason of its own (disk, corruption); not the caller's fault.
    public static func unavailable(_ message: String) -> StoreError { StoreError(kind: .unavailable(message)) }
    /// The database server cannot be reached right now (down, restarting, out of connections); a retry may succeed.
    public static func unreachable(_ message: String) -> StoreError { StoreError(kind: .unreachable(message)) }

    /// A database a newer Roster migrated, to schema `version`, past the `newest` this one knows: its tables may hold
    /// what this Roster would misread or break, so it does not open them.
    public static func newerSchema(_ version: Int, newest: Int) -> StoreError {
        .unavailable(
            "the database's schema is at version \(version), newer than this Roster's \(newest): a newer Roster migrated it. "
                + "Run that Roster or a newer one; no Roster migrates a database back.")
    }

    /// Whether the database server could not be reached.
    public var isUnreachable: Bool {
        if case .unreachable = kind { return true }
        return false
    }

    /// The kind and key of the missing object, when this is a not-found error.
    public var missing: (kind: IdentifierKind, key: String)? {
        if case .notFound(let kind, let key) = kind { return (kind, key) }
        return nil
    }

    /// The message of a conflict error.
    public var conflictMessage: String? {
        if case .conflict(let message) = kind { return message }
        return nil
    }

    public var description: String {
        switch kind {
        case .notFound(let kind, let key): "no \(kind) \(key)"
        case .conflict(let message): "conflict: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .unreachable(let message): "store unreachable: \(message)"
        }
    }
}
