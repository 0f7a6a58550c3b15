import RosterModel
import RosterStore

extension Organization {
    /// Creates a custom role of the project from the project permission catalogue; `created_by` is the caller.
    /// Names are unique within the project (409); refused in an archived project (409 `project_archived`).
    public func createProjectRole(
        projectID: Identifier, name rawName: String, permissions: [String], description: String?, by caller: Caller?
    ) async throws -> Role {
        try await createRole(in: .project(projectID), name: rawName, permissions: permissions, description: description, by: caller)
    }

    /// A role of the project; not-found for an unknown project, an organization role or a role of another project.
    public func projectRole(id: Identifier, projectID: Identifier) async throws -> Role {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await Self.role(id, in: .project(projectID), tx)
        }
    }

    /// The project's roles, its predefined `owner`, `member` and `viewer` included, by identifier.
    public func projectRoles(projectID: Identifier, page: PageRequest) async throws -> Page<Role> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.roles(scope: .project(projectID), page: page)
        }
    }

    /// Changes the fields given of a custom role of the project (nil leaves a field as it is); the predefined project
    /// roles cannot be changed.
    public func updateProjectRole(
        id: Identifier, projectID: Identifier, name rawName: String?, permissions: [String]?, description: String?,
        by caller: Caller? = nil
    ) async throws -> Role {
        try await updateRole(
            id: id, in: .project(projectID), name: rawName, permissions: permissions, description: description, by: caller)
    }

    /// Deletes a custom role of the project and, in the same transaction, every assignment of it.
    public func deleteProjectRole(id: Identifier, projectID: Identifier, by caller: Caller? = nil) async throws {
        try await deleteRole(id: id, in: .project(projectID), by: caller)
    }
}
