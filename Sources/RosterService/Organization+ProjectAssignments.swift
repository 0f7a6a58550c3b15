import RosterModel
import RosterStore

extension Organization {
    // MARK: Project group roles

    /// Assigns a role of the project to a group with access to it (409 `no_project_access` otherwise); its members
    /// hold the role in the project. Assigning it twice leaves one assignment. Refused in an archived project, and
    /// by the permission-flow rule.
    public func assignProjectRole(
        _ roleID: Identifier, toGroup groupID: Identifier, projectID: Identifier, by caller: Caller? = nil
    ) async throws -> (Group, Role) {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let group = try await tx.group(id: groupID)
            let role = try await Self.role(roleID, in: .project(projectID), tx)
            guard try await tx.projectGroup(projectID: projectID, groupID: groupID) != nil else {
                throw ServiceError(
                    .conflict,
                    "Group '\(group.name)' (\(group.id)) has no access to project '\(project.name)' (\(project.id)); give it "
                        + "access with POST /v1/organization/projects/\(project.id)/groups and {\"group_id\": \"\(group.id)\", "
                        + "\"role\": \"member\"} before assigning it project roles.",
                    code: "no_project_access")
            }
            if try await tx.assign(roleID: roleID, to: .group(groupID)) {
                try await audit.recordAssignment(.roleAssignmentCreated, of: roleID, role.scope, to: .group(groupID), in: project)
            }
            return (group, role)
        }
    }

    /// The roles of the project assigned to the group, by role identifier.
    public func projectRoles(ofGroup groupID: Identifier, projectID: Identifier, page: PageRequest) async throws -> Page<AssignedRole> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            _ = try await tx.group(id: groupID)
            return try await tx.roles(ofGroup: groupID, scope: .project(projectID), page: page)
        }
    }

    /// The role of the project as assigned to the group; not-found when it is not.
    public func projectRole(_ roleID: Identifier, ofGroup groupID: Identifier, projectID: Identifier) async throws -> AssignedRole {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            _ = try await tx.group(id: groupID)
            let role = try await Self.role(roleID, in: .project(projectID), tx)
            guard try await tx.isAssigned(roleID: roleID, to: .group(groupID)) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .group(groupID))
            }
            return AssignedRole(role: role, sources: [.group(groupID)])
        }
    }

    /// Removes the role of the project from the group; not-found when it was not assigned. Refused in an archived project.
    public func unassignProjectRole(
        _ roleID: Identifier, fromGroup groupID: Identifier, projectID: Identifier, by caller: Caller? = nil
    ) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            _ = try await tx.group(id: groupID)
            _ = try await Self.role(roleID, in: .project(projectID), tx)
            guard try await tx.unassign(roleID: roleID, from: .group(groupID)) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .group(groupID))
            }
            try await audit.recordAssignment(.roleAssignmentDeleted, of: roleID, .project(projectID), to: .group(groupID), in: project)
        }
    }

    // MARK: Project user roles

    /// Assigns a role of the project to a user directly. The user must be a member of the project — directly, through
    /// a group with access, or as an organization owner — else 409 `not_project_member`. A predefined project role
    /// (`owner`, `member`, `viewer`) replaces the one the user holds directly there. Refused in an archived project,
    /// and by the permission-flow rule.
    public func assignProjectRole(
        _ roleID: Identifier, toUser userID: Identifier, projectID: Identifier, by caller: Caller? = nil
    ) async throws -> (User, Role) {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let user = try await tx.user(id: userID)
            let role = try await Self.role(roleID, in: .project(projectID), tx)
            try await Self.refuseUnlessMember(user, of: project, in: tx)
            let assigned: Bool
            if role.isPredefined, let predefined = PredefinedProjectRole(rawValue: role.name) {
                assigned = try await Self.setPredefinedProjectRole(predefined, of: userID, in: projectID, tx: tx)
            } else {
                assigned = try await tx.assign(roleID: roleID, to: .user(userID))
            }
            if assigned {
                try await audit.recordAssignment(.roleAssignmentCreated, of: roleID, role.scope, to: .user(userID), in: project)
            }
            return (user, role)
        }
    }

    /// Every role of the project the user holds, directly or through its groups with access, each with its sources.
    public func projectRoles(ofUser userID: Identifier, projectID: Identifier, page: PageRequest) async throws -> Page<AssignedRole> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            _ = try await tx.user(id: userID)
            return try await tx.roles(ofUser: userID, scope: .project(projectID), page: page)
        }
    }

    /// The role of the project as the user holds it, with its sources; not-found when the user holds it in no way.
    public func projectRole(_ roleID: Identifier, ofUser userID: Identifier, projectID: Identifier) async throws -> AssignedRole {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            _ = try await tx.user(id: userID)
            _ = try await Self.role(roleID, in: .project(projectID), tx)
            guard let assigned = try await tx.assignedRole(roleID, user: userID) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .user(userID))
            }
            return assigned
        }
    }

    /// Removes a role of the project the user holds directly. A role held only through groups is refused with the
    /// groups named (409 `role_inherited`); so is the predefined role of a direct member, which is changed or removed
    /// with the project's users (409 `predefined_role`). Refused in an archived project.
    public func unassignProjectRole(
        _ roleID: Identifier, fromUser userID: Identifier, projectID: Identifier, by caller: Caller? = nil
    ) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let user = try await tx.user(id: userID)
            let role = try await Self.role(roleID, in: .project(projectID), tx)
            if role.isPredefined, try await tx.isAssigned(roleID: roleID, to: .user(userID)),
                try await tx.projectMember(projectID: projectID, userID: userID) != nil
            {
                throw ServiceError(
                    .conflict,
                    "'\(role.name)' is the project role of user '\(user.id)' in project '\(project.id)', and every project user "
                        + "holds owner or member. Change it with POST /v1/organization/projects/\(project.id)/users/\(user.id) "
                        + "and {\"role\": \"owner\"} or {\"role\": \"member\"}, or remove the user from the project with "
                        + "DELETE /v1/organization/projects/\(project.id)/users/\(user.id).",
                    code: "predefined_role")
            }
            if try await tx.unassign(roleID: roleID, from: .user(userID)) {
                try await audit.recordAssignment(.roleAssignmentDeleted, of: roleID, role.scope, to: .user(userID), in: project)
                return
            }
            guard let held = try await tx.assignedRole(roleID, user: userID) else {
                throw ServiceError.notAssigned(roleID: roleID, to: .user(userID))
            }
            throw try await ServiceError.roleInherited(held, by: userID, in: tx)
        }
    }

    /// Whether the user is a member of the project, directly or through a group with access to it.
    static func isMember(_ userID: Identifier, of projectID: Identifier, in tx: any StoreTransaction) async throws -> Bool {
        if try await tx.projectMember(projectID: projectID, userID: userID) != nil { return true }
        return try await tx.hasGroupAccess(projectID: projectID, userID: userID)
    }

    /// Refuses, with 409 `not_project_member`, a user that is not a member of the project: neither directly, nor
    /// through a group with access, nor as an organization owner (who owns every project).
    static func refuseUnlessMember(_ user: User, of project: Project, in tx: any StoreTransaction) async throws {
        if user.role == .owner { return }
        if try await isMember(user.id, of: project.id, in: tx) { return }
        throw ServiceError(
            .conflict,
            "User '\(user.id)' is not a member of project '\(project.name)' (\(project.id)). Add them with "
                + "POST /v1/organization/projects/\(project.id)/users and {\"user_id\": \"\(user.id)\", \"role\": \"member\"}, "
                + "or add them to a group with access to the project, before assigning them project roles.",
            code: "not_project_member")
    }
}
