import RosterModel
import RosterStore

extension Organization {
    // MARK: Project users

    /// The project's direct members with their project roles, by user identifier.
    public func projectMembers(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectMember> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.projectMembers(projectID: projectID, page: page)
        }
    }

    /// The user as a member of the project; not-found when the project, the user or the membership is missing.
    public func projectMember(projectID: Identifier, userID: Identifier) async throws -> ProjectMember {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await Self.member(of: projectID, userID: userID, in: tx)
        }
    }

    /// Adds an organization user, named by `userID` or else by `email`, to the project with the project role `role`
    /// (`owner` or `member`), held directly in place of any other predefined role of the project. Adding a member
    /// again changes its role. Refused for archived projects, for a deactivated user (409 `user_deactivated`), and by
    /// the permission-flow rule.
    public func addProjectMember(
        projectID: Identifier, userID: Identifier?, email: String?, role rawRole: String, by caller: Caller? = nil
    ) async throws -> ProjectMember {
        let role = try Self.projectUserRole(rawRole)
        let unnamed = ServiceError.invalid(
            "Name the user to add with 'user_id' or 'email'.", param: "user_id", code: "missing_required_parameter")
        guard userID != nil || email != nil else { throw unnamed }
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let user: User
            switch (userID, email) {
            case (let userID?, let email):
                user = try await tx.user(id: userID)
                if let email, user.email.map(Validation.comparisonKey) != Validation.comparisonKey(email) {
                    throw ServiceError.invalid(
                        "'email' is not the address of user '\(userID)'; send one of 'user_id' and 'email'.", param: "email")
                }
            case (nil, let email?):
                guard let found = try await tx.user(email: email) else {
                    throw ServiceError(.notFound, "No user of the organization has the email '\(email)'.", code: "not_found")
                }
                user = found
            case (nil, nil):
                throw unnamed
            }
            try Self.refuseIfDeactivated(user, param: userID == nil ? "email" : "user_id")
            let joined = try await tx.addProjectMember(projectID: projectID, userID: user.id, addedAt: timestamp)
            let roleChanged = try await Self.setPredefinedProjectRole(role, of: user.id, in: projectID, tx: tx)
            if joined {
                try await audit.record(.userAdded, on: user.id, in: project, data: [("role", .string(role.rawValue))])
            } else if roleChanged {
                try await audit.record(.userUpdated, on: user.id, in: project, changes: [("role", .string(role.rawValue))])
            }
            return try await Self.member(of: projectID, userID: user.id, in: tx)
        }
    }

    /// Changes a member's project role (`owner` or `member`); not-found when the user is not a member.
    /// Refused for archived projects, and by the permission-flow rule.
    public func modifyProjectMember(
        projectID: Identifier, userID: Identifier, role rawRole: String, by caller: Caller? = nil
    ) async throws -> ProjectMember {
        let role = try Self.projectUserRole(rawRole)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            _ = try await Self.member(of: projectID, userID: userID, in: tx)
            if try await Self.setPredefinedProjectRole(role, of: userID, in: projectID, tx: tx) {
                try await audit.record(.userUpdated, on: userID, in: project, changes: [("role", .string(role.rawValue))])
            }
            return try await Self.member(of: projectID, userID: userID, in: tx)
        }
    }

    /// Takes the user out of the project with every project role it held there directly; not-found when it was not
    /// a member. Refused for archived projects.
    public func removeProjectMember(projectID: Identifier, userID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            guard try await tx.removeProjectMember(projectID: projectID, userID: userID) else {
                _ = try await tx.user(id: userID)
                throw ServiceError.notProjectMember(userID: userID, projectID: projectID)
            }
            try await tx.removeProjectRoleAssignments(projectID: projectID, from: .user(userID))
            try await audit.record(.userDeleted, on: userID, in: project)
        }
    }

    /// Refuses, with 409 `user_deactivated`, a user the identity provider deactivated: it holds nothing, so a key or
    /// a project membership given to it would only wait to come back to life with the user.
    static func refuseIfDeactivated(_ user: User, param: String) throws {
        guard !user.isActive else { return }
        throw ServiceError(
            .conflict,
            "User '\(user.id)' is deactivated, and a deactivated user is given no key and no project; reactivate it in the "
                + "identity provider first.",
            param: param, code: "user_deactivated")
    }

    static func member(of projectID: Identifier, userID: Identifier, in tx: any StoreTransaction) async throws -> ProjectMember {
        guard let member = try await tx.projectMember(projectID: projectID, userID: userID) else {
            _ = try await tx.user(id: userID)
            throw ServiceError.notProjectMember(userID: userID, projectID: projectID)
        }
        return member
    }

    /// `owner` or `member`: the project roles a project user is given by name.
    static func projectUserRole(_ raw: String) throws -> PredefinedProjectRole {
        guard let role = PredefinedProjectRole(rawValue: raw), role != .viewer else {
            throw ServiceError.invalid("'role' must be 'owner' or 'member'; got '\(raw)'.", param: "role")
        }
        return role
    }

    /// Makes `role` the only predefined role of the project the user holds directly; returns whether that changed
    /// anything.
    @discardableResult
    static func setPredefinedProjectRole(
        _ role: PredefinedProjectRole, of userID: Identifier, in projectID: Identifier, tx: any StoreTransaction
    ) async throws -> Bool {
        var changed = false
        for other in PredefinedProjectRole.allCases where other != role {
            let otherID = try await projectRole(other, of: projectID, in: tx).id
            if try await tx.unassign(roleID: otherID, from: .user(userID)) { changed = true }
        }
        if try await tx.assign(roleID: try await projectRole(role, of: projectID, in: tx).id, to: .user(userID)) { changed = true }
        return changed
    }

    // MARK: Project groups

    /// The groups with access to the project, by group identifier.
    public func projectGroups(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectGroup> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.projectGroups(projectID: projectID, page: page)
        }
    }

    /// The group's access to the project; not-found when the project or group is missing or the group has no access.
    public func projectGroup(projectID: Identifier, groupID: Identifier) async throws -> ProjectGroup {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await Self.access(of: groupID, to: projectID, in: tx)
        }
    }

    /// Gives the group access to the project with `role`, which is the name of a predefined project role (`owner`,
    /// `member`, `viewer`) or the id of a role of this project; its members inherit the role there. Giving access
    /// again adds the role and changes nothing else. Refused for archived projects, and by the permission-flow rule.
    public func addProjectGroup(
        projectID: Identifier, groupID: Identifier, role rawRole: String, by caller: Caller? = nil
    ) async throws -> ProjectGroup {
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            _ = try await tx.group(id: groupID)
            let role: Role
            if let predefined = PredefinedProjectRole(rawValue: rawRole) {
                role = try await Self.projectRole(predefined, of: projectID, in: tx)
            } else if let roleID = Identifier(rawRole, kind: .role) {
                role = try await tx.role(id: roleID)
                guard role.projectID == projectID else { throw StoreError.notFound(.role, rawRole) }
            } else {
                throw ServiceError.invalid(
                    "'role' must be 'owner', 'member', 'viewer' or the id (role_…) of a role of project '\(projectID)'; got '\(rawRole)'.",
                    param: "role")
            }
            let gained = try await tx.addProjectGroup(projectID: projectID, groupID: groupID, createdAt: timestamp)
            if try await tx.assign(roleID: role.id, to: .group(groupID)) || gained {
                try await audit.recordAssignment(.roleAssignmentCreated, of: role.id, role.scope, to: .group(groupID), in: project)
            }
            return try await Self.access(of: groupID, to: projectID, in: tx)
        }
    }

    /// Takes the group's access away with every role of the project it held; not-found when it had no access.
    /// Refused for archived projects. The audit log records one `role.assignment.deleted` for the access as a whole:
    /// its `id` is the group's and `role_ids` lists the roles taken away.
    public func removeProjectGroup(projectID: Identifier, groupID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            guard try await tx.removeProjectGroup(projectID: projectID, groupID: groupID) else {
                _ = try await tx.group(id: groupID)
                throw ServiceError.noProjectAccess(groupID: groupID, projectID: projectID)
            }
            let roles = try await Self.everyPage(by: \.role.id) {
                try await tx.roles(ofGroup: groupID, scope: .project(projectID), page: $0)
            }
            try await tx.removeProjectRoleAssignments(projectID: projectID, from: .group(groupID))
            let roleIDs: JSON = .array(roles.map { .string($0.role.id.rawValue) })
            try await audit.record(
                .roleAssignmentDeleted, on: groupID, in: project,
                AuditTrail.assignmentDetails(.group(groupID), .project(projectID)) + [("role_ids", roleIDs)])
        }
    }

    static func access(of groupID: Identifier, to projectID: Identifier, in tx: any StoreTransaction) async throws -> ProjectGroup {
        guard let access = try await tx.projectGroup(projectID: projectID, groupID: groupID) else {
            _ = try await tx.group(id: groupID)
            throw ServiceError.noProjectAccess(groupID: groupID, projectID: projectID)
        }
        return access
    }
}

extension ServiceError {
    static func notProjectMember(userID: Identifier, projectID: Identifier) -> ServiceError {
        ServiceError(.notFound, "User '\(userID)' is not a member of project '\(projectID)'.", code: "not_found")
    }

    static func noProjectAccess(groupID: Identifier, projectID: Identifier) -> ServiceError {
        ServiceError(.notFound, "Group '\(groupID)' has no access to project '\(projectID)'.", code: "not_found")
    }
}
