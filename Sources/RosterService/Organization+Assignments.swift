import RosterModel
import RosterStore

extension Organization {
    // MARK: Group roles

    /// Assigns an organization role to a group (SCIM-managed groups included). Assigning it twice leaves one assignment.
    /// Refused (403) when it moves a permission the caller's key does not hold (the permission-flow rule).
    public func assignRole(_ roleID: Identifier, toGroup groupID: Identifier, by caller: Caller? = nil) async throws -> (Group, Role) {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let group = try await tx.group(id: groupID)
            let role = try await Self.organizationRole(roleID, in: tx)
            if try await tx.assign(roleID: roleID, to: .group(groupID)) {
                try await audit.recordAssignment(.roleAssignmentCreated, of: roleID, .organization, to: .group(groupID))
            }
            return (group, role)
        }
    }

    public func roles(ofGroup groupID: Identifier, page: PageRequest) async throws -> Page<AssignedRole> {
        try await store.read { tx in
            _ = try await tx.group(id: groupID)
            return try await tx.roles(ofGroup: groupID, scope: .organization, page: page)
        }
    }

    /// The role as assigned to the group; not-found when it is not.
    public func role(_ roleID: Identifier, ofGroup groupID: Identifier) async throws -> AssignedRole {
        try await store.read { tx in
            _ = try await tx.group(id: groupID)
            let role = try await Self.organizationRole(roleID, in: tx)
            guard try await tx.isAssigned(roleID: roleID, to: .group(groupID)) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .group(groupID))
            }
            return AssignedRole(role: role, sources: [.group(groupID)])
        }
    }

    /// Removes the role from the group; not-found when it was not assigned.
    public func unassignRole(_ roleID: Identifier, fromGroup groupID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            _ = try await tx.group(id: groupID)
            guard try await tx.unassign(roleID: roleID, from: .group(groupID)) else {
                _ = try await Self.organizationRole(roleID, in: tx)
                throw ServiceError.notAssigned(roleID: roleID, to: .group(groupID))
            }
            try await audit.recordAssignment(.roleAssignmentDeleted, of: roleID, .organization, to: .group(groupID))
        }
    }

    // MARK: User roles

    /// Assigns an organization role to a user directly. Assigning it twice leaves one assignment.
    /// A predefined role (`owner`, `reader`) replaces the one the user holds, as modifying the user's `role` does
    /// (refused for the last active owner). Refused (403) by the permission-flow rule.
    public func assignRole(_ roleID: Identifier, toUser userID: Identifier, by caller: Caller? = nil) async throws -> (User, Role) {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let user = try await tx.user(id: userID)
            let role = try await Self.organizationRole(roleID, in: tx)
            let assigned: Bool
            if role.isPredefined, let predefined = PredefinedRole(rawValue: role.name) {
                if predefined != .owner { try await Self.refuseRemovingLastOwner(user, in: tx) }
                assigned = try await Self.setPredefinedRole(predefined, of: userID, in: tx)
            } else {
                assigned = try await tx.assign(roleID: roleID, to: .user(userID))
            }
            if assigned { try await audit.recordAssignment(.roleAssignmentCreated, of: roleID, .organization, to: .user(userID)) }
            return (try await tx.user(id: userID), role)
        }
    }

    /// Every role the user holds, directly or through its groups, each with its sources.
    public func roles(ofUser userID: Identifier, page: PageRequest) async throws -> Page<AssignedRole> {
        try await store.read { tx in
            _ = try await tx.user(id: userID)
            return try await tx.roles(ofUser: userID, scope: .organization, page: page)
        }
    }

    /// The role as the user holds it, with its sources; not-found when the user holds it in no way.
    public func role(_ roleID: Identifier, ofUser userID: Identifier) async throws -> AssignedRole {
        try await store.read { tx in
            _ = try await tx.user(id: userID)
            guard let assigned = try await tx.assignedRole(roleID, user: userID) else {
                _ = try await Self.organizationRole(roleID, in: tx)
                throw ServiceError.notAssigned(roleID: roleID, to: .user(userID))
            }
            return assigned
        }
    }

    /// Removes a role the user holds directly. A role held only through groups is refused with the groups named.
    public func unassignRole(_ roleID: Identifier, fromUser userID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let user = try await tx.user(id: userID)
            let role = try await Self.organizationRole(roleID, in: tx)
            if role.isPredefined, try await tx.isAssigned(roleID: roleID, to: .user(userID)) {
                throw ServiceError(
                    .conflict,
                    "'\(role.name)' is the organization role of user '\(user.id)', and every user holds owner or reader. "
                        + "Change it with POST /v1/organization/users/\(user.id) and {\"role\": \"owner\"} or {\"role\": \"reader\"}.",
                    code: "predefined_role")
            }
            if try await tx.unassign(roleID: roleID, from: .user(userID)) {
                try await audit.recordAssignment(.roleAssignmentDeleted, of: roleID, .organization, to: .user(userID))
                return
            }
            guard let held = try await tx.assignedRole(roleID, user: userID) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .user(userID))
            }
            throw try await ServiceError.roleInherited(held, by: userID, in: tx)
        }
    }
}

extension ServiceError {
    /// 409 `role_inherited`: the user holds the role only through the groups among `held`'s sources, named here.
    static func roleInherited(_ held: AssignedRole, by userID: Identifier, in tx: any StoreTransaction) async throws -> ServiceError {
        var groups: [String] = []
        for case .group(let groupID) in held.sources {
            let group = try await tx.group(id: groupID)
            groups.append("'\(group.name)' (\(group.id))")
        }
        return ServiceError(
            .conflict,
            "User '\(userID)' holds role '\(held.role.name)' only through group \(groups.joined(separator: ", ")); "
                + "unassign the role from the group or remove the user from the group.",
            code: "role_inherited")
    }

    static func notAssigned(roleID: Identifier, to principal: Principal) -> ServiceError {
        ServiceError(.notFound, "Role '\(roleID)' is not assigned to \(principal.type) '\(principal.id)'.", code: "not_found")
    }
}
