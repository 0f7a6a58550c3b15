import RosterModel
import RosterStore

extension Organization {
    /// Users by identifier, optionally only those with one of `emails` (case-insensitive).
    public func users(emails: [String]?, page: PageRequest) async throws -> Page<User> {
        try await store.read { try await $0.users(emails: emails, includeInactive: false, page: page) }
    }

    public func user(id: Identifier) async throws -> User {
        try await store.read { try await $0.user(id: id) }
    }

    /// A project a user is a direct member of, with the predefined project role it holds directly there.
    public typealias UserProject = (project: Project, role: PredefinedProjectRole?)

    /// The projects each user is a direct member of, in project identifier order (users in no project are absent).
    public func projects(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [UserProject]] {
        try await store.read { try await $0.projects(ofUsers: userIDs) }
    }

    /// What `modifyUser` may change; nil fields stay as they are.
    public struct UserChanges: Sendable {
        /// `owner` or `reader`: the predefined organization role the user holds directly.
        public var role: String?
        /// The identifier of a predefined organization role, as an alternative to `role`.
        public var roleID: String?
        public var technicalLevel: String?
        public var developerPersona: String?

        public init(role: String? = nil, roleID: String? = nil, technicalLevel: String? = nil, developerPersona: String? = nil) {
            self.role = role
            self.roleID = roleID
            self.technicalLevel = technicalLevel
            self.developerPersona = developerPersona
        }
    }

    /// Changes a user's organization role (`owner` or `reader`, by name or by role id) and metadata.
    /// The new predefined role replaces the one the user held directly; custom roles are untouched. Moving a permission
    /// the caller's key does not hold is refused (403, the permission-flow rule), and so is demoting the last active
    /// owner (409).
    public func modifyUser(id: Identifier, _ changes: UserChanges, by caller: Caller? = nil) async throws -> User {
        var predefined: PredefinedRole?
        if let name = changes.role {
            guard let role = PredefinedRole(rawValue: name) else {
                throw ServiceError.invalid("'role' must be 'owner' or 'reader'.", param: "role")
            }
            predefined = role
        }
        return try await withAuditedTransaction(by: caller) { tx, audit in
            var user = try await tx.user(id: id)
            var changed: [(String, JSON)] = []
            if let rawRoleID = changes.roleID {
                guard let roleID = Identifier(rawRoleID, kind: .role) else {
                    throw ServiceError.invalid("'role_id' must be a role id (role_…).", param: "role_id")
                }
                let role = try await Self.organizationRole(roleID, in: tx)
                guard role.isPredefined, let named = PredefinedRole(rawValue: role.name) else {
                    throw ServiceError.invalid(
                        "'role_id' must name a predefined organization role (owner or reader); assign custom roles with "
                            + "POST /v1/organization/users/{user_id}/roles.", param: "role_id")
                }
                if let predefined, predefined != named {
                    throw ServiceError.invalid("'role' and 'role_id' name different roles.", param: "role_id")
                }
                predefined = named
            }
            if let predefined, predefined != user.role {
                if predefined != .owner { try await Self.refuseRemovingLastOwner(user, in: tx) }
                if try await Self.setPredefinedRole(predefined, of: user.id, in: tx) {
                    changed.append(("role", .string(predefined.rawValue)))
                }
            }
            if changes.technicalLevel != nil || changes.developerPersona != nil {
                user.technicalLevel = changes.technicalLevel ?? user.technicalLevel
                user.developerPersona = changes.developerPersona ?? user.developerPersona
                try await tx.updateUser(user)
                if let level = changes.technicalLevel { changed.append(("technical_level", .string(level))) }
                if let persona = changes.developerPersona { changed.append(("developer_persona", .string(persona))) }
            }
            if !changed.isEmpty { try await audit.record(.userUpdated, on: id, changes: changed) }
            return try await tx.user(id: id)
        }
    }

    /// Deletes a user with its group memberships, role assignments and admin keys (each key with its `api_key.deleted`
    /// event), in one transaction; refused for the last active owner (409 `last_owner`) and by the permission-flow rule.
    public func deleteUser(id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try await Self.refuseRemovingLastOwner(try await tx.user(id: id), in: tx)
            try await Self.deleteKeys(of: id, in: tx, audit: audit)
            try await tx.deleteUser(id: id)
            try await audit.record(.userDeleted, on: id)
        }
    }

    /// Makes `role` the only predefined organization role the user holds directly; returns whether that changed anything.
    @discardableResult
    static func setPredefinedRole(_ role: PredefinedRole, of userID: Identifier, in tx: any StoreTransaction) async throws -> Bool {
        var changed = false
        for other in PredefinedRole.allCases where other != role {
            if try await tx.unassign(roleID: try await tx.role(predefined: other).id, from: .user(userID)) { changed = true }
        }
        if try await tx.assign(roleID: try await tx.role(predefined: role).id, to: .user(userID)) { changed = true }
        return changed
    }
}
