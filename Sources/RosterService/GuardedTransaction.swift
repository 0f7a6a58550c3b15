import RosterModel
import RosterStore

/// A write transaction that keeps the permission-flow rule: every write that can change what a principal holds tells
/// `flow` which principals, before it runs. Reads, and writes that move no permission, pass straight through.
///
/// Every use case writes through this type (`Organization.withAuditedTransaction`), so the rule holds for every
/// path, present and future: a new store write that can move permissions belongs among the overrides below.
struct GuardedTransaction: StoreTransaction {
    let base: any StoreTransaction
    let flow: PermissionFlow

    /// The users a role assignment to `principal` reaches: the user, or the group's members.
    private func members(of principal: Principal) async throws -> [PermissionFlow.Principal] {
        switch principal {
        case .user(let id): [.user(id)]
        case .group(let id): try await base.allMembers(groupID: id).map { .user($0.id) }
        }
    }

    /// Notes the users a change of `role`'s permissions (by `moving` them) reaches through `principals`, unless the
    /// caller's key holds every permission it moves, in the role's scope: then the change cannot break the rule, and
    /// a role held by a large group costs no read per member.
    private func willMove(_ moving: Set<String>, of role: Role, reaching principals: () async throws -> [PermissionFlow.Principal]) async throws {
        if role.isOrganizationOwner { await flow.mayChangeOwners() }
        if try await flow.callerHolds(moving, in: role.scope, everywhere: role.isOrganizationOwner) { return }
        try await flow.willChange(try await principals())
    }

    // MARK: Writes that can move permissions

    func insertUser(_ user: User) async throws {
        try await flow.willCreate(.user(user.id))
        try await base.insertUser(user)
    }

    func updateUser(_ user: User) async throws {
        await flow.mayChangeOwners()
        try await flow.willChange([.user(user.id)])
        try await base.updateUser(user)
    }

    func deleteUser(id: Identifier) async throws {
        await flow.mayChangeOwners()
        try await flow.willChange([.user(id)])
        try await base.deleteUser(id: id)
    }

    func deleteGroup(id: Identifier) async throws {
        if try await !callerHoldsRoles(ofGroup: id) { try await flow.willChange(try await members(of: .group(id))) }
        try await base.deleteGroup(id: id)
    }

    func addMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        if try await !callerHoldsRoles(ofGroup: groupID) { try await flow.willChange([.user(userID)]) }
        return try await base.addMember(groupID: groupID, userID: userID)
    }

    func removeMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        if try await !callerHoldsRoles(ofGroup: groupID) { try await flow.willChange([.user(userID)]) }
        return try await base.removeMember(groupID: groupID, userID: userID)
    }

    /// Whether the caller's key holds every permission of every role assigned to the group (only those of `scope`,
    /// when given), each in its scope: then joining or leaving the group, its deletion or its losing those roles moves
    /// only permissions the key holds, and no member is read.
    private func callerHoldsRoles(ofGroup groupID: Identifier, in scope: RoleScope? = nil) async throws -> Bool {
        if try await flow.callerHoldsEverything() { return true }
        for role in try await base.allRoles(ofGroup: groupID) where scope == nil || role.scope == scope {
            let moving = Set(role.grantedPermissions)
            guard try await flow.callerHolds(moving, in: role.scope, everywhere: role.isOrganizationOwner) else { return false }
        }
        return true
    }

    func updateRole(_ role: Role) async throws {
        let old = try await base.role(id: role.id)
        let moving = Set(old.grantedPermissions).symmetricDifference(role.grantedPermissions)
        try await willMove(moving, of: role) { try await base.holders(ofRole: role.id).map { .user($0) } }
        try await base.updateRole(role)
    }

    func deleteRole(id: Identifier) async throws {
        if let role = try await existingRole(id) {
            try await willMove(Set(role.grantedPermissions), of: role) { try await base.holders(ofRole: id).map { .user($0) } }
        }
        try await base.deleteRole(id: id)
    }

    func assign(roleID: Identifier, to principal: Principal) async throws -> Bool {
        try await willReassign(roleID, principal)
        return try await base.assign(roleID: roleID, to: principal)
    }

    func unassign(roleID: Identifier, from principal: Principal) async throws -> Bool {
        try await willReassign(roleID, principal)
        return try await base.unassign(roleID: roleID, from: principal)
    }

    /// Notes, before a role is assigned to or unassigned from `principal`, the users it reaches; nothing for a role
    /// that does not exist (the write then fails, or changes nothing).
    private func willReassign(_ roleID: Identifier, _ principal: Principal) async throws {
        guard let role = try await existingRole(roleID) else { return }
        try await willMove(Set(role.grantedPermissions), of: role) { try await members(of: principal) }
    }

    /// The role, or nil when there is none (the write then fails, or changes nothing, as the store says).
    private func existingRole(_ id: Identifier) async throws -> Role? {
        do {
            return try await base.role(id: id)
        } catch let error as StoreError where error.missing != nil {
            return nil
        }
    }

    func insertKey(_ key: AdminKey, secretHash: [UInt8]) async throws {
        try await flow.willCreate(.key(key.id))
        try await base.insertKey(key, secretHash: secretHash)
    }

    func updateKey(_ key: AdminKey) async throws {
        try await flow.willChange([.key(key.id)])
        try await base.updateKey(key)
    }

    func deleteKey(id: Identifier) async throws {
        try await flow.willChange([.key(id)])
        try await base.deleteKey(id: id)
    }

    func removeProjectRoleAssignments(projectID: Identifier, from principal: Principal) async throws {
        var heldByCaller = false
        if case .group(let groupID) = principal {
            heldByCaller = try await callerHoldsRoles(ofGroup: groupID, in: .project(projectID))
        }
        if !heldByCaller { try await flow.willChange(try await members(of: principal)) }
        try await base.removeProjectRoleAssignments(projectID: projectID, from: principal)
    }

    func insertServiceAccount(_ account: ServiceAccount) async throws {
        try await flow.willCreate(.serviceAccount(account.id))
        try await base.insertServiceAccount(account)
    }

    func insertProjectKey(_ key: ProjectKey, secretHash: [UInt8]) async throws {
        try await flow.willCreate(.projectKey(key.id))
        try await base.insertProjectKey(key, secretHash: secretHash)
    }

    func updateProjectKey(_ key: ProjectKey) async throws {
        try await flow.willChange([.projectKey(key.id)])
        try await base.updateProjectKey(key)
    }

    func deleteProjectKey(id: Identifier) async throws {
        try await flow.willChange([.projectKey(id)])
        try await base.deleteProjectKey(id: id)
    }

    func updateServiceAccount(_ account: ServiceAccount) async throws {
        try await flow.willChange([.serviceAccount(account.id)])
        try await base.updateServiceAccount(account)
    }

    func deleteServiceAccount(id: Identifier) async throws {
        try await flow.willChange([.serviceAccount(id)])
        try await base.deleteServiceAccount(id: id)
    }

    func markInviteAccepted(id: Identifier, at time: Int) async throws {
        let invite = try await base.invite(id: id)
        if let user = try await base.user(email: invite.email) {
            await flow.willAccept(invite, by: user.id)
        }
        try await base.markInviteAccepted(id: id, at: time)
    }

    // MARK: Everything else

    func user(id: Identifier) async throws -> User { try await base.user(id: id) }
    func user(email: String) async throws -> User? { try await base.user(email: email) }
    func users(emails: [String]?, includeInactive: Bool, page: PageRequest) async throws -> Page<User> {
        try await base.users(emails: emails, includeInactive: includeInactive, page: page)
    }
    func firstOwner() async throws -> User? { try await base.firstOwner() }
    func activeOwnerCount() async throws -> Int { try await base.activeOwnerCount() }
    func user(userName: String) async throws -> User? { try await base.user(userName: userName) }
    func users(externalID: String) async throws -> [User] { try await base.users(externalID: externalID) }
    func userCount() async throws -> Int { try await base.userCount() }
    func users(offset: Int, limit: Int) async throws -> [User] { try await base.users(offset: offset, limit: limit) }
    func scimAttributes(ofUsers ids: [Identifier]) async throws -> [Identifier: JSON] {
        try await base.scimAttributes(ofUsers: ids)
    }
    func setSCIMAttributes(_ attributes: JSON?, ofUser id: Identifier) async throws {
        try await base.setSCIMAttributes(attributes, ofUser: id)
    }
    func insertGroup(_ group: Group) async throws { try await base.insertGroup(group) }
    func group(id: Identifier) async throws -> Group { try await base.group(id: id) }
    func group(name: String) async throws -> Group? { try await base.group(name: name) }
    func groups(page: PageRequest) async throws -> Page<Group> { try await base.groups(page: page) }
    func updateGroup(_ group: Group) async throws { try await base.updateGroup(group) }
    func isMember(groupID: Identifier, userID: Identifier) async throws -> Bool {
        try await base.isMember(groupID: groupID, userID: userID)
    }
    func members(groupID: Identifier, page: PageRequest) async throws -> Page<User> {
        try await base.members(groupID: groupID, page: page)
    }
    func allMembers(groupID: Identifier) async throws -> [User] { try await base.allMembers(groupID: groupID) }
    func members(ofGroups groupIDs: [Identifier]) async throws -> [Identifier: [User]] {
        try await base.members(ofGroups: groupIDs)
    }
    func groups(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [Group]] {
        try await base.groups(ofUsers: userIDs)
    }
    func groupCount() async throws -> Int { try await base.groupCount() }
    func groups(offset: Int, limit: Int) async throws -> [Group] { try await base.groups(offset: offset, limit: limit) }
    func groups(externalID: String) async throws -> [Group] { try await base.groups(externalID: externalID) }
    func insertRole(_ role: Role) async throws { try await base.insertRole(role) }
    func role(id: Identifier) async throws -> Role { try await base.role(id: id) }
    func role(name: String, scope: RoleScope) async throws -> Role? { try await base.role(name: name, scope: scope) }
    func role(predefined: PredefinedRole) async throws -> Role { try await base.role(predefined: predefined) }
    func roles(scope: RoleScope, page: PageRequest) async throws -> Page<Role> {
        try await base.roles(scope: scope, page: page)
    }
    func isAssigned(roleID: Identifier, to principal: Principal) async throws -> Bool {
        try await base.isAssigned(roleID: roleID, to: principal)
    }
    func roles(ofGroup groupID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole> {
        try await base.roles(ofGroup: groupID, scope: scope, page: page)
    }
    func roles(ofUser userID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole> {
        try await base.roles(ofUser: userID, scope: scope, page: page)
    }
    func assignedRole(_ roleID: Identifier, user userID: Identifier) async throws -> AssignedRole? {
        try await base.assignedRole(roleID, user: userID)
    }
    func allRoles(ofUser userID: Identifier) async throws -> [Role] { try await base.allRoles(ofUser: userID) }
    func allRoles(ofGroup groupID: Identifier) async throws -> [Role] { try await base.allRoles(ofGroup: groupID) }
    func holders(ofRole roleID: Identifier) async throws -> [Identifier] { try await base.holders(ofRole: roleID) }
    func key(secretHash: [UInt8]) async throws -> (key: AdminKey, storedHash: [UInt8])? {
        try await base.key(secretHash: secretHash)
    }
    func keyCount() async throws -> Int { try await base.keyCount() }
    func changes(after revision: Int, limit: Int) async throws -> PolicyChanges {
        try await base.changes(after: revision, limit: limit)
    }
    func policyRecords(_ selection: PolicySelection?) async throws -> PolicyRecords { try await base.policyRecords(selection) }
    func pruneChanges(committedBefore time: Int) async throws { try await base.pruneChanges(committedBefore: time) }
    func key(id: Identifier) async throws -> AdminKey { try await base.key(id: id) }
    func keys(page: PageRequest) async throws -> Page<AdminKey> { try await base.keys(page: page) }
    func keys(ownerID: Identifier) async throws -> [AdminKey] { try await base.keys(ownerID: ownerID) }
    func recordKeyUse(_ lastUsed: [Identifier: Int]) async throws { try await base.recordKeyUse(lastUsed) }
    func insertProject(_ project: Project) async throws { try await base.insertProject(project) }
    func project(id: Identifier) async throws -> Project { try await base.project(id: id) }
    func projects(includeArchived: Bool, page: PageRequest) async throws -> Page<Project> {
        try await base.projects(includeArchived: includeArchived, page: page)
    }
    func updateProject(_ project: Project) async throws { try await base.updateProject(project) }
    func addProjectMember(projectID: Identifier, userID: Identifier, addedAt: Int) async throws -> Bool {
        try await base.addProjectMember(projectID: projectID, userID: userID, addedAt: addedAt)
    }
    func removeProjectMember(projectID: Identifier, userID: Identifier) async throws -> Bool {
        try await base.removeProjectMember(projectID: projectID, userID: userID)
    }
    func projectMember(projectID: Identifier, userID: Identifier) async throws -> ProjectMember? {
        try await base.projectMember(projectID: projectID, userID: userID)
    }
    func projectMembers(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectMember> {
        try await base.projectMembers(projectID: projectID, page: page)
    }
    func projects(ofUser userID: Identifier) async throws -> [(project: Project, role: PredefinedProjectRole?)] {
        try await base.projects(ofUser: userID)
    }
    func projects(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [(project: Project, role: PredefinedProjectRole?)]] {
        try await base.projects(ofUsers: userIDs)
    }
    func addProjectGroup(projectID: Identifier, groupID: Identifier, createdAt: Int) async throws -> Bool {
        try await base.addProjectGroup(projectID: projectID, groupID: groupID, createdAt: createdAt)
    }
    func removeProjectGroup(projectID: Identifier, groupID: Identifier) async throws -> Bool {
        try await base.removeProjectGroup(projectID: projectID, groupID: groupID)
    }
    func projectGroup(projectID: Identifier, groupID: Identifier) async throws -> ProjectGroup? {
        try await base.projectGroup(projectID: projectID, groupID: groupID)
    }
    func projectGroups(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectGroup> {
        try await base.projectGroups(projectID: projectID, page: page)
    }
    func hasGroupAccess(projectID: Identifier, userID: Identifier) async throws -> Bool {
        try await base.hasGroupAccess(projectID: projectID, userID: userID)
    }
    func serviceAccount(id: Identifier, projectID: Identifier) async throws -> ServiceAccount {
        try await base.serviceAccount(id: id, projectID: projectID)
    }
    func serviceAccount(id: Identifier) async throws -> ServiceAccount { try await base.serviceAccount(id: id) }
    func serviceAccounts(projectID: Identifier, page: PageRequest) async throws -> Page<ServiceAccount> {
        try await base.serviceAccounts(projectID: projectID, page: page)
    }
    func projectKey(id: Identifier) async throws -> ProjectKey { try await base.projectKey(id: id) }
    func projectKey(id: Identifier, projectID: Identifier) async throws -> ProjectKeyEntry {
        try await base.projectKey(id: id, projectID: projectID)
    }
    func projectKeys(projectID: Identifier, ownerHasAccess: Bool?, page: PageRequest) async throws -> Page<ProjectKeyEntry> {
        try await base.projectKeys(projectID: projectID, ownerHasAccess: ownerHasAccess, page: page)
    }
    func projectKeys(owner: ProjectKey.Owner) async throws -> [ProjectKey] { try await base.projectKeys(owner: owner) }
    func recordProjectKeyUse(_ lastUsed: [Identifier: Int]) async throws { try await base.recordProjectKeyUse(lastUsed) }
    // What a project's keys may call moves no permission of a principal: the project's own settings.
    func models() async throws -> [Model] { try await base.models() }
    func saveModel(_ model: Model) async throws { try await base.saveModel(model) }
    func modelPermissions(projectID: Identifier) async throws -> ModelPermissions { try await base.modelPermissions(projectID: projectID) }
    func setModelPermissions(_ permissions: ModelPermissions?, projectID: Identifier) async throws {
        try await base.setModelPermissions(permissions, projectID: projectID)
    }
    func disabledTools(projectID: Identifier) async throws -> Set<HostedTool> { try await base.disabledTools(projectID: projectID) }
    func setTool(_ tool: HostedTool, enabled: Bool, projectID: Identifier) async throws {
        try await base.setTool(tool, enabled: enabled, projectID: projectID)
    }
    func rateLimits(projectID: Identifier) async throws -> [String: RateLimits] { try await base.rateLimits(projectID: projectID) }
    func setRateLimits(_ limits: RateLimits, model: String, projectID: Identifier) async throws {
        try await base.setRateLimits(limits, model: model, projectID: projectID)
    }
    func insertInvite(_ invite: Invite) async throws { try await base.insertInvite(invite) }
    func invite(id: Identifier) async throws -> Invite { try await base.invite(id: id) }
    func invites(page: PageRequest) async throws -> Page<Invite> { try await base.invites(page: page) }
    func deleteInvite(id: Identifier) async throws { try await base.deleteInvite(id: id) }
    func unacceptedInvites(email: String) async throws -> [Invite] { try await base.unacceptedInvites(email: email) }
    func appendAuditEvent(_ event: AuditEvent) async throws { try await base.appendAuditEvent(event) }
    func auditEvents(_ filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent> {
        try await base.auditEvents(filter, page: page)
    }
}
