import RosterModel
import RosterStore

extension Organization {
    /// Creates a custom organization role; `created_by` is the caller.
    public func createRole(name rawName: String, permissions: [String], description: String?, by caller: Caller?) async throws -> Role {
        try await createRole(in: .organization, name: rawName, permissions: permissions, description: description, by: caller)
    }

    /// Creates a custom role of `scope` (refused in an archived project); `created_by` is the caller.
    func createRole(
        in scope: RoleScope, name rawName: String, permissions: [String], description: String?, by caller: Caller?
    ) async throws -> Role {
        let name = try Self.validName(rawName, param: "role_name")
        let permissions = try Self.validPermissions(permissions, for: scope)
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.refuseIfArchived(scope, in: tx)
            var creator: UserReference?
            if let caller {
                let user = try await tx.user(id: caller.userID)
                creator = UserReference(id: user.id, name: user.name, email: user.email)
            }
            let role = Role(
                id: .make(.role), name: name, description: description, permissions: permissions,
                resourceType: scope.resourceType, isPredefined: false, createdAt: timestamp, updatedAt: timestamp,
                createdBy: creator, projectID: scope.projectID)
            try await tx.insertRole(role)
            var details: [(String, JSON)] = [
                ("role_name", .string(role.name)), ("permissions", .array(role.permissions.map(JSON.string))),
                ("resource_type", .string(scope.resourceType)),
            ]
            if let projectID = scope.projectID { details.append(("resource_id", .string(projectID.rawValue))) }
            try await audit.record(.roleCreated, on: role.id, in: project, details)
            return role
        }
    }

    /// An organization role; not-found for unknown identifiers and for roles of other resource types.
    public func role(id: Identifier) async throws -> Role {
        try await store.read { try await Self.organizationRole(id, in: $0) }
    }

    public func roles(page: PageRequest) async throws -> Page<Role> {
        try await store.read { try await $0.roles(scope: .organization, page: page) }
    }

    /// Changes the fields given (nil leaves a field as it is); predefined roles cannot be changed.
    public func updateRole(
        id: Identifier, name rawName: String?, permissions: [String]?, description: String?, by caller: Caller? = nil
    ) async throws -> Role {
        try await updateRole(id: id, in: .organization, name: rawName, permissions: permissions, description: description, by: caller)
    }

    /// Changes the fields given of a custom role of `scope`; not-found for a role of another scope.
    func updateRole(
        id: Identifier, in scope: RoleScope, name rawName: String?, permissions: [String]?, description: String?,
        by caller: Caller?
    ) async throws -> Role {
        let name = try rawName.map { try Self.validName($0, param: "role_name") }
        let permissions = try permissions.map { try Self.validPermissions($0, for: scope) }
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.refuseIfArchived(scope, in: tx)
            var role = try await Self.role(id, in: scope, tx)
            try Self.refuseIfPredefined(role, "updated")
            let before = role
            role.name = name ?? role.name
            role.permissions = permissions ?? role.permissions
            role.description = description ?? role.description
            role.updatedAt = timestamp
            try await tx.updateRole(role)
            try await audit.record(.roleUpdated, on: id, in: project, changes: Self.roleChanges(from: before, to: role))
            return role
        }
    }

    /// Deletes a custom role and, in the same transaction, every assignment of it.
    public func deleteRole(id: Identifier, by caller: Caller? = nil) async throws {
        try await deleteRole(id: id, in: .organization, by: caller)
    }

    /// Deletes a custom role of `scope` with every assignment of it; not-found for a role of another scope.
    func deleteRole(id: Identifier, in scope: RoleScope, by caller: Caller?) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.refuseIfArchived(scope, in: tx)
            try Self.refuseIfPredefined(try await Self.role(id, in: scope, tx), "deleted")
            try await tx.deleteRole(id: id)
            try await audit.record(.roleDeleted, on: id, in: project)
        }
    }

    static func organizationRole(_ id: Identifier, in tx: any StoreTransaction) async throws -> Role {
        try await role(id, in: .organization, tx)
    }

    /// The role, when it belongs to `scope`; not-found for unknown identifiers and for roles of any other scope
    /// (an organization role asked for in a project, a role of another project).
    static func role(_ id: Identifier, in scope: RoleScope, _ tx: any StoreTransaction) async throws -> Role {
        let role = try await tx.role(id: id)
        guard role.scope == scope, role.resourceType == scope.resourceType else { throw StoreError.notFound(.role, id.rawValue) }
        return role
    }

    /// Refuses a change in an archived project with 409 `project_archived`; the organization is always writable.
    /// Returns the project of a project scope.
    @discardableResult
    static func refuseIfArchived(_ scope: RoleScope, in tx: any StoreTransaction) async throws -> Project? {
        guard let projectID = scope.projectID else { return nil }
        return try await writableProject(projectID, in: tx)
    }

    /// A role update's `changes_requested`: the new name and description when they changed, the permissions added and
    /// removed, and the role's resource.
    static func roleChanges(from before: Role, to after: Role) -> [(String, JSON)] {
        var changes: [(String, JSON)] = []
        if after.name != before.name { changes.append(("role_name", .string(after.name))) }
        if after.description != before.description { changes.append(("description", .optional(after.description))) }
        let (old, new) = (Set(before.permissions), Set(after.permissions))
        changes.append(("permissions_added", .array(new.subtracting(old).sorted().map(JSON.string))))
        changes.append(("permissions_removed", .array(old.subtracting(new).sorted().map(JSON.string))))
        if let projectID = after.projectID { changes.append(("resource_id", .string(projectID.rawValue))) }
        changes.append(("resource_type", .string(after.resourceType)))
        return changes
    }

    static func refuseIfPredefined(_ role: Role, _ action: String) throws {
        guard role.isPredefined else { return }
        throw ServiceError(
            .conflict, "The predefined role '\(role.name)' cannot be \(action).", code: "predefined_role")
    }

    static func validPermissions(_ permissions: [String], for scope: RoleScope = .organization) throws -> [String] {
        switch Validation.permissions(permissions, for: scope) {
        case .success(let valid):
            return valid
        case .failure(let unknown):
            let kind = scope == .organization ? "an organization role" : "a project role"
            var hint = "the permission catalogue lists them (GET /openapi.yaml, README)."
            if scope != .organization, Permission.organizationNames.contains(unknown.name) {
                hint = "it is an organization permission; give it with an organization role (POST /v1/organization/roles)."
            } else if scope == .organization, Permission.projectNames.contains(unknown.name) {
                hint = "it is a project permission; give it with a project role (POST /v1/projects/{project_id}/roles)."
            }
            throw ServiceError.invalid(
                "'\(unknown.name)' is not a permission \(kind) can hold; " + hint,
                param: "permissions", code: "unknown_permission")
        }
    }
}
