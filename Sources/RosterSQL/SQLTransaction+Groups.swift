import RosterModel
import RosterStore

extension SQLTransaction {
    package static var groupColumns: String { "g.id, g.name, g.created_at, g.is_scim_managed, g.external_id, g.version, g.updated_at" }

    package static func group(from row: Row) throws -> Group {
        Group(
            id: try row.identifier("id"), name: try row.string("name"), createdAt: try row.int("created_at"),
            isSCIMManaged: try row.bool("is_scim_managed"), externalID: row.optionalString("external_id"),
            version: try row.int("version"), updatedAt: try row.int("updated_at"))
    }

    package func insertGroup(_ group: Group) async throws {
        try await query(
            """
            INSERT INTO groups (id, name, name_key, created_at, is_scim_managed, external_id, version, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, 1, ?)
            """,
            [
                .text(group.id.rawValue), .text(group.name), .text(Validation.comparisonKey(group.name)),
                .integer(group.createdAt), .integer(group.isSCIMManaged ? 1 : 0), .optional(group.externalID),
                .integer(group.updatedAt),
            ],
            conflictMessage: "A group named '\(group.name)' already exists.")
    }

    package func group(id: Identifier) async throws -> Group {
        let rows = try await query("SELECT \(Self.groupColumns) FROM groups g WHERE g.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.group, id.rawValue) }
        return try Self.group(from: row)
    }

    package func group(name: String) async throws -> Group? {
        try await query("SELECT \(Self.groupColumns) FROM groups g WHERE g.name_key = ?", [.text(Validation.comparisonKey(name))])
            .first.map(Self.group(from:))
    }

    package func groups(page: PageRequest) async throws -> Page<Group> {
        var binds: [SQLValue] = []
        let (condition, tail) = keyset("g.id", page, binds: &binds)
        let rows = try await query("SELECT \(Self.groupColumns) FROM groups g WHERE 1 = 1\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.group(from:)), limit: page.limit)
    }

    package func updateGroup(_ group: Group) async throws {
        try await query(
            """
            UPDATE groups SET name = ?, name_key = ?, is_scim_managed = ?, external_id = ?, version = version + 1, updated_at = ?
            WHERE id = ?
            """,
            [
                .text(group.name), .text(Validation.comparisonKey(group.name)), .integer(group.isSCIMManaged ? 1 : 0),
                .optional(group.externalID), .integer(group.updatedAt), .text(group.id.rawValue),
            ],
            conflictMessage: "A group named '\(group.name)' already exists.")
        if try await changes() == 0 { throw StoreError.notFound(.group, group.id.rawValue) }
    }

    package func deleteGroup(id: Identifier) async throws {
        try await query("DELETE FROM groups WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.group, id.rawValue) }
    }

    package func addMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        guard try await exists("groups", id: groupID) else { throw StoreError.notFound(.group, groupID.rawValue) }
        guard try await exists("users", id: userID) else { throw StoreError.notFound(.user, userID.rawValue) }
        try await query(
            "INSERT INTO group_members (group_id, user_id, created_at) VALUES (?, ?, unixepoch()) ON CONFLICT DO NOTHING",
            [.text(groupID.rawValue), .text(userID.rawValue)])
        guard try await changes() > 0 else { return false }
        try await touchGroup(groupID)
        return true
    }

    package func removeMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        try await query(
            "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [.text(groupID.rawValue), .text(userID.rawValue)])
        guard try await changes() > 0 else { return false }
        try await touchGroup(groupID)
        return true
    }

    /// A membership change is a change of the group: bump its version and `updated_at`.
    private func touchGroup(_ groupID: Identifier) async throws {
        try await query(
            "UPDATE groups SET version = version + 1, updated_at = unixepoch() WHERE id = ?", [.text(groupID.rawValue)])
    }

    package func isMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        try await !query(
            "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", [.text(groupID.rawValue), .text(userID.rawValue)]
        ).isEmpty
    }

    package func members(groupID: Identifier, page: PageRequest) async throws -> Page<User> {
        var binds: [SQLValue] = [.text(groupID.rawValue)]
        let (condition, tail) = keyset("gm.user_id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.userColumns) FROM group_members gm JOIN users u ON u.id = gm.user_id
            WHERE gm.group_id = ?\(condition)\(tail)
            """, binds)
        return Page(rows: try rows.map(Self.user(from:)), limit: page.limit)
    }

    package func allMembers(groupID: Identifier) async throws -> [User] {
        try await members(ofGroups: [groupID])[groupID] ?? []
    }

    package func members(ofGroups groupIDs: [Identifier]) async throws -> [Identifier: [User]] {
        guard !groupIDs.isEmpty else { return [:] }
        let rows = try await query(
            """
            SELECT gm.group_id, \(Self.userColumns) FROM group_members gm JOIN users u ON u.id = gm.user_id
            WHERE gm.group_id IN (\(Self.placeholders(groupIDs.count))) ORDER BY gm.group_id, gm.user_id
            """, groupIDs.map { .text($0.rawValue) })
        return try Dictionary(grouping: rows) { try $0.identifier("group_id") }.mapValues { try $0.map(Self.user(from:)) }
    }

    package func groups(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [Group]] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await query(
            """
            SELECT gm.user_id, \(Self.groupColumns) FROM group_members gm JOIN groups g ON g.id = gm.group_id
            WHERE gm.user_id IN (\(Self.placeholders(userIDs.count))) ORDER BY gm.user_id, gm.group_id
            """, userIDs.map { .text($0.rawValue) })
        return try Dictionary(grouping: rows) { try $0.identifier("user_id") }.mapValues { try $0.map(Self.group(from:)) }
    }

    package func groupCount() async throws -> Int {
        try await query("SELECT count(*) AS n FROM groups").first?.column("n")?.integer ?? 0
    }

    package func groups(offset: Int, limit: Int) async throws -> [Group] {
        // SCIM pages by position (startIndex), which only OFFSET can answer.
        try await query(
            "SELECT \(Self.groupColumns) FROM groups g ORDER BY g.id LIMIT ? OFFSET ?", [.integer(limit), .integer(offset)]
        ).map(Self.group(from:))
    }

    package func groups(externalID: String) async throws -> [Group] {
        try await query("SELECT \(Self.groupColumns) FROM groups g WHERE g.external_id = ? ORDER BY g.id", [.text(externalID)])
            .map(Self.group(from:))
    }
}
