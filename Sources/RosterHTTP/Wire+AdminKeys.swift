import RosterModel
import RosterService

extension Wire {
    /// `AdminApiKey`: `expires_at` and `last_used_at` are null when the key never expires or was never used. Roster adds
    /// `scopes`: the permissions the key is limited to, or null for a key that may use all of its user's.
    static func adminKey(_ owned: Organization.OwnedAdminKey) -> JSON {
        let key = owned.key
        return .object([
            ("object", "organization.admin_api_key"), ("id", .string(key.id.rawValue)), ("name", .string(key.name)),
            ("redacted_value", .string(key.redactedValue)), ("created_at", .int(key.createdAt)),
            ("expires_at", key.expiresAt.map(JSON.int) ?? .null), ("last_used_at", key.lastUsedAt.map(JSON.int) ?? .null),
            ("owner", keyOwner(owned.owner)), ("scopes", scopes(key.scopes)),
        ])
    }

    /// A key's `scopes`: its permissions, or null for a key limited only by its owner.
    static func scopes(_ scopes: [String]?) -> JSON {
        scopes.map { .array($0.map(JSON.string)) } ?? .null
    }

    /// `AdminApiKeyCreateResponse`: the key and, this once, its whole secret as `value`.
    static func createdAdminKey(_ created: Organization.CreatedAdminKey) -> JSON {
        guard case .object(var members) = adminKey(created.key) else { return adminKey(created.key) }
        members.append(("value", .string(created.secret)))
        return .object(members)
    }

    /// The `owner` of an admin key: always a user. `role` is the predefined organization role the user holds
    /// directly, and absent when it holds none (the reference types it as a string, never null).
    private static func keyOwner(_ user: User) -> JSON {
        var members: [(String, JSON)] = [
            ("type", "user"), ("object", "organization.user"), ("id", .string(user.id.rawValue)), ("name", .string(user.name)),
            ("created_at", .int(user.addedAt)),
        ]
        if let role = user.role { members.append(("role", .string(role.rawValue))) }
        return .object(members)
    }
}
