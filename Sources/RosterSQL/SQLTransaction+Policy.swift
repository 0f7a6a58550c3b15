import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    package func changes(after revision: Int, limit: Int) async throws -> PolicyChanges {
        let bounds = try await query(
            "SELECT coalesce((SELECT max(revision) FROM revisions), 0) AS latest, coalesce((SELECT min(revision) FROM revisions), 0) AS oldest"
        ).first
        let latest = bounds?.column("latest")?.integer ?? 0
        guard latest > revision else { return PolicyChanges(revision: latest, entities: []) }
        // Revisions after `revision` were pruned: the entities they touched are not known any more.
        guard revision >= (bounds?.column("oldest")?.integer ?? 0) - 1 else { return PolicyChanges(revision: latest, entities: nil) }
        let rows = try await query(
            "SELECT kind, entity FROM changes WHERE revision > ? AND revision <= ? LIMIT ?",
            [.integer(revision), .integer(latest), .integer(limit + 1)])
        guard rows.count <= limit else { return PolicyChanges(revision: latest, entities: nil) }
        var entities: Set<PolicyEntity> = []
        for row in rows {
            guard let entity = PolicyEntity(kind: try row.string("kind"), entity: try row.string("entity")) else {
                throw StoreError.unavailable("the change feed names an unknown kind of entity")
            }
            entities.insert(entity)
        }
        return PolicyChanges(revision: latest, entities: entities)
    }

    package func pruneChanges(committedBefore time: Int) async throws {
        // The last revision to go: the newest committed before `time`, short of the latest.
        let row = try await query(
            """
            SELECT \(Self.dialect.least)(coalesce((SELECT max(revision) FROM revisions WHERE committed_at < ?), 0),
                         coalesce((SELECT max(revision) FROM revisions), 0) - 1) AS cut
            """, [.integer(time)]).first
        guard let cut = row?.column("cut")?.integer, cut > 0 else { return }
        try await query("DELETE FROM changes WHERE revision <= ?", [.integer(cut)])
        try await query("DELETE FROM revisions WHERE revision <= ?", [.integer(cut)])
    }

    package func policyRecords(_ selection: PolicySelection?) async throws -> PolicyRecords {
        var records = PolicyRecords()
        // Identifiers read again and again (a group in 100 memberships, a user in 10) share one string.
        var known: [String: Identifier] = [:]
        func intern(_ raw: String) -> Identifier {
            if let id = known[raw] { return id }
            let id = Identifier(trusted: raw)
            known[raw] = id
            return id
        }
        func identifier(_ row: Row, _ column: String) throws -> Identifier { intern(try row.string(column)) }
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
        try await forEach(selection?.users, "SELECT \(Self.userColumns), u.scim_attributes FROM users u", where: "u.id") {
            let user = try Self.user(from: $0)
            known[user.id.rawValue] = user.id
            records.users.append(user)
            if let attributes = try Self.scimAttributes(from: $0) { records.scimAttributes.append((user.id, attributes)) }
        }
        try await forEach(selection?.users, "SELECT user_id, role_id FROM user_roles", where: "user_id") {
            records.userRoles.append((try identifier($0, "user_id"), try identifier($0, "role_id")))
        }
        // By user (the covering index's order): a user's id is looked up once for all its memberships, and each
        // user's groups come in identifier order.
        var previousUser: Identifier?
        try await forEach(
            selection?.users, "SELECT user_id, group_id FROM group_members", where: "user_id", orderedBy: "user_id, group_id"
        ) {
            let raw = try $0.string("user_id")
            let user = previousUser.flatMap { $0.rawValue == raw ? $0 : nil } ?? intern(raw)
            previousUser = user
            records.memberships.append((user, try identifier($0, "group_id")))
        }
        try await forEach(selection?.keys, "SELECT \(Self.keyColumns), secret_hash FROM admin_keys", where: "id") {
            records.keys.append((try Self.adminKey(from: $0), try $0.bytes("secret_hash")))
        }
        try await forEach(selection?.users, "SELECT user_id, project_id FROM project_members", where: "user_id") {
            records.userProjects.append((try identifier($0, "user_id"), try identifier($0, "project_id")))
        }
        try await forEach(selection?.groups, "SELECT group_id, project_id FROM project_groups", where: "group_id") {
            records.groupProjects.append((try identifier($0, "group_id"), try identifier($0, "project_id")))
        }
        try await forEach(selection?.projects, "SELECT \(Self.projectColumns) FROM projects p", where: "p.id") {
            let project = try Self.project(from: $0)
            known[project.id.rawValue] = project.id
            records.projects.append(project)
        }
        try await forEach(selection?.projects, "SELECT project_id, mode, model_ids FROM project_model_permissions", where: "project_id") {
            records.modelPermissions.append((try identifier($0, "project_id"), try Self.modelPermissions(from: $0)))
        }
        try await forEach(selection?.projects, "SELECT project_id, tool FROM project_disabled_tools", where: "project_id") {
            // A tool this version does not know is not one it can switch off.
            if let tool = HostedTool(rawValue: try $0.string("tool")) { records.disabledTools.append((try identifier($0, "project_id"), tool)) }
        }
        try await forEach(selection?.projects, "SELECT project_id, model, limits FROM project_rate_limits", where: "project_id") {
            records.rateLimits.append((try identifier($0, "project_id"), try $0.string("model"), try Self.rateLimits(from: $0)))
        }
        try await forEach(selection?.projects, "SELECT \(Self.serviceAccountColumns) FROM service_accounts s", where: "s.project_id") {
            records.serviceAccounts.append(try Self.serviceAccount(from: $0))
        }
        try await forEach(selection?.models, "SELECT id, limits FROM models", where: "id") {
            records.models.append(Model(id: try $0.string("id"), defaultLimits: try Self.rateLimits(from: $0)))
        }
        try await forEach(selection?.projectKeys, "SELECT \(Self.projectKeyColumns), k.secret_hash FROM project_api_keys k", where: "k.id") {
            records.projectKeys.append((try Self.projectKey(from: $0), try $0.bytes("secret_hash")))
        }
        return records
    }

    /// Runs `sql` over every row when `ids` is nil, else over the rows whose `column` is one of `ids` (in chunks that
    /// keep each statement's parameters few), calling `body` with each row as it is read; with `order`, in that order
    /// within each chunk.
    private func forEach(
        _ ids: [Identifier]?, _ sql: String, where column: String, orderedBy order: String? = nil, _ body: (Row) throws -> Void
    ) async throws {
        try await forEach(ids?.map(\.rawValue), sql, where: column, orderedBy: order, body)
    }

    private func forEach(
        _ ids: [String]?, _ sql: String, where column: String, orderedBy order: String? = nil, _ body: (Row) throws -> Void
    ) async throws {
        let ordering = order.map { " ORDER BY \($0)" } ?? ""
        guard let ids else {
            try await forEachRow(sql + ordering, [], wholeTable: true, body)
            return
        }
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + 500, ids.count)]
            try await forEachRow(
                "\(sql) WHERE \(column) IN (\(Self.placeholders(chunk.count)))\(ordering)", chunk.map { .text($0) }, body)
            start += chunk.count
        }
    }
}

extension PolicyEntity {
    /// The entity a row of the change feed's `changes` table names (`kind`, `entity`); nil for an unknown kind.
    init?(kind: String, entity: String) {
        let id = Identifier(trusted: entity)
        switch kind {
        case "model": self = .model(entity)
        case "user": self = .user(id)
        case "group": self = .group(id)
        case "role": self = .role(id)
        case "key": self = .key(id)
        case "project": self = .project(id)
        case "project_key": self = .projectKey(id)
        default: return nil
        }
    }
}
