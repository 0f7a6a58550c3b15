import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    /// Role columns with the creator's name and email; use with `roleSource`.
    package static var roleColumns: String {
        """
            r.id, r.name, r.description, r.permissions, r.resource_type, r.is_predefined, r.created_at, r.updated_at,
            r.created_by, cu.name AS creator_name, cu.email AS creator_email, r.project_id
            """
    }
    package static var roleSource: String { "roles r \(creatorJoin)" }
    /// Joins the creator of role `r`, for `roleColumns`.
    package static var creatorJoin: String { "LEFT JOIN users cu ON cu.id = r.created_by" }

    package static func role(from row: Row) throws -> Role {
        let permissions = try JSONDecoder().decode([String].self, from: Data(try row.string("permissions").utf8))
        var creator: UserReference?
        if let creatorID = row.optionalString("created_by") {
            creator = UserReference(
                id: Identifier(trusted: creatorID), name: row.optionalString("creator_name") ?? "",
                email: row.optionalString("creator_email"))
        }
        return Role(
            id: try row.identifier("id"), name: try row.string("name"), description: row.optionalString("description"),
            permissions: permissions, resourceType: try row.string("resource_type"),
            isPredefined: try row.bool("is_predefined"), createdAt: try row.int("created_at"),
            updatedAt: try row.int("updated_at"), createdBy: creator,
            projectID: row.optionalString("project_id").map(Identifier.init(trusted:)))
    }

    private static func encode(_ permissions: [String]) throws -> SQLValue {
        .text(String(decoding: try JSONEncoder().encode(permissions), as: UTF8.self))
    }

    package func insertRole(_ role: Role) async throws {
        try await query(
            """
            INSERT INTO roles (id, name, name_key, description, permissions, resource_type, is_predefined, created_at, updated_at,
                               created_by, project_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(role.id.rawValue), .text(role.name), .text(Validation.comparisonKey(role.name)), role.description.map(SQLValue.text) ?? .null,
                try Self.encode(role.permissions), .text(role.resourceType), .integer(role.isPredefined ? 1 : 0),
                .integer(role.createdAt), .integer(role.updatedAt), role.createdBy.map { .text($0.id.rawValue) } ?? .null,
                .optional(role.projectID?.rawValue),
            ],
            conflictMessage: "A role named '\(role.name)' already exists.")
    }

    package func role(id: Identifier) async throws -> Role {
        let rows = try await query("SELECT \(Self.roleColumns) FROM \(Self.roleSource) WHERE r.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.role, id.rawValue) }
        return try Self.role(from: row)
    }

    package func role(name: String, scope: RoleScope) async throws -> Role? {
        var binds: [SQLValue] = [.text(scope.resourceType), .text(Validation.comparisonKey(name))]
        let projectCondition = Self.projectCondition(scope, binds: &binds)
        return try await query(
            "SELECT \(Self.roleColumns) FROM \(Self.roleSource) WHERE r.resource_type = ? AND r.name_key = ?\(projectCondition)",
            binds
        ).first.map(Self.role(from:))
    }

    /// The condition that keeps the roles of `scope`, appending its bind.
    package static func projectCondition(_ scope: RoleScope, binds: inout [SQLValue], column: String = "r.project_id") -> String {
        guard let projectID = scope.projectID else { return " AND \(column) IS NULL" }
        binds.append(.text(projectID.rawValue))
        return " AND \(column) = ?"
    }

    package func role(predefined: PredefinedRole) async throws -> Role {
        let rows = try await query(
            "SELECT \(Self.roleColumns) FROM \(Self.roleSource) WHERE r.resource_type = ? AND r.name_key = ? AND r.is_predefined = 1",
            [.text(ResourceType.organization), .text(Validation.comparisonKey(predefined.rawValue))])
        guard let row = rows.first else { throw StoreError.notFound(.role, predefined.rawValue) }
        return try Self.role(from: row)
    }

    package func roles(scope: RoleScope, page: PageRequest) async throws -> Page<Role> {
        var binds: [SQLValue] = []
        let projectCondition = Self.projectCondition(scope, binds: &binds)
        binds.append(.text(scope.resourceType))
        let (condition, tail) = keyset("r.id", page, binds: &binds)
        let rows = try await query(
            "SELECT \(Self.roleColumns) FROM \(Self.roleSource) WHERE 1 = 1\(projectCondition) AND r.resource_type = ?\(condition)\(tail)",
            binds)
        return Page(rows: try rows.map(Self.role(from:)), limit: page.limit)
    }

    package func updateRole(_ role: Role) async throws {
        try await query(
            "UPDATE roles SET name = ?, name_key = ?, description = ?, permissions = ?, updated_at = ? WHERE id = ?",
            [
                .text(role.name), .text(Validation.comparisonKey(role.name)), role.description.map(SQLValue.text) ?? .null, try Self.encode(role.permissions),
                .integer(role.updatedAt), .text(role.id.rawValue),
            ],
            conflictMessage: "A role named '\(role.name)' already exists.")
        if try await changes() == 0 { throw StoreError.notFound(.role, role.id.rawValue) }
    }

    package func deleteRole(id: Identifier) async throws {
        // Assignments to users and groups go by ON DELETE CASCADE, in this same statement.
        try await query("DELETE FROM roles WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.role, id.rawValue) }
    }
}
