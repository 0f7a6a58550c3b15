import RosterModel
import RosterStore
import SQLiteNIO

extension SQLiteTransaction: GroupStore {
    static func group(from row: SQLiteRow) throws -> Group {
        Group(
            id: try row.identifier("id"), name: try row.string("name"), createdAt: try row.int("created_at"),
            isSCIMManaged: try row.bool("is_scim_managed"))
    }

    func insertGroup(_ group: Group) async throws {
        try await query(
            "INSERT INTO groups (id, name, name_key, created_at, is_scim_managed) VALUES (?, ?, ?, ?, ?)",
            [
                .text(group.id.rawValue), .text(group.name), .text(Validation.comparisonKey(group.name)),
                .integer(group.createdAt), .integer(group.isSCIMManaged ? 1 : 0),
            ],
            conflictMessage: "A group named '\(group.name)' already exists.")
    }

    func group(id: Identifier) async throws -> Group {
        let rows = try await query("SELECT * FROM groups WHERE id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.group, id.rawValue) }
        return try Self.group(from: row)
    }

    func group(name: String) async throws -> Group? {
        try await query("SELECT * FROM groups WHERE name_key = ?", [.text(Validation.comparisonKey(name))]).first.map(Self.group(from:))
    }

    func groups(page: PageRequest) async throws -> Page<Group> {
        var binds: [SQLiteData] = []
        let (condition, tail) = keyset("id", page, binds: &binds)
        let rows = try await query("SELECT * FROM groups WHERE 1 = 1\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.group(from:)), limit: page.limit)
    }

    func updateGroup(_ group: Group) async throws {
        try await query(
            "UPDATE groups SET name = ?, name_key = ? WHERE id = ?",
            [.text(group.name), .text(Validation.comparisonKey(group.name)), .text(group.id.rawValue)],
            conflictMessage: "A group named '\(group.name)' already exists.")
        if try await changes() == 0 { throw StoreError.notFound(.group, group.id.rawValue) }
    }

    func deleteGroup(id: Identifier) async throws {
        try await query("DELETE FROM groups WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.group, id.rawValue) }
    }

    func addMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        guard try await exists("groups", id: groupID) else { throw StoreError.notFound(.group, groupID.rawValue) }
        guard try await exists("users", id: userID) else { throw StoreError.notFound(.user, userID.rawValue) }
        try await query(
            "INSERT INTO group_members (group_id, user_id, created_at) VALUES (?, ?, unixepoch()) ON CONFLICT DO NOTHING",
            [.text(groupID.rawValue), .text(userID.rawValue)])
        return try await changes() > 0
    }

    func removeMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        try await query(
            "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [.text(groupID.rawValue), .text(userID.rawValue)])
        return try await changes() > 0
    }

    func isMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        try await !query(
            "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", [.text(groupID.rawValue), .text(userID.rawValue)]
        ).isEmpty
    }

    func members(groupID: Identifier, page: PageRequest) async throws -> Page<User> {
        var binds: [SQLiteData] = [.text(groupID.rawValue)]
        let (condition, tail) = keyset("gm.user_id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.userColumns) FROM group_members gm JOIN users u ON u.id = gm.user_id
            WHERE gm.group_id = ?\(condition)\(tail)
            """, binds)
        return Page(rows: try rows.map(Self.user(from:)), limit: page.limit)
    }

    func allMembers(groupID: Identifier) async throws -> [User] {
        try await query(
            """
            SELECT \(Self.userColumns) FROM group_members gm JOIN users u ON u.id = gm.user_id
            WHERE gm.group_id = ? ORDER BY gm.user_id
            """, [.text(groupID.rawValue)]
        ).map(Self.user(from:))
    }

    func groups(ofUser userID: Identifier) async throws -> [Group] {
        try await query(
            "SELECT g.* FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = ? ORDER BY g.id",
            [.text(userID.rawValue)]
        ).map(Self.group(from:))
    }
}
