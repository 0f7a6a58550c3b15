import RosterModel
import RosterStore

extension SQLTransaction {
    package static var projectColumns: String { "p.id, p.name, p.created_at, p.archived_at, p.external_key_id, p.residency" }

    package static func project(from row: Row) throws -> Project {
        Project(
            id: try row.identifier("id"), name: try row.string("name"), createdAt: try row.int("created_at"),
            archivedAt: row.column("archived_at")?.integer, externalKeyID: row.optionalString("external_key_id"),
            residency: row.optionalString("residency"))
    }

    /// The predefined project role that user `userColumn` holds directly in project `projectColumn`, as its rank in
    /// `PredefinedProjectRole.allCases` (strongest first), so that `min` picks `owner` over `member` over `viewer`.
    /// Reads `user_roles` by its primary key and each role by its own.
    static func projectRoleRank(user userColumn: String, project projectColumn: String) -> String {
        let ranks = PredefinedProjectRole.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ")
        return """
            (SELECT min(CASE r.name \(ranks) END) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
              WHERE ur.user_id = \(userColumn) AND r.project_id = \(projectColumn) AND r.is_predefined = 1) AS project_role
            """
    }

    static func projectRole(from row: Row) -> PredefinedProjectRole? {
        guard let rank = row.column("project_role")?.integer, PredefinedProjectRole.allCases.indices.contains(rank) else {
            return nil
        }
        return PredefinedProjectRole.allCases[rank]
    }

    package func insertProject(_ project: Project) async throws {
        try await query(
            "INSERT INTO projects (id, name, created_at, archived_at, external_key_id, residency) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(project.id.rawValue), .text(project.name), .integer(project.createdAt),
                project.archivedAt.map(SQLValue.integer) ?? .null, .optional(project.externalKeyID), .optional(project.residency),
            ],
            conflictMessage: "A project with id '\(project.id)' already exists.")
    }

    package func project(id: Identifier) async throws -> Project {
        let rows = try await query("SELECT \(Self.projectColumns) FROM projects p WHERE p.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.project, id.rawValue) }
        return try Self.project(from: row)
    }

    package func projects(includeArchived: Bool, page: PageRequest) async throws -> Page<Project> {
        var binds: [SQLValue] = []
        let (condition, tail) = keyset("p.id", page, binds: &binds)
        // Without archived projects, the list reads the partial index `projects_active`.
        let source = includeArchived ? "projects p WHERE 1 = 1" : Self.dialect.activeProjects
        let rows = try await query("SELECT \(Self.projectColumns) FROM \(source)\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.project(from:)), limit: page.limit)
    }

    package func updateProject(_ project: Project) async throws {
        try await query(
            "UPDATE projects SET name = ?, external_key_id = ?, residency = ?, archived_at = ? WHERE id = ?",
            [
                .text(project.name), .optional(project.externalKeyID), .optional(project.residency),
                project.archivedAt.map(SQLValue.integer) ?? .null, .text(project.id.rawValue),
            ])
        if try await changes() == 0 { throw StoreError.notFound(.project, project.id.rawValue) }
    }

    package func addProjectMember(projectID: Identifier, userID: Identifier, addedAt: Int) async throws -> Bool {
        guard try await exists("projects", id: projectID) else { throw StoreError.notFound(.project, projectID.rawValue) }
        guard try await exists("users", id: userID) else { throw StoreError.notFound(.user, userID.rawValue) }
        try await query(
            "INSERT INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(projectID.rawValue), .text(userID.rawValue), .integer(addedAt)])
        return try await changes() > 0
    }

    package func removeProjectMember(projectID: Identifier, userID: Identifier) async throws -> Bool {
        try await query(
            "DELETE FROM project_members WHERE project_id = ? AND user_id = ?", [.text(projectID.rawValue), .text(userID.rawValue)])
        return try await changes() > 0
    }

    /// A member row: the user's columns, when it joined and its predefined role in the project.
    private static var memberColumns: String { "\(userColumns), pm.added_at, \(projectRoleRank(user: "pm.user_id", project: "pm.project_id"))" }

    private static func member(from row: Row) throws -> ProjectMember {
        ProjectMember(user: try user(from: row), role: projectRole(from: row), addedAt: try row.int("added_at"))
    }

    package func projectMember(projectID: Identifier, userID: Identifier) async throws -> ProjectMember? {
        try await query(
            """
            SELECT \(Self.memberColumns) FROM project_members pm JOIN users u ON u.id = pm.user_id
            WHERE pm.project_id = ? AND pm.user_id = ?
            """, [.text(projectID.rawValue), .text(userID.rawValue)]
        ).first.map(Self.member(from:))
    }

    package func projectMembers(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectMember> {
        var binds: [SQLValue] = [.text(projectID.rawValue)]
        let (condition, tail) = keyset("pm.user_id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.memberColumns) FROM project_members pm JOIN users u ON u.id = pm.user_id
            WHERE pm.project_id = ?\(condition)\(tail)
            """, binds)
        return Page(rows: try rows.map(Self.member(from:)), limit: page.limit)
    }

    package func projects(ofUser userID: Identifier) async throws -> [(project: Project, role: PredefinedProjectRole?)] {
        try await projects(ofUsers: [userID])[userID] ?? []
    }

    package func projects(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [(project: Project, role: PredefinedProjectRole?)]] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await query(
            """
            SELECT pm.user_id, \(Self.projectColumns), \(Self.projectRoleRank(user: "pm.user_id", project: "pm.project_id"))
            FROM project_members pm JOIN projects p ON p.id = pm.project_id
            WHERE pm.user_id IN (\(Self.placeholders(userIDs.count))) ORDER BY pm.user_id, pm.project_id
            """, userIDs.map { .text($0.rawValue) })
        return try Dictionary(grouping: rows) { try $0.identifier("user_id") }.mapValues { rows in
            try rows.map { (project: try Self.project(from: $0), role: Self.projectRole(from: $0)) }
        }
    }

    package func addProjectGroup(projectID: Identifier, groupID: Identifier, createdAt: Int) async throws -> Bool {
        guard try await exists("projects", id: projectID) else { throw StoreError.notFound(.project, projectID.rawValue) }
        guard try await exists("groups", id: groupID) else { throw StoreError.notFound(.group, groupID.rawValue) }
        try await query(
            "INSERT INTO project_groups (project_id, group_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(projectID.rawValue), .text(groupID.rawValue), .integer(createdAt)])
        return try await changes() > 0
    }

    package func removeProjectGroup(projectID: Identifier, groupID: Identifier) async throws -> Bool {
        try await query(
            "DELETE FROM project_groups WHERE project_id = ? AND group_id = ?", [.text(projectID.rawValue), .text(groupID.rawValue)])
        return try await changes() > 0
    }

    /// An access row: the group's columns, the project and when the access was granted.
    private static var projectGroupColumns: String { "\(groupColumns), pg.project_id, pg.created_at AS granted_at" }

    private static func projectGroup(from row: Row) throws -> ProjectGroup {
        ProjectGroup(projectID: try row.identifier("project_id"), group: try group(from: row), createdAt: try row.int("granted_at"))
    }

    package func projectGroup(projectID: Identifier, groupID: Identifier) async throws -> ProjectGroup? {
        try await query(
            """
            SELECT \(Self.projectGroupColumns) FROM project_groups pg JOIN groups g ON g.id = pg.group_id
            WHERE pg.project_id = ? AND pg.group_id = ?
            """, [.text(projectID.rawValue), .text(groupID.rawValue)]
        ).first.map(Self.projectGroup(from:))
    }

    package func projectGroups(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectGroup> {
        var binds: [SQLValue] = [.text(projectID.rawValue)]
        let (condition, tail) = keyset("pg.group_id", page, binds: &binds)
        let rows = try await query(
            """
            SELECT \(Self.projectGroupColumns) FROM project_groups pg JOIN groups g ON g.id = pg.group_id
            WHERE pg.project_id = ?\(condition)\(tail)
            """, binds)
        return Page(rows: try rows.map(Self.projectGroup(from:)), limit: page.limit)
    }

    package func hasGroupAccess(projectID: Identifier, userID: Identifier) async throws -> Bool {
        // The user's groups by `group_members_user`, each checked against the primary key of `project_groups`.
        try await !query(
            """
            SELECT 1 FROM group_members gm JOIN project_groups pg ON pg.project_id = ? AND pg.group_id = gm.group_id
            WHERE gm.user_id = ? LIMIT 1
            """, [.text(projectID.rawValue), .text(userID.rawValue)]
        ).isEmpty
    }

    package func removeProjectRoleAssignments(projectID: Identifier, from principal: Principal) async throws {
        let (table, column) = switch principal {
        case .user: ("user_roles", "user_id")
        case .group: ("group_roles", "group_id")
        }
        try await query(
            "DELETE FROM \(table) WHERE \(column) = ? AND role_id IN (SELECT id FROM roles WHERE project_id = ?)",
            [.text(principal.id.rawValue), .text(projectID.rawValue)])
    }
}
