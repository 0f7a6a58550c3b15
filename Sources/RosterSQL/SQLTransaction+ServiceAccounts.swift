import RosterModel
import RosterStore

extension SQLTransaction {
    package static var serviceAccountColumns: String { "s.id, s.project_id, s.name, s.role, s.created_at" }

    package static func serviceAccount(from row: Row) throws -> ServiceAccount {
        let role = try row.string("role")
        guard let accountRole = ServiceAccount.Role(rawValue: role) else {
            throw StoreError.unavailable("service account role \(role) is unknown")
        }
        return ServiceAccount(
            id: try row.identifier("id"), projectID: try row.identifier("project_id"), name: try row.string("name"),
            role: accountRole, createdAt: try row.int("created_at"))
    }

    package func insertServiceAccount(_ account: ServiceAccount) async throws {
        guard try await exists("projects", id: account.projectID) else {
            throw StoreError.notFound(.project, account.projectID.rawValue)
        }
        try await query(
            "INSERT INTO service_accounts (id, project_id, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
            [
                .text(account.id.rawValue), .text(account.projectID.rawValue), .text(account.name), .text(account.role.rawValue),
                .integer(account.createdAt),
            ],
            conflictMessage: "A service account with id '\(account.id)' already exists.")
    }

    package func serviceAccount(id: Identifier) async throws -> ServiceAccount {
        let rows = try await query(
            "SELECT \(Self.serviceAccountColumns) FROM service_accounts s WHERE s.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.serviceAccount, id.rawValue) }
        return try Self.serviceAccount(from: row)
    }

    package func serviceAccount(id: Identifier, projectID: Identifier) async throws -> ServiceAccount {
        let rows = try await query(
            "SELECT \(Self.serviceAccountColumns) FROM service_accounts s WHERE s.id = ? AND s.project_id = ?",
            [.text(id.rawValue), .text(projectID.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.serviceAccount, id.rawValue) }
        return try Self.serviceAccount(from: row)
    }

    package func serviceAccounts(projectID: Identifier, page: PageRequest) async throws -> Page<ServiceAccount> {
        var binds: [SQLValue] = [.text(projectID.rawValue)]
        let (condition, tail) = keyset("s.id", page, binds: &binds)
        let rows = try await query(
            "SELECT \(Self.serviceAccountColumns) FROM service_accounts s WHERE s.project_id = ?\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.serviceAccount(from:)), limit: page.limit)
    }

    package func updateServiceAccount(_ account: ServiceAccount) async throws {
        try await query(
            "UPDATE service_accounts SET name = ?, role = ? WHERE id = ? AND project_id = ?",
            [.text(account.name), .text(account.role.rawValue), .text(account.id.rawValue), .text(account.projectID.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.serviceAccount, account.id.rawValue) }
    }

    package func deleteServiceAccount(id: Identifier) async throws {
        // Its keys go by ON DELETE CASCADE, in this same statement.
        try await query("DELETE FROM service_accounts WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.serviceAccount, id.rawValue) }
    }
}
