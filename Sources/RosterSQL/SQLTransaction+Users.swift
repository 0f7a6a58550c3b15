import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    /// The user columns, with the predefined organization role the user holds directly: `min` picks `owner` over
    /// `reader`; project roles do not count.
    package static var userColumns: String {
        """
            u.id, u.email, u.name, u.created_at, u.is_scim_managed, u.technical_level, u.developer_persona,
            u.user_name, u.external_id, u.active, u.version, u.updated_at,
            (SELECT min(r.name) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
              WHERE ur.user_id = u.id AND r.is_predefined = 1 AND r.project_id IS NULL) AS role
            """
    }

    package static func user(from row: Row) throws -> User {
        User(
            id: try row.identifier("id"), email: row.optionalString("email"), name: try row.string("name"),
            addedAt: try row.int("created_at"), role: row.optionalString("role").flatMap(PredefinedRole.init(rawValue:)),
            isSCIMManaged: try row.bool("is_scim_managed"), technicalLevel: row.optionalString("technical_level"),
            developerPersona: row.optionalString("developer_persona"), userName: try row.string("user_name"),
            externalID: row.optionalString("external_id"), isActive: try row.bool("active"), version: try row.int("version"),
            updatedAt: try row.int("updated_at"))
    }

    private static func conflictMessage(_ user: User) -> String {
        "A user with email '\(user.email ?? "")' or user name '\(user.userName)' already exists."
    }

    package func insertUser(_ user: User) async throws {
        try await query(
            """
            INSERT INTO users (id, email, email_key, name, created_at, is_scim_managed, technical_level, developer_persona,
                               user_name, user_name_key, external_id, active, version, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
            """,
            [
                .text(user.id.rawValue), .optional(user.email), .optional(user.email.map(Validation.comparisonKey)), .text(user.name),
                .integer(user.addedAt), .integer(user.isSCIMManaged ? 1 : 0), .optional(user.technicalLevel),
                .optional(user.developerPersona), .text(user.userName), .text(Validation.comparisonKey(user.userName)),
                .optional(user.externalID), .integer(user.isActive ? 1 : 0), .integer(user.updatedAt),
            ],
            conflictMessage: Self.conflictMessage(user))
        if let role = user.role {
            _ = try await assign(roleID: try await self.role(predefined: role).id, to: .user(user.id))
        }
    }

    package func user(id: Identifier) async throws -> User {
        let rows = try await query("SELECT \(Self.userColumns) FROM users u WHERE u.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.user, id.rawValue) }
        return try Self.user(from: row)
    }

    package func user(email: String) async throws -> User? {
        try await query("SELECT \(Self.userColumns) FROM users u WHERE u.email_key = ?", [.text(Validation.comparisonKey(email))])
            .first.map(Self.user(from:))
    }

    package func users(emails: [String]?, includeInactive: Bool, page: PageRequest) async throws -> Page<User> {
        var binds: [SQLValue] = []
        var filter = includeInactive ? "" : " AND u.active = 1"
        if let emails {
            if emails.isEmpty { return Page(items: [], hasMore: false) }
            filter += " AND u.email_key IN (\(Self.placeholders(emails.count)))"
            binds += emails.map { .text(Validation.comparisonKey($0)) }
        }
        let (condition, tail) = keyset("u.id", page, binds: &binds)
        let rows = try await query("SELECT \(Self.userColumns) FROM users u WHERE 1 = 1\(filter)\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.user(from:)), limit: page.limit)
    }

    package func updateUser(_ user: User) async throws {
        try await query(
            """
            UPDATE users SET email = ?, email_key = ?, name = ?, technical_level = ?, developer_persona = ?,
                is_scim_managed = ?, user_name = ?, user_name_key = ?, external_id = ?, active = ?,
                version = version + 1, updated_at = ?
            WHERE id = ?
            """,
            [
                .optional(user.email), .optional(user.email.map(Validation.comparisonKey)), .text(user.name), .optional(user.technicalLevel),
                .optional(user.developerPersona), .integer(user.isSCIMManaged ? 1 : 0), .text(user.userName),
                .text(Validation.comparisonKey(user.userName)), .optional(user.externalID), .integer(user.isActive ? 1 : 0),
                .integer(user.updatedAt), .text(user.id.rawValue),
            ],
            conflictMessage: Self.conflictMessage(user))
        if try await changes() == 0 { throw StoreError.notFound(.user, user.id.rawValue) }
    }

    package func deleteUser(id: Identifier) async throws {
        // Memberships, role assignments and keys go by ON DELETE CASCADE, in this same statement.
        try await query("DELETE FROM users WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.user, id.rawValue) }
    }

    package func firstOwner() async throws -> User? {
        let rows = try await query(
            """
            SELECT \(Self.userColumns) FROM users u
            WHERE u.active = 1
              AND u.id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                           WHERE r.is_predefined = 1 AND r.name = 'owner' AND r.resource_type = ?)
            ORDER BY u.id LIMIT 1
            """, [.text(ResourceType.organization)])
        return try rows.first.map(Self.user(from:))
    }

    package func activeOwnerCount() async throws -> Int {
        try await query(
            """
            SELECT count(*) AS n FROM user_roles ur JOIN users u ON u.id = ur.user_id
            WHERE ur.role_id = (SELECT r.id FROM roles r WHERE r.resource_type = ? AND r.name_key = 'owner' AND r.is_predefined = 1)
              AND u.active = 1
            """, [.text(ResourceType.organization)]
        ).first?.column("n")?.integer ?? 0
    }

    package func user(userName: String) async throws -> User? {
        try await query(
            "SELECT \(Self.userColumns) FROM users u WHERE u.user_name_key = ?", [.text(Validation.comparisonKey(userName))]
        ).first.map(Self.user(from:))
    }

    package func users(externalID: String) async throws -> [User] {
        try await query("SELECT \(Self.userColumns) FROM users u WHERE u.external_id = ? ORDER BY u.id", [.text(externalID)])
            .map(Self.user(from:))
    }

    package func userCount() async throws -> Int {
        try await query("SELECT count(*) AS n FROM users").first?.column("n")?.integer ?? 0
    }

    package func users(offset: Int, limit: Int) async throws -> [User] {
        // SCIM pages by position (startIndex), which only OFFSET can answer.
        try await query(
            "SELECT \(Self.userColumns) FROM users u ORDER BY u.id LIMIT ? OFFSET ?", [.integer(limit), .integer(offset)]
        ).map(Self.user(from:))
    }

    package func scimAttributes(ofUsers ids: [Identifier]) async throws -> [Identifier: JSON] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await query(
            "SELECT id, scim_attributes FROM users WHERE id IN (\(Self.placeholders(ids.count)))",
            ids.map { .text($0.rawValue) })
        var attributes: [Identifier: JSON] = [:]
        for row in rows {
            guard let kept = try Self.scimAttributes(from: row) else { continue }
            attributes[try row.identifier("id")] = kept
        }
        return attributes
    }

    /// The SCIM attributes kept in a row's `scim_attributes` column; nil when the user has none.
    static func scimAttributes(from row: Row) throws -> JSON? {
        try row.optionalString("scim_attributes").map { try JSON.parse(Array($0.utf8)) }
    }

    package func setSCIMAttributes(_ attributes: JSON?, ofUser id: Identifier) async throws {
        try await query(
            "UPDATE users SET scim_attributes = ? WHERE id = ?", [.optional(attributes?.serialized), .text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.user, id.rawValue) }
    }
}
