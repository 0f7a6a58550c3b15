import Foundation
import RosterModel
import RosterStore
import SQLiteNIO

extension SQLiteTransaction: PolicyStore {
    func changes(after revision: Int, limit: Int) async throws -> PolicyChanges {
        let latest = try await query("SELECT coalesce(max(revision), 0) AS n FROM revisions").first?.column("n")?.integer ?? 0
        guard latest > revision else { return PolicyChanges(revision: latest, entities: []) }
        let rows = try await query(
            "SELECT kind, entity FROM changes WHERE revision > ? AND revision <= ? LIMIT ?",
            [.integer(revision), .integer(latest), .integer(limit + 1)])
        guard rows.count <= limit else { return PolicyChanges(revision: latest, entities: nil) }
        var entities: Set<PolicyEntity> = []
        for row in rows {
            let id = try row.identifier("entity")
            switch try row.string("kind") {
            case "user": entities.insert(.user(id))
            case "group": entities.insert(.group(id))
            case "role": entities.insert(.role(id))
            case "key": entities.insert(.key(id))
            case "project": entities.insert(.project(id))
            default: throw StoreError.unavailable("the change feed names an unknown kind of entity")
            }
        }
        return PolicyChanges(revision: latest, entities: entities)
    }

    func policyRecords(_ selection: PolicySelection?) async throws -> PolicyRecords {
        var records = PolicyRecords()
        // Identifiers read again and again (a group in 100 memberships, a user in 10) share one string.
        var known: [String: Identifier] = [:]
        func identifier(_ row: Row, _ column: String) throws -> Identifier {
            let raw = try row.string(column)
            if let id = known[raw] { return id }
            let id = Identifier(trusted: raw)
            known[raw] = id
            return id
        }
        try await forEach(selection?.groups, "SELECT \(Self.groupColumns) FROM groups g", where: "g.id") {
            let group = try Self.group(from: $0)
            known[group.id.rawValue] = group.id
            records.groups.append(group)
        }
        try await forEach(selection?.groups, "SELECT group_id, role_id FROM group_roles", where: "group_id") {
            records.groupRoles.append((try identifier($0, "group_id"), try identifier($0, "role_id")))
        }
        try await forEach(selection?.roles, "SELECT \(Self.roleColumns) FROM \(Self.roleSource)", where: "r.id") {
            records.roles.append(try Self.role(from: $0))
        }
        try await forEach(selection?.users, "SELECT \(Self.userColumns) FROM users u", where: "u.id") {
            let user = try Self.user(from: $0)
            known[user.id.rawValue] = user.id
            records.users.append(user)
        }
        try await forEach(selection?.users, "SELECT user_id, role_id FROM user_roles", where: "user_id") {
            records.userRoles.append((try identifier($0, "user_id"), try identifier($0, "role_id")))
        }
        try await forEach(selection?.users, "SELECT user_id, group_id FROM group_members", where: "user_id") {
            records.memberships.append((try identifier($0, "user_id"), try identifier($0, "group_id")))
        }
        try await forEach(selection?.keys, "SELECT \(Self.keyColumns), secret_hash FROM admin_keys", where: "id") { row in
            guard var stored = row.column("secret_hash")?.blob else { throw StoreError.unavailable("column secret_hash is missing") }
            records.keys.append((try Self.adminKey(from: row), stored.readBytes(length: stored.readableBytes) ?? []))
        }
        try await forEach(selection?.projects, "SELECT id FROM projects", where: "id") {
            records.projects.append(try $0.identifier("id"))
        }
        return records
    }

    /// Runs `sql` over every row when `ids` is nil, else over the rows whose `column` is one of `ids` (in chunks that
    /// stay under SQLite's limit on parameters), calling `body` with each row as it is read.
    private func forEach(
        _ ids: [Identifier]?, _ sql: String, where column: String, _ body: (Row) throws -> Void
    ) async throws {
        guard let ids else {
            try await forEachRow(sql, [], body)
            return
        }
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + 500, ids.count)]
            try await forEachRow("\(sql) WHERE \(column) IN (\(Self.placeholders(chunk.count)))", chunk.map { .text($0.rawValue) }, body)
            start += chunk.count
        }
    }
}
