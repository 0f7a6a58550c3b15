import RosterModel
import RosterStore

extension Organization {
    /// Creates a custom organization role; `created_by` is the caller.
    public func createRole(name rawName: String, permissions: [String], description: String?, by caller: Caller?) async throws -> Role {
        let name = try Self.validName(rawName, param: "role_name")
        let permissions = try Self.validPermissions(permissions)
        let timestamp = now()
        return try await store.withTransaction { tx in
            var creator: UserReference?
            if let caller {
                let user = try await tx.user(id: caller.userID)
                creator = UserReference(id: user.id, name: user.name, email: user.email)
            }
            let role = Role(
                id: .make(.role), name: name, description: description, permissions: permissions,
                resourceType: ResourceType.organization, isPredefined: false, createdAt: timestamp, updatedAt: timestamp,
                createdBy: creator)
            try await tx.insertRole(role)
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
    public func updateRole(id: Identifier, name rawName: String?, permissions: [String]?, description: String?) async throws -> Role {
        let name = try rawName.map { try Self.validName($0, param: "role_name") }
        let permissions = try permissions.map(Self.validPermissions)
        let timestamp = now()
        return try await store.withTransaction { tx in
            var role = try await Self.organizationRole(id, in: tx)
            try Self.refuseIfPredefined(role, "updated")
            role.name = name ?? role.name
            role.permissions = permissions ?? role.permissions
            role.description = description ?? role.description
            role.updatedAt = timestamp
            try await tx.updateRole(role)
            return role
        }
    }

    /// Deletes a custom role and, in the same transaction, every assignment of it.
    public func deleteRole(id: Identifier) async throws {
        try await store.withTransaction { tx in
            try Self.refuseIfPredefined(try await Self.organizationRole(id, in: tx), "deleted")
            try await tx.deleteRole(id: id)
        }
    }

    static func organizationRole(_ id: Identifier, in tx: any StoreTransaction) async throws -> Role {
        let role = try await tx.role(id: id)
        guard role.resourceType == ResourceType.organization else { throw StoreError.notFound(.role, id.rawValue) }
        return role
    }

    static func refuseIfPredefined(_ role: Role, _ action: String) throws {
        guard role.isPredefined else { return }
        throw ServiceError(
            .conflict, "The predefined role '\(role.name)' cannot be \(action).", code: "predefined_role")
    }

    static func validPermissions(_ permissions: [String]) throws -> [String] {
        switch Validation.organizationPermissions(permissions) {
        case .success(let valid):
            return valid
        case .failure(let unknown):
            throw ServiceError.invalid(
                "'\(unknown.name)' is not a permission an organization role can hold; "
                    + "the permission catalogue lists them (GET /openapi.yaml, README).",
                param: "permissions", code: "unknown_permission")
        }
    }
}
