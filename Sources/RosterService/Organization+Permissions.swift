import RosterModel
import RosterStore

/// Effective permissions: what a user may do, why, and the one decision enforcement and explanations share.
///
/// A user holds the permissions of the organization roles assigned to it directly and to its groups. In a project it
/// also holds the permissions of that project's roles assigned to it and to its groups with access, and, when it holds
/// the organization's `owner` role, every project permission. A deactivated user holds nothing.
extension Organization {
    /// Every permission the user holds in the organization and, with `projectID`, in that project, each with every
    /// role that grants it (and the group it comes through). Organization permissions come first, in the catalogue's
    /// order, then project permissions. Not-found for an unknown user or project.
    public func permissions(of userID: Identifier, projectID: Identifier?) async throws -> [PermissionGrant] {
        try await store.read { tx in
            let user = try await tx.user(id: userID)
            if let projectID { _ = try await tx.project(id: projectID) }
            return try await Self.grants(of: user, in: projectID, tx)
        }
    }

    /// Whether the user holds `permission` — in the organization, or for a project permission in project `projectID` —
    /// with the grants that allow it, or, when it does not, the closest roles that would. Answers from the same
    /// decision `authorize` enforces. A 400 for a permission outside the catalogue and for a project permission without
    /// a project; not-found for an unknown user or project.
    public func check(userID: Identifier, permission: String, projectID: Identifier?) async throws -> PermissionCheck {
        let isProjectPermission = Permission.projectNames.contains(permission)
        guard isProjectPermission || Permission.organizationNames.contains(permission) else {
            throw ServiceError.invalid(
                "'\(permission)' is not a permission; the permission catalogue lists them (GET /openapi.yaml, README).",
                param: "permission", code: "unknown_permission")
        }
        if isProjectPermission, projectID == nil {
            throw ServiceError.invalid(
                "'\(permission)' is a project permission, held inside a project; name the project with 'project_id'.",
                param: "project_id", code: "missing_required_parameter")
        }
        return try await store.read { tx in
            let user = try await tx.user(id: userID)
            if let projectID { _ = try await tx.project(id: projectID) }
            let grants = try await Self.grants(of: user, in: projectID, tx)
            var decision = Self.decide(permission, for: user, in: projectID, grants: grants)
            if !decision.allowed, user.isActive {
                decision.closestRoles = try await Self.closestRoles(granting: decision, held: grants, in: tx)
            }
            return decision
        }
    }

    /// Lets the request through when the caller's user holds `requirement.organization`, or `requirement.project`
    /// inside project `projectID`; otherwise a 403 (`missing_permission`) naming what is missing. `operation` names the
    /// request in that message (`POST /v1/organization/groups`). The decision is `check`'s.
    public func authorize(_ caller: Caller, _ requirement: PermissionRequirement, projectID: Identifier?, operation: String) async throws {
        try await store.read { tx in
            let user = try await tx.user(id: caller.userID)
            try await Self.requireHolding(requirement, user: user, scopes: caller.scopes, projectID: projectID, operation: operation, tx)
        }
    }

    /// `authenticate(secret:)` and `authorize(_:_:projectID:operation:)` in one read of the store: what every request
    /// does. Authentication errors come first.
    public func authenticateAndAuthorize(
        secret: String, _ requirement: PermissionRequirement, projectID: Identifier?, operation: String
    ) async throws -> Caller {
        let timestamp = now()
        let key = try await store.read { tx in
            let (key, owner) = try await Self.usableKey(secret: secret, at: timestamp, in: tx)
            try await Self.requireHolding(
                requirement, user: owner, scopes: key.scopes.map(Set.init), projectID: projectID, operation: operation, tx)
            return key
        }
        keyUses.note(key.id, at: timestamp)
        return Caller(key)
    }

    /// The decision `authorize` enforces, for a user already read, whose key is limited to `scopes` (nil: not limited).
    private static func requireHolding(
        _ requirement: PermissionRequirement, user: User, scopes: Set<String>?, projectID: Identifier?, operation: String,
        _ tx: any StoreTransaction
    ) async throws {
        let inProject = requirement.project == nil ? nil : projectID
        let grants = try await Self.grants(of: user, in: inProject, tx)
        func allows(_ permission: String, in projectID: Identifier?) -> Bool {
            scopes?.contains(permission) ?? true && Self.decide(permission, for: user, in: projectID, grants: grants).allowed
        }
        if allows(requirement.organization, in: nil) { return }
        if let permission = requirement.project, let inProject, allows(permission, in: inProject) { return }
        var needed = "the permission '\(requirement.organization)'"
        if let permission = requirement.project, let inProject {
            needed = "the permission '\(requirement.organization)' in the organization, or '\(permission)' in project '\(inProject)',"
        }
        var why = "The key belongs to user '\(user.id)'; POST /v1/organization/permission_checks explains what that user "
            + "holds and which roles would grant it."
        if let scopes, !scopes.contains(requirement.organization), !(requirement.project.map(scopes.contains) ?? false) {
            why = "The key's scopes leave it out: a key may only use the permissions its scopes name."
        }
        throw ServiceError(.forbidden, "You are missing \(needed) which \(operation) needs. " + why, code: "missing_permission")
    }

    /// Whether the store answers a read: the readiness check.
    public func isReady() async -> Bool {
        do {
            _ = try await store.read { try await $0.keyCount() }
            return true
        } catch {
            return false
        }
    }

    // MARK: The decision

    /// The one decision: whether `user`, whose grants (read with `grants(of:in:_:)` for the same project) are `grants`,
    /// holds `permission` in the organization (an organization permission) or in project `projectID` (a project
    /// permission), with the sources that grant it.
    static func decide(_ permission: String, for user: User, in projectID: Identifier?, grants: [PermissionGrant]) -> PermissionCheck {
        let checked = Permission.projectNames.contains(permission) ? projectID : nil
        guard user.isActive else {
            return PermissionCheck(
                userID: user.id, permission: permission, projectID: checked, allowed: false, sources: [],
                reason: "User '\(user.id)' was deactivated by the identity provider; a deactivated user holds no permission.")
        }
        let scope = checked.map(RoleScope.project) ?? .organization
        if let grant = grants.first(where: { $0.permission == permission && $0.scope == scope }) {
            return PermissionCheck(userID: user.id, permission: permission, projectID: checked, allowed: true, sources: grant.sources)
        }
        let place = checked.map { "in project '\($0)'" } ?? "in the organization"
        return PermissionCheck(
            userID: user.id, permission: permission, projectID: checked, allowed: false, sources: [],
            reason: "No role user '\(user.id)' holds \(place), directly or through a group, grants '\(permission)'.")
    }

    /// The user's grants in the organization and, with `projectID`, in that project (see the type's comment). Reads the
    /// user's roles in two lists and its groups in one, whatever the number of roles.
    static func grants(of user: User, in projectID: Identifier?, _ tx: any StoreTransaction) async throws -> [PermissionGrant] {
        guard user.isActive else { return [] }
        let organizationRoles = try await everyPage(by: \.role.id) { try await tx.roles(ofUser: user.id, scope: .organization, page: $0) }
        var projectRoles: [AssignedRole] = []
        if let projectID {
            projectRoles = try await everyPage(by: \.role.id) { try await tx.roles(ofUser: user.id, scope: .project(projectID), page: $0) }
        }
        var groups: [Identifier: Group] = [:]
        if (organizationRoles + projectRoles).contains(where: { $0.sources.contains { $0.type == "group" } }) {
            for group in try await tx.groups(ofUser: user.id) { groups[group.id] = group }
        }
        func sources(_ assigned: AssignedRole, ownership: Bool = false) -> [PermissionSource] {
            assigned.sources.map { principal in
                guard case .group(let groupID) = principal else {
                    return PermissionSource(role: assigned.role, group: nil, isOrganizationOwnership: ownership)
                }
                let group = groups[groupID] ?? Group(id: groupID, name: groupID.rawValue, createdAt: 0)
                return PermissionSource(role: assigned.role, group: group, isOrganizationOwnership: ownership)
            }
        }
        var held: [String: [PermissionSource]] = [:]
        for assigned in organizationRoles {
            for permission in assigned.role.grantedPermissions { held[permission, default: []] += sources(assigned) }
        }
        var grants = Permission.organization.compactMap { entry in
            held[entry.name].map { PermissionGrant(permission: entry.name, scope: .organization, sources: $0) }
        }
        guard let projectID else { return grants }
        held = [:]
        for assigned in organizationRoles where assigned.role.isOrganizationOwner {
            for permission in Permission.projectNames { held[permission, default: []] += sources(assigned, ownership: true) }
        }
        for assigned in projectRoles {
            for permission in assigned.role.grantedPermissions { held[permission, default: []] += sources(assigned) }
        }
        grants += Permission.project.compactMap { entry in
            held[entry.name].map { PermissionGrant(permission: entry.name, scope: .project(projectID), sources: $0) }
        }
        return grants
    }

    /// Up to five roles of the denied permission's scope that grant it, closest first: the fewest permissions the user
    /// does not hold there already (by its `held` grants), then the fewest permissions, then by name.
    static func closestRoles(granting denied: PermissionCheck, held grants: [PermissionGrant], in tx: any StoreTransaction) async throws -> [Role] {
        let scope = denied.projectID.map(RoleScope.project) ?? .organization
        let held = Set(grants.filter { $0.scope == scope }.map(\.permission))
        let candidates = try await everyPage(by: \.id) { try await tx.roles(scope: scope, page: $0) }
            .filter { $0.grantedPermissions.contains(denied.permission) }
        func distance(_ role: Role) -> (Int, Int, String) {
            (role.grantedPermissions.filter { !held.contains($0) }.count, role.grantedPermissions.count, role.name.lowercased())
        }
        return Array(candidates.sorted { distance($0) < distance($1) }.prefix(5))
    }

    // MARK: Guardrails

    /// Refuses, with 409 `last_owner`, a change that makes `user` stop being an active owner (demoting, deleting or
    /// deactivating it) when it is the organization's last one: the organization always keeps an active owner.
    static func refuseRemovingLastOwner(_ user: User, in tx: any StoreTransaction) async throws {
        guard user.role == .owner, user.isActive, try await tx.activeOwnerCount() <= 1 else { return }
        throw ServiceError.lastOwner(user.id)
    }
}

extension ServiceError {
    /// 409 `last_owner`, when no single user can be named: the change would leave no active owner.
    static let noActiveOwnerLeft = ServiceError(
        .conflict,
        "This change would leave the organization without an active owner, and the organization must keep one. Make "
            + "another user an owner first (POST /v1/organization/users/{user_id} with {\"role\": \"owner\"}).",
        code: "last_owner")

    /// 409 `last_owner`: the change would leave the organization without an active owner.
    static func lastOwner(_ userID: Identifier) -> ServiceError {
        ServiceError(
            .conflict,
            "User '\(userID)' is the organization's last active owner, and the organization must keep one. Make another "
                + "user an owner first (POST /v1/organization/users/{user_id} with {\"role\": \"owner\"}).",
            code: "last_owner")
    }
}
