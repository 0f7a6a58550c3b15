import Foundation
import NIOCore
import RosterModel
import RosterStore

extension SQLTransaction {
    package static var projectKeyColumns: String {
        "k.id, k.project_id, k.service_account_id, k.user_id, k.name, k.redacted_value, k.scopes, k.expires_at, k.created_at, k.last_used_at"
    }

    /// Whether key `k`'s owner has access to its project, as `owner_has_access`: a service account with a project role;
    /// an active user who is a direct member or in a group with access. Each part reads a primary key or an index.
    static var ownerAccess: String {
        """
        CASE WHEN (k.service_account_id IS NOT NULL
                   AND EXISTS (SELECT 1 FROM service_accounts s WHERE s.id = k.service_account_id AND s.role <> 'none'))
               OR (k.user_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = k.user_id AND u.active = 1 AND (
                   EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = k.project_id AND pm.user_id = k.user_id)
                   OR EXISTS (SELECT 1 FROM group_members gm JOIN project_groups pg ON pg.group_id = gm.group_id
                              WHERE gm.user_id = k.user_id AND pg.project_id = k.project_id))))
             THEN 1 ELSE 0 END
        """
    }

    package static func projectKey(from row: Row) throws -> ProjectKey {
        let owner: ProjectKey.Owner
        if let account = row.optionalString("service_account_id") {
            owner = .serviceAccount(Identifier(trusted: account))
        } else {
            owner = .user(try row.identifier("user_id"))
        }
        return ProjectKey(
            id: try row.identifier("id"), projectID: try row.identifier("project_id"), owner: owner, name: try row.string("name"),
            redactedValue: try row.string("redacted_value"), createdAt: try row.int("created_at"),
            expiresAt: row.column("expires_at")?.integer, lastUsedAt: row.column("last_used_at")?.integer,
            scopes: try Self.scopes(from: row))
    }

    package func insertProjectKey(_ key: ProjectKey, secretHash: [UInt8]) async throws {
        guard try await exists("projects", id: key.projectID) else { throw StoreError.notFound(.project, key.projectID.rawValue) }
        let account: SQLValue, user: SQLValue
        switch key.owner {
        case .serviceAccount(let id):
            guard try await !query("SELECT 1 FROM service_accounts WHERE id = ? AND project_id = ?", [.text(id.rawValue), .text(key.projectID.rawValue)]).isEmpty else {
                throw StoreError.notFound(.serviceAccount, id.rawValue)
            }
            (account, user) = (.text(id.rawValue), .null)
        case .user(let id):
            guard try await exists("users", id: id) else { throw StoreError.notFound(.user, id.rawValue) }
            (account, user) = (.null, .text(id.rawValue))
        }
        try await query(
            """
            INSERT INTO project_api_keys
                (id, project_id, service_account_id, user_id, name, secret_hash, redacted_value, scopes, expires_at, created_at, last_used_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(key.id.rawValue), .text(key.projectID.rawValue), account, user, .text(key.name),
                .blob(ByteBuffer(bytes: secretHash)), .text(key.redactedValue), Self.scopesData(key.scopes),
                key.expiresAt.map(SQLValue.integer) ?? .null, .integer(key.createdAt), key.lastUsedAt.map(SQLValue.integer) ?? .null,
            ],
            conflictMessage: "That project API key already exists.")
    }

    package func projectKey(id: Identifier) async throws -> ProjectKey {
        let rows = try await query("SELECT \(Self.projectKeyColumns) FROM project_api_keys k WHERE k.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.adminKey, id.rawValue) }
        return try Self.projectKey(from: row)
    }

    package func projectKey(id: Identifier, projectID: Identifier) async throws -> ProjectKeyEntry {
        let rows = try await query(
            "SELECT \(Self.projectKeyColumns), \(Self.ownerAccess) AS owner_has_access FROM project_api_keys k WHERE k.id = ? AND k.project_id = ?",
            [.text(id.rawValue), .text(projectID.rawValue)])
        guard let entry = try await entries(rows).first else { throw StoreError.notFound(.adminKey, id.rawValue) }
        return entry
    }

    package func projectKeys(projectID: Identifier, ownerHasAccess: Bool?, page: PageRequest) async throws -> Page<ProjectKeyEntry> {
        var binds: [SQLValue] = [.text(projectID.rawValue)]
        var filter = ""
        if let ownerHasAccess {
            filter = " AND (\(Self.ownerAccess)) = ?"
            binds.append(.integer(ownerHasAccess ? 1 : 0))
        }
        let (condition, tail) = keyset("k.id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.projectKeyColumns), \(Self.ownerAccess) AS owner_has_access FROM project_api_keys k
            WHERE k.project_id = ?\(filter)\(condition)\(tail)
            """, binds)
        return Page(rows: try await entries(rows), limit: page.limit)
    }

    /// The keys of `rows` with their owners, read in one statement per kind of owner.
    private func entries(_ rows: [Row]) async throws -> [ProjectKeyEntry] {
        let keys = try rows.map { (key: try Self.projectKey(from: $0), access: try $0.bool("owner_has_access")) }
        var accounts: [Identifier: ServiceAccount] = [:]
        var users: [Identifier: (user: User, role: PredefinedProjectRole?)] = [:]
        let accountIDs = Set(keys.compactMap { if case .serviceAccount(let id) = $0.key.owner { id } else { nil } })
        if !accountIDs.isEmpty {
            let found = try await query(
                "SELECT \(Self.serviceAccountColumns) FROM service_accounts s WHERE s.id IN (\(Self.placeholders(accountIDs.count)))",
                accountIDs.map { .text($0.rawValue) })
            for row in found {
                let account = try Self.serviceAccount(from: row)
                accounts[account.id] = account
            }
        }
        // A page's keys are all of one project.
        if let projectID = keys.first?.key.projectID {
            let userIDs = Set(keys.compactMap { if case .user(let id) = $0.key.owner { id } else { nil } })
            if !userIDs.isEmpty {
                let found = try await query(
                    """
                    SELECT \(Self.userColumns), \(Self.projectRoleRank(user: "u.id", project: "?")) FROM users u
                    WHERE u.id IN (\(Self.placeholders(userIDs.count)))
                    """,
                    [.text(projectID.rawValue)] + userIDs.map { .text($0.rawValue) })
                for row in found {
                    let user = try Self.user(from: row)
                    users[user.id] = (user, Self.projectRole(from: row))
                }
            }
        }
        return try keys.map { key, access in
            let owner: ProjectKeyEntry.Owner
            switch key.owner {
            case .serviceAccount(let id):
                guard let account = accounts[id] else { throw StoreError.unavailable("project key \(key.id) has no service account") }
                owner = .serviceAccount(account)
            case .user(let id):
                guard let user = users[id] else { throw StoreError.unavailable("project key \(key.id) has no user") }
                owner = .user(user.user, role: user.role)
            }
            return ProjectKeyEntry(key: key, owner: owner, ownerHasAccess: access)
        }
    }

    package func projectKeys(owner: ProjectKey.Owner) async throws -> [ProjectKey] {
        let column = if case .serviceAccount = owner { "service_account_id" } else { "user_id" }
        return try await query(
            "SELECT \(Self.projectKeyColumns) FROM project_api_keys k WHERE k.\(column) = ? ORDER BY k.id", [.text(owner.id.rawValue)]
        ).map(Self.projectKey(from:))
    }

    package func updateProjectKey(_ key: ProjectKey) async throws {
        try await query(
            "UPDATE project_api_keys SET name = ?, scopes = ?, expires_at = ? WHERE id = ?",
            [.text(key.name), Self.scopesData(key.scopes), key.expiresAt.map(SQLValue.integer) ?? .null, .text(key.id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.adminKey, key.id.rawValue) }
    }

    package func deleteProjectKey(id: Identifier) async throws {
        try await query("DELETE FROM project_api_keys WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.adminKey, id.rawValue) }
    }

    package func recordProjectKeyUse(_ lastUsed: [Identifier: Int]) async throws {
        try await recordUse(lastUsed, in: "project_api_keys")
    }
}
