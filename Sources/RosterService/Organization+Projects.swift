import RosterModel
import RosterStore

extension Organization {
    /// The data residency regions a project may be created in (OpenAI's `PublicProjectResidency`).
    public static let residencies: Set<String> = [
        "GLOBAL", "US_STORAGE_PROCESSING", "EU_STORAGE_PROCESSING", "JP_STORAGE", "KR_STORAGE", "CA_STORAGE",
        "SG_STORAGE", "IN_STORAGE", "AU_STORAGE", "GB_STORAGE", "AE_STORAGE", "AE_STORAGE_PROCESSING",
    ]

    /// Creates a project and, in the same transaction, its predefined roles `owner`, `member` and `viewer`.
    /// The name must be non-blank; `residency`, when given, must be one of `residencies`.
    public func createProject(
        name rawName: String, externalKeyID: String? = nil, residency: String? = nil, by caller: Caller? = nil
    ) async throws -> Project {
        let name = try Self.validName(rawName, param: "name")
        if let residency, !Self.residencies.contains(residency) {
            throw ServiceError.invalid(
                "'residency' must be one of \(Self.residencies.sorted().joined(separator: ", ")); got '\(residency)'.",
                param: "residency")
        }
        let timestamp = now()
        let project = Project(id: .make(.project), name: name, createdAt: timestamp, externalKeyID: externalKeyID, residency: residency)
        try await withAuditedTransaction(by: caller) { tx, audit in
            try await tx.insertProject(project)
            for predefined in PredefinedProjectRole.allCases {
                try await tx.insertRole(
                    Role(
                        id: .make(.role), name: predefined.rawValue, description: predefined.summary,
                        permissions: predefined.permissions.sorted(), resourceType: ResourceType.project, isPredefined: true,
                        createdAt: timestamp, updatedAt: timestamp, createdBy: nil, projectID: project.id))
            }
            try await audit.record(
                .projectCreated, on: project.id, in: project, data: [("name", .string(name)), ("title", .string(name))])
        }
        return project
    }

    /// A project, archived or not.
    public func project(id: Identifier) async throws -> Project {
        try await store.read { try await $0.project(id: id) }
    }

    /// Projects by identifier; archived ones only when `includeArchived`.
    public func projects(includeArchived: Bool, page: PageRequest) async throws -> Page<Project> {
        try await store.read { try await $0.projects(includeArchived: includeArchived, page: page) }
    }

    /// Renames a project and sets its external key id (nil leaves a field as it is); refused for archived projects.
    public func modifyProject(
        id: Identifier, name rawName: String?, externalKeyID: String?, by caller: Caller? = nil
    ) async throws -> Project {
        let name = try rawName.map { try Self.validName($0, param: "name") }
        return try await withAuditedTransaction(by: caller) { tx, audit in
            var project = try await Self.writableProject(id, in: tx)
            project.name = name ?? project.name
            project.externalKeyID = externalKeyID ?? project.externalKeyID
            try await tx.updateProject(project)
            var changes: [(String, JSON)] = []
            if let name { changes.append(("title", .string(name))) }
            if let externalKeyID { changes.append(("external_key_id", .string(externalKeyID))) }
            try await audit.record(.projectUpdated, on: id, in: project, changes: changes)
            return project
        }
    }

    /// Archives a project, which makes it read-only for good. Archiving it again changes nothing.
    public func archiveProject(id: Identifier, by caller: Caller? = nil) async throws -> Project {
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            var project = try await tx.project(id: id)
            guard !project.isArchived else { return project }
            project.archivedAt = timestamp
            try await tx.updateProject(project)
            try await audit.record(.projectArchived, on: id, in: project)
            return project
        }
    }

    /// The project, when it may still be changed; a 409 `project_archived` when it is archived.
    static func writableProject(_ id: Identifier, in tx: any StoreTransaction) async throws -> Project {
        let project = try await tx.project(id: id)
        guard !project.isArchived else {
            throw ServiceError(
                .conflict,
                "Project '\(project.name)' (\(project.id)) is archived; an archived project is read-only, so neither it "
                    + "nor its users, groups and service accounts can be changed.",
                code: "project_archived")
        }
        return project
    }

    /// The predefined project role `role` of the project.
    static func projectRole(_ role: PredefinedProjectRole, of projectID: Identifier, in tx: any StoreTransaction) async throws -> Role {
        guard let found = try await tx.role(name: role.rawValue, scope: .project(projectID)), found.isPredefined else {
            throw StoreError.notFound(.role, role.rawValue)
        }
        return found
    }
}
