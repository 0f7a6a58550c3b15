import RosterModel
import RosterStore

/// The permission-flow rule, kept for one write transaction: no change may give or take away a permission that any
/// principal (a user, an admin key, a service account) effectively holds in a scope (the organization, or one project)
/// unless the caller's key holds that permission in that scope.
///
/// `GuardedTransaction` tells it which principals a write is about to touch, before the write; it reads what each
/// holds then, once per transaction. `verify()`, run when the use case is done and before the commit, reads what they
/// hold afterwards and refuses the whole transaction (403 `permission_not_held`) on the first change the caller could
/// not have made. What the caller holds is read before its first write. A caller whose key holds every permission
/// everywhere cannot break the rule, so nothing is read for it.
actor PermissionFlow {
    /// A principal whose holdings a write may change.
    enum Principal: Hashable, CustomStringConvertible {
        case user(Identifier)
        case key(Identifier)
        case serviceAccount(Identifier)
        case projectKey(Identifier)
        /// Whoever accepts an invite to this email.
        case invitee(String)

        var description: String {
            switch self {
            case .invitee(let email): "whoever accepts the invite for '\(email)'"
            case .user(let id): "user '\(id)'"
            case .key(let id): "admin key '\(id)'"
            case .serviceAccount(let id): "service account '\(id)'"
            case .projectKey(let id): "project API key '\(id)'"
            }
        }
    }

    private let base: any StoreTransaction
    private let caller: Caller
    private let time: Int
    /// What the caller's key holds, read before the transaction's first write; nil until then.
    private var callerHoldings: Holdings?
    /// What each touched principal held before the transaction first touched it.
    private var before: [Principal: Holdings] = [:]
    /// The order principals were touched in.
    private var touched: [Principal] = []
    /// Users created in this transaction whose accepted invites grant them what the inviter gave.
    private var invited: [Identifier: Holdings] = [:]
    /// Whether a write may have changed who the organization's active owners are.
    private(set) var touchesOwners = false

    /// - Parameter callerUser: the caller's user as the transaction read it at its start; nil when it does not exist.
    init(base: any StoreTransaction, caller: Caller, callerUser: User?, time: Int) {
        self.base = base
        self.caller = caller
        self.callerUser = callerUser
        self.time = time
    }

    private let callerUser: User?

    /// What the caller's key holds: its user's holdings cut to the key's scopes.
    func callerHolds() async throws -> Holdings {
        if let callerHoldings { return callerHoldings }
        let held = try await Self.holdings(of: callerUser, in: base).limited(to: caller.scopes)
        callerHoldings = held
        return held
    }

    /// Whether the caller's key holds every permission everywhere, so that no write of it needs checking.
    func callerHoldsEverything() async throws -> Bool {
        try await callerHolds().holdsEverything
    }

    /// The most principals one transaction reads the holdings of. A change that reaches more, made by a key that does
    /// not hold every permission it could move, is refused rather than checked one principal at a time, so that no
    /// request holds the writer for long.
    static let maximumChecked = 1000

    /// Whether the caller's key holds every permission in `permissions` in `scope` and, with `everywhere`, every
    /// project permission in every project: then no change a write makes within them can break the rule, and the
    /// principals it reaches need not be read.
    func callerHolds(_ permissions: Set<String>, in scope: RoleScope, everywhere: Bool = false) async throws -> Bool {
        let held = try await callerHolds()
        if everywhere, !held.everyProject.isSuperset(of: Permission.projectNames) { return false }
        return held.held(in: scope).isSuperset(of: permissions)
    }

    /// Notes that a write may change who the organization's active owners are (a user's deletion, activity or
    /// `owner` role), so that `withAuditedTransaction` checks one remains.
    func mayChangeOwners() {
        touchesOwners = true
    }

    /// Notes, before a write, the principals it may change.
    func willChange(_ principals: [Principal]) async throws {
        guard try await !callerHolds().holdsEverything else { return }
        let new = principals.filter { before[$0] == nil }
        guard before.count + new.count <= Self.maximumChecked else {
            throw ServiceError(
                .forbidden,
                "This change reaches more than \(Self.maximumChecked) users, keys or service accounts, and the calling key "
                    + "'\(caller.keyID)' does not hold every permission it could give or take away; a key that holds them "
                    + "(an owner's) may make it. Nothing was changed.",
                code: "permission_not_held")
        }
        for principal in new where before[principal] == nil {
            before[principal] = try await Self.holdings(of: principal, in: base, at: time)
            touched.append(principal)
        }
    }

    /// Notes, before a write, that it creates `principal`, which held nothing before.
    func willCreate(_ principal: Principal) async throws {
        guard try await !callerHolds().holdsEverything, before[principal] == nil else { return }
        before[principal] = .nothing
        touched.append(principal)
    }

    /// Notes that a user created in this transaction accepts `invite`: what the invite gives was checked against its
    /// sender when it was sent (`refuseUnlessCallerCouldInvite`), so the caller need not hold it.
    func willAccept(_ invite: Invite, by userID: Identifier) {
        guard before[.user(userID)] == .nothing else { return }
        var allowed = invited[userID] ?? Holdings(organization: Set(PredefinedRole.reader.permissions))
        let given = Self.holdings(givenBy: invite)
        allowed.organization.formUnion(given.organization)
        allowed.everyProject.formUnion(given.everyProject)
        allowed.projects.merge(given.projects) { $0.union($1) }
        invited[userID] = allowed
    }

    /// Refuses the transaction when a touched principal's holdings changed in a way the caller's key could not make.
    func verify() async throws {
        guard !touched.isEmpty else { return }
        let caller = try await callerHolds()
        // Users first: a refusal names the person a change reaches before the keys that change with them.
        func isUser(_ principal: Principal) -> Bool { if case .user = principal { true } else { false } }
        for principal in touched.filter(isUser) + touched.filter({ !isUser($0) }) {
            guard let old = before[principal] else { continue }
            let new = try await Self.holdings(of: principal, in: base, at: time)
            guard old != new else { continue }
            var allowance = Holdings.nothing
            if case .user(let id) = principal, let invited = invited[id] { allowance = invited }
            try await Self.refuseUnheld(
                principal, from: old, to: new, caller: caller, keyID: self.caller.keyID, allowance: allowance, in: base)
        }
    }

    /// Refuses (403 `permission_not_held`) a change of `principal`'s holdings from `old` to `new` that gives or takes
    /// away, in some scope, a permission the caller's key (holding `caller`) does not hold there; additions within
    /// `allowance` were authorized before.
    static func refuseUnheld(
        _ principal: Principal, from old: Holdings, to new: Holdings, caller: Holdings, keyID: Identifier,
        allowance: Holdings = .nothing, in base: any StoreTransaction
    ) async throws {
        func check(_ scope: RoleScope, _ oldHeld: Set<String>, _ newHeld: Set<String>, callerHeld: Set<String>, allowed: Set<String>) throws {
            let given = newHeld.subtracting(oldHeld).subtracting(allowed).subtracting(callerHeld)
            let taken = oldHeld.subtracting(newHeld).subtracting(callerHeld)
            guard given.isEmpty, taken.isEmpty else {
                throw ServiceError.permissionNotHeld(principal, given: given, taken: taken, in: scope, keyID: keyID)
            }
        }
        try check(.organization, old.organization, new.organization, callerHeld: caller.organization, allowed: allowance.organization)
        let named = Set(old.projects.keys).union(new.projects.keys)
        for projectID in named.sorted() {
            try check(
                .project(projectID), old.inProject(projectID), new.inProject(projectID), callerHeld: caller.inProject(projectID),
                allowed: allowance.inProject(projectID))
        }
        // Permissions held in every project changed: the caller must hold the change in every other project too.
        guard old.everyProject != new.everyProject else { return }
        let unheldSomewhere = old.everyProject.symmetricDifference(new.everyProject).subtracting(caller.everyProject)
        guard !unheldSomewhere.isEmpty else { return }
        let projects = try await Organization.everyPage(by: \.id) { try await base.projects(includeArchived: true, page: $0) }
        for project in projects where !named.contains(project.id) {
            try check(
                .project(project.id), old.everyProject, new.everyProject, callerHeld: caller.inProject(project.id),
                allowed: allowance.everyProject)
        }
    }

    /// What `user` holds, as `tx` sees its roles: nothing when it is nil or deactivated.
    static func holdings(of user: User?, in tx: any StoreTransaction) async throws -> Holdings {
        guard let user, user.isActive else { return .nothing }
        return Holdings(roles: try await tx.allRoles(ofUser: user.id))
    }

    /// What an accepted invite gives its invitee: its organization role (and with `owner` every project permission)
    /// and its project roles.
    static func holdings(givenBy invite: Invite) -> Holdings {
        var given = Holdings(organization: Set(invite.role.permissions))
        if invite.role == .owner { given.everyProject = Permission.projectNames }
        for grant in invite.projects { given.projects[grant.projectID, default: []].formUnion(grant.role.permissions) }
        return given
    }

    /// What `principal` holds now, as `tx` sees it: nothing when it does not exist, is a deactivated user, or is an
    /// expired key or a key of a deactivated user.
    static func holdings(of principal: Principal, in tx: any StoreTransaction, at time: Int) async throws -> Holdings {
        do {
            switch principal {
            case .user(let id):
                return try await holdings(of: try await tx.user(id: id), in: tx)
            case .key(let id):
                let key = try await tx.key(id: id)
                guard !key.isExpired(at: time) else { return .nothing }
                return try await holdings(of: .user(key.ownerID), in: tx, at: time).limited(to: key.scopes.map(Set.init))
            case .invitee:
                return .nothing
            case .serviceAccount(let id):
                let account = try await tx.serviceAccount(id: id)
                guard let role = PredefinedProjectRole(rawValue: account.role.rawValue) else { return .nothing }
                return Holdings(projects: [account.projectID: Set(role.permissions)])
            case .projectKey(let id):
                let key = try await tx.projectKey(id: id)
                guard !key.isExpired(at: time) else { return .nothing }
                let owner: Principal = switch key.owner {
                case .user(let userID): .user(userID)
                case .serviceAccount(let accountID): .serviceAccount(accountID)
                }
                let inProject = try await holdings(of: owner, in: tx, at: time).inProject(key.projectID)
                return Holdings(projects: [key.projectID: inProject]).limited(to: key.scopes.map(Set.init))
            }
        } catch let error as StoreError where error.missing != nil {
            return .nothing
        }
    }
}

extension ServiceError {
    /// 403 `permission_not_held`: the change would give or take away permissions of `principal` that the caller's key
    /// does not hold in `scope`.
    static func permissionNotHeld(
        _ principal: PermissionFlow.Principal, given: Set<String>, taken: Set<String>, in scope: RoleScope, keyID: Identifier
    ) -> ServiceError {
        func list(_ permissions: Set<String>) -> String { permissions.sorted().map { "'\($0)'" }.joined(separator: ", ") }
        var moves: [String] = []
        if !given.isEmpty { moves.append("give \(principal) \(list(given))") }
        if !taken.isEmpty { moves.append("take \(list(taken)) away from \(principal)") }
        let place = scope.projectID.map { "in project '\($0)'" } ?? "in the organization"
        return ServiceError(
            .forbidden,
            "This change would \(moves.joined(separator: " and ")) \(place), and the calling key '\(keyID)' does not hold "
                + "\(given.union(taken).count == 1 ? "that permission" : "those permissions") there. A key may only give or "
                + "take away permissions it holds itself; nothing was changed.",
            code: "permission_not_held")
    }
}
