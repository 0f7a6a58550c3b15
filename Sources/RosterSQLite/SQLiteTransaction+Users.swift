import RosterModel
import RosterStore
import SQLiteNIO

extension SQLiteTransaction: UserStore {
    /// The user columns, with the predefined role the user holds directly: `min` picks `owner` over `reader`.
    static let userColumns = """
        u.id, u.email, u.name, u.created_at, u.is_scim_managed, u.technical_level, u.developer_persona,
        (SELECT min(r.name) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
          WHERE ur.user_id = u.id AND r.is_predefined = 1) AS role
        """

    static func user(from row: SQLiteRow) throws -> User {
        User(
            id: try row.identifier("id"), email: try row.string("email"), name: try row.string("name"),
            addedAt: try row.int("created_at"), role: row.optionalString("role").flatMap(PredefinedRole.init(rawValue:)),
            isSCIMManaged: try row.bool("is_scim_managed"), technicalLevel: row.optionalString("technical_level"),
            developerPersona: row.optionalString("developer_persona"))
    }

    func insertUser(_ user: User) async throws {
        try await query(
            """
            INSERT INTO users (id, email, email_key, name, created_at, is_scim_managed, technical_level, developer_persona)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(user.id.rawValue), .text(user.email), .text(Validation.comparisonKey(user.email)), .text(user.name), .integer(user.addedAt),
                .integer(user.isSCIMManaged ? 1 : 0), user.technicalLevel.map(SQLiteData.text) ?? .null,
                user.developerPersona.map(SQLiteData.text) ?? .null,
            ],
            conflictMessage: "A user with email '\(user.email)' already exists.")
        if let role = user.role {
            _ = try await assign(roleID: try await self.role(predefined: role).id, to: .user(user.id))
        }
    }

    func user(id: Identifier) async throws -> User {
        let rows = try await query("SELECT \(Self.userColumns) FROM users u WHERE u.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.user, id.rawValue) }
        return try Self.user(from: row)
    }

    func user(email: String) async throws -> User? {
        try await query("SELECT \(Self.userColumns) FROM users u WHERE u.email_key = ?", [.text(Validation.comparisonKey(email))]).first.map(Self.user(from:))
    }

    func users(emails: [String]?, page: PageRequest) async throws -> Page<User> {
        var binds: [SQLiteData] = []
        var filter = ""
        if let emails {
            if emails.isEmpty { return Page(items: [], hasMore: false) }
            filter = " AND u.email_key IN (\(Array(repeating: "?", count: emails.count).joined(separator: ", ")))"
            binds += emails.map { .text(Validation.comparisonKey($0)) }
        }
        let (condition, tail) = keyset("u.id", page, binds: &binds)
        let rows = try await query("SELECT \(Self.userColumns) FROM users u WHERE 1 = 1\(filter)\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.user(from:)), limit: page.limit)
    }

    func updateUser(_ user: User) async throws {
        try await query(
            "UPDATE users SET email = ?, email_key = ?, name = ?, technical_level = ?, developer_persona = ? WHERE id = ?",
            [
                .text(user.email), .text(Validation.comparisonKey(user.email)), .text(user.name), user.technicalLevel.map(SQLiteData.text) ?? .null,
                user.developerPersona.map(SQLiteData.text) ?? .null, .text(user.id.rawValue),
            ],
            conflictMessage: "A user with email '\(user.email)' already exists.")
        if try await changes() == 0 { throw StoreError.notFound(.user, user.id.rawValue) }
    }

    func deleteUser(id: Identifier) async throws {
        // Memberships, role assignments and keys go by ON DELETE CASCADE, in this same statement.
        try await query("DELETE FROM users WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.user, id.rawValue) }
    }

    func firstOwner() async throws -> User? {
        let rows = try await query(
            """
            SELECT \(Self.userColumns) FROM users u
            WHERE u.id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                           WHERE r.is_predefined = 1 AND r.name = 'owner' AND r.resource_type = ?)
            ORDER BY u.id LIMIT 1
            """, [.text(ResourceType.organization)])
        return try rows.first.map(Self.user(from:))
    }
}
