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
    /// order, then project permissions. Not-found for an unknown user or project. Read from the policy.
    public func permissions(of userID: Identifier, projectID: Identifier?) async throws -> [PermissionGrant] {
        try await policy.loadIfNeeded(from: store)
        return try policy.withState { state in
            try Self.grants(of: Self.member(userID, projectID: projectID, in: state), in: projectID, state)
        }
    }

    /// Whether the user holds `permission` — in the organization, or for a project permission in project `projectID` —
    /// with the grants that allow it, or, when it does not, the closest roles that would. Answers from the same
    /// decision requests are held to, from the policy. A 400 for a permission outside the catalogue and for a
    /// project permission without a project; not-found for an unknown user or project.
    public func check(userID: Identifier, permission: String, projectID: Identifier?) async throws -> PermissionCheck {
        guard let bit = PermissionSet.bit(permission) else {
            throw ServiceError.invalid(
                "'\(permission)' is not a permission; the permission catalogue lists them (GET /openapi.yaml, README).",
                param: "permission", code: "unknown_permission")
        }
        let isProjectPermission = PermissionSet.everyProjectPermission.contains(bit: bit)
        if isProjectPermission, projectID == nil {
            throw ServiceError.invalid(
                "'\(permission)' is a project permission, held inside a project; name the project with 'project_id'.",
                param: "project_id", code: "missing_required_parameter")
        }
        try await policy.loadIfNeeded(from: store)
        return try policy.withState { state in
            let member = try Self.member(userID, projectID: projectID, in: state)
            let checked = isProjectPermission ? projectID : nil
            let scope = checked.map(RoleScope.project) ?? .organization
            var decision = Self.decide(
                permission, for: member.user, in: checked, sources: Self.sources(of: member, granting: bit, in: scope, state))
            if !decision.allowed, member.user.isActive {
                decision.closestRoles = Self.closestRoles(granting: decision, held: state.heldPermissions(member, in: scope), in: state)
            }
            return decision
        }
    }

    /// Authenticates the key with `secret` (see `authenticate(secret:)`) and lets the request through only when its
    /// user holds `requirement.organization`, or `requirement.project` inside project `projectID`, and the key's scopes
    /// include it; otherwise a 403 (`missing_permission`) naming what is missing, where `operation` names the request
    /// (`POST /v1/organization/groups`). Authentication errors come first. The decision is `check`'s, from the policy:
    /// nothing is read from the store once the policy is loaded.
    public func authenticateAndAuthorize(
        secret: String, _ requirement: PermissionRequirement, projectID: Identifier?, operation: @autoclosure @Sendable () -> String
    ) async throws -> Caller {
        try await authenticateAndAuthorize(keyHash: Self.keyHash(secret), requirement, projectID: projectID, operation: operation())
    }

    /// `authenticateAndAuthorize(secret:_:projectID:operation:)` for the key whose secret's SHA-256 is `keyHash`;
    /// `operation` is only worked out for a refusal.
    public func authenticateAndAuthorize(
        keyHash: [UInt8], _ requirement: PermissionRequirement, projectID: Identifier?, operation: @autoclosure @Sendable () -> String
    ) async throws -> Caller {
        let timestamp = now()
        try await policy.loadIfNeeded(from: store)
        let key = try policy.withState { state in
            let (key, owner) = try Self.usableKey(hash: keyHash, at: timestamp, in: state)
            try Self.requireHolding(
                requirement, member: owner, scopes: key.scopes.map(Set.init), projectID: projectID, operation: operation(), state)
            return key
        }
        keyUses.note(key.id, at: timestamp)
        return Caller(key)
    }

    /// The user with `userID` in the policy, after checking that project `projectID` exists; not-found otherwise.
    private static func member(_ userID: Identifier, projectID: Identifier?, in state: borrowing PolicyState) throws -> PolicyState.Member {
        guard let member = state.users[userID] else { throw StoreError.notFound(.user, userID.rawValue) }
        if let projectID, state.projects[projectID] == nil { throw StoreError.notFound(.project, projectID.rawValue) }
        return member
    }

    /// The decision requests are held to, for a user whose key is limited to `scopes` (nil: not limited): `check`'s
    /// decision, without its explanation.
    private static func requireHolding(
        _ requirement: PermissionRequirement, member: PolicyState.Member, scopes: Set<String>?, projectID: Identifier?,
        operation: @autoclosure @Sendable () -> String, _ state: borrowing PolicyState
    ) throws {
        let user = member.user
        let inProject = requirement.project == nil ? nil : projectID
        func allows(_ permission: String, in projectID: Identifier?) -> Bool {
            scopes?.contains(permission) ?? true && state.holds(member, permission, in: projectID)
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
        throw ServiceError(.forbidden, "You are missing \(needed) which \(operation()) needs. " + why, code: "missing_permission")
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

    /// The one decision: whether `user`, for whom `sources(of:granting:in:_:)` found `sources`, holds `permission` in
    /// the organization (`projectID` nil) or in project `projectID`, with the sources that grant it.
    static func decide(_ permission: String, for user: User, in projectID: Identifier?, sources: [PermissionSource]) -> PermissionCheck {
        guard user.isActive else {
            return PermissionCheck(
                userID: user.id, permission: permission, projectID: projectID, allowed: false, sources: [],
                reason: "User '\(user.id)' was deactivated by the identity provider; a deactivated user holds no permission.")
        }
        if !sources.isEmpty {
            return PermissionCheck(userID: user.id, permission: permission, projectID: projectID, allowed: true, sources: sources)
        }
        let place = projectID.map { "in project '\($0)'" } ?? "in the organization"
        return PermissionCheck(
            userID: user.id, permission: permission, projectID: projectID, allowed: false, sources: [],
            reason: "No role user '\(user.id)' holds \(place), directly or through a group, grants '\(permission)'.")
    }

    /// The sources of the one permission with `bit` in `scope` (the organization for an organization permission, a
    /// project for a project permission), in the order `grants(of:in:_:)` lists them, without gathering any other
    /// permission: what a check explains. Empty when the member does not hold it.
    static func sources(
        of member: PolicyState.Member, granting bit: UInt64, in scope: RoleScope, _ state: borrowing PolicyState
    ) -> [PermissionSource] {
        guard member.user.isActive else { return [] }
        var sources: [PermissionSource] = []
        if case .project = scope {
            // The organization's owner holds every project permission, ahead of the project's own roles.
            sources = state.sources(of: member, in: .organization, ownership: true, where: \.isOrganizationOwner)
        }
        sources += state.sources(of: member, in: scope) { $0.granted.contains(bit: bit) }
        return sources
    }

    /// The user's grants in the organization and, with `projectID`, in that project (see the type's comment), from
    /// the policy.
    static func grants(of member: PolicyState.Member, in projectID: Identifier?, _ state: borrowing PolicyState) -> [PermissionGrant] {
        guard member.user.isActive else { return [] }
        func mayGrant(_ role: PolicyRole) -> Bool {
            !role.granted.isEmpty || (projectID != nil && role.isOrganizationOwner)
        }
        // The sources of each permission, by its position in the catalogue, in the order roles are gathered.
        var held = [[PermissionSource]](repeating: [], count: PermissionSet.catalogueCount)
        // `sources` come by role: each role's run is added to every permission `granting` says it grants.
        func gather(_ sources: [PermissionSource], granting: (PolicyRole) -> PermissionSet) {
            var start = sources.startIndex
            while start < sources.endIndex {
                var end = start + 1
                while end < sources.endIndex, sources[end].role === sources[start].role { end += 1 }
                if let role = state.roles[sources[start].role.id] {
                    for position in granting(role).positions { held[position] += sources[start..<end] }
                }
                start = end
            }
        }
        // The permissions held in one scope, in the catalogue's order, each with its sources.
        func grants(in scope: RoleScope, _ permissions: PermissionSet) -> [PermissionGrant] {
            permissions.positions.compactMap { position in
                held[position].isEmpty
                    ? nil : PermissionGrant(permission: PermissionSet.name(at: position), scope: scope, sources: held[position])
            }
        }
        let organizationSources = state.sources(of: member, in: .organization, where: mayGrant)
        gather(organizationSources, granting: { $0.granted.intersection(.everyOrganizationPermission) })
        var result = grants(in: .organization, .everyOrganizationPermission)
        guard let projectID else { return result }
        gather(
            state.sources(of: member, in: .organization, ownership: true, where: \.isOrganizationOwner),
            granting: { _ in .everyProjectPermission })
        gather(
            state.sources(of: member, in: .project(projectID), where: mayGrant),
            granting: { $0.granted.intersection(.everyProjectPermission) })
        result += grants(in: .project(projectID), .everyProjectPermission)
        return result
    }

    /// Up to five roles of the denied permission's scope that grant it, closest first: the fewest permissions the user
    /// does not hold there already (`held`), then the fewest permissions, then by name.
    static func closestRoles(granting denied: PermissionCheck, held: PermissionSet, in state: borrowing PolicyState) -> [Role] {
        let scope = denied.projectID.map(RoleScope.project) ?? .organization
        let ranked = state.roles(in: scope, granting: denied.permission).map { entry in
            (entry: entry, distance: (entry.granted.countMissing(from: held), entry.granted.count, entry.sortName, entry.role.id.rawValue))
        }
        return ranked.sorted { $0.distance < $1.distance }.prefix(5).map(\.entry.role)
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
