import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    private static func table(for principal: Principal) -> (table: String, column: String, parent: String) {
        switch principal {
        case .user: ("user_roles", "user_id", "users")
        case .group: ("group_roles", "group_id", "groups")
        }
    }

    package func assign(roleID: Identifier, to principal: Principal) async throws -> Bool {
        let (table, column, parent) = Self.table(for: principal)
        guard try await exists(parent, id: principal.id) else {
            throw StoreError.notFound(principal.type == "user" ? .user : .group, principal.id.rawValue)
        }
        guard try await exists("roles", id: roleID) else { throw StoreError.notFound(.role, roleID.rawValue) }
        try await query(
            "INSERT INTO \(table) (\(column), role_id, created_at) VALUES (?, ?, unixepoch()) ON CONFLICT DO NOTHING",
            [.text(principal.id.rawValue), .text(roleID.rawValue)])
        return try await changes() > 0
    }

    package func unassign(roleID: Identifier, from principal: Principal) async throws -> Bool {
        let (table, column, _) = Self.table(for: principal)
        try await query(
            "DELETE FROM \(table) WHERE \(column) = ? AND role_id = ?", [.text(principal.id.rawValue), .text(roleID.rawValue)])
        return try await changes() > 0
    }

    package func isAssigned(roleID: Identifier, to principal: Principal) async throws -> Bool {
        let (table, column, _) = Self.table(for: principal)
        return try await !query(
            "SELECT 1 FROM \(table) WHERE \(column) = ? AND role_id = ?", [.text(principal.id.rawValue), .text(roleID.rawValue)]
        ).isEmpty
    }

    package func roles(ofGroup groupID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole> {
        var binds: [SQLValue] = [.text(groupID.rawValue)]
        let projectCondition = Self.projectCondition(scope, binds: &binds)
        let (condition, tail) = keyset("gr.role_id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.roleColumns) FROM group_roles gr JOIN roles r ON r.id = gr.role_id \(Self.creatorJoin)
            WHERE gr.group_id = ?\(projectCondition)\(condition)\(tail)
            """, binds)
        let roles = try rows.map { AssignedRole(role: try Self.role(from: $0), sources: [.group(groupID)]) }
        return Page(rows: roles, limit: page.limit)
    }

    /// The sources of every role a user holds: its own assignments, then its groups'.
    private static var userRoleSources: String {
        """
            WITH sources (role_id, principal_type, principal_id) AS (
                SELECT role_id, 'user', user_id FROM user_roles WHERE user_id = ?
                UNION ALL
                SELECT gr.role_id, 'group', gr.group_id
                FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id WHERE gm.user_id = ?
            )
            SELECT \(roleColumns), \(dialect.jsonArrays("s.principal_type", "s.principal_id")) AS sources
            FROM sources s JOIN roles r ON r.id = s.role_id \(creatorJoin)
            """
    }

    private static func assignedRole(from row: Row) throws -> AssignedRole {
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(try row.string("sources").utf8))
        let sources = pairs.compactMap { pair -> Principal? in
            guard pair.count == 2 else { return nil }
            let id = Identifier(trusted: pair[1])
            return pair[0] == "user" ? .user(id) : .group(id)
        }
        // The user's own assignment first, then groups by identifier.
        let ordered = sources.sorted { ($0.type == "user" ? 0 : 1, $0.id.rawValue) < ($1.type == "user" ? 0 : 1, $1.id.rawValue) }
        return AssignedRole(role: try role(from: row), sources: ordered)
    }

    package func roles(ofUser userID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole> {
        var binds: [SQLValue] = [.text(userID.rawValue), .text(userID.rawValue)]
        let projectCondition = Self.projectCondition(scope, binds: &binds)
        let (groupBy, key) = Self.dialect.roleSourceGrouping
        let (condition, tail) = keyset(key, page, binds: &binds)
        let rows = try await query(
            "\(Self.userRoleSources) WHERE 1 = 1\(projectCondition)\(condition) GROUP BY \(groupBy)\(tail)", binds)
        return Page(rows: try rows.map(Self.assignedRole(from:)), limit: page.limit)
    }

    package func assignedRole(_ roleID: Identifier, user userID: Identifier) async throws -> AssignedRole? {
        let rows = try await query(
            "\(Self.userRoleSources) WHERE s.role_id = ? GROUP BY \(Self.dialect.roleSourceGrouping.groupBy)",
            [.text(userID.rawValue), .text(userID.rawValue), .text(roleID.rawValue)])
        return try rows.first.map(Self.assignedRole(from:))
    }

    package func allRoles(ofUser userID: Identifier) async throws -> [Role] {
        let rows = try await query(
            """
            SELECT \(Self.roleColumns) FROM roles r \(Self.creatorJoin)
            WHERE r.id IN (
                SELECT role_id FROM user_roles WHERE user_id = ?
                UNION
                SELECT gr.role_id FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id WHERE gm.user_id = ?
            )
            ORDER BY r.id
            """, [.text(userID.rawValue), .text(userID.rawValue)])
        return try rows.map(Self.role(from:))
    }

    package func allRoles(ofGroup groupID: Identifier) async throws -> [Role] {
        let rows = try await query(
            """
            SELECT \(Self.roleColumns) FROM group_roles gr JOIN roles r ON r.id = gr.role_id \(Self.creatorJoin)
            WHERE gr.group_id = ? ORDER BY r.id
            """, [.text(groupID.rawValue)])
        return try rows.map(Self.role(from:))
    }

    package func holders(ofRole roleID: Identifier) async throws -> [Identifier] {
        let rows = try await query(
            """
            SELECT user_id FROM user_roles WHERE role_id = ?
            UNION
            SELECT gm.user_id FROM group_roles gr JOIN group_members gm ON gm.group_id = gr.group_id WHERE gr.role_id = ?
            ORDER BY user_id
            """, [.text(roleID.rawValue), .text(roleID.rawValue)])
        return try rows.map { try $0.identifier("user_id") }
    }
}
