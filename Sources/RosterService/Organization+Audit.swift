import RosterModel
import Synchronization
import RosterStore

/// The audit events of one use case, appended in its transaction so that they commit or roll back with the change.
///
/// A use case records one event for the change it makes, and none when it changes nothing (adding a member twice,
/// archiving an archived project). Changes that carry others with them (accepting an invite, the members of a group
/// created over SCIM) are one event, whose details say what went with it.
struct AuditTrail {
    let tx: any StoreTransaction
    /// Nil for Roster itself.
    let actor: AuditActor?
    let time: Int
    /// How many events this trail recorded: every change records one, so it tells whether something changed.
    let recorded = EventCount()

    /// A count shared by every copy of one trail.
    final class EventCount: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func increment() { count.withLock { $0 += 1 } }
    }

    /// Appends an event of `type` made to `resource`, in `project` when given. `details` are the members of the type's
    /// object after its `id`, which is `id` when given, else the resource's.
    func record(
        _ type: AuditEventType, on resource: Identifier, in project: Project? = nil, id: String? = nil,
        _ details: [(String, JSON)] = []
    ) async throws {
        recorded.increment()
        try await tx.appendAuditEvent(
            AuditEvent(
                id: .make(.auditLog), type: type, effectiveAt: time, actor: actor,
                project: project.map { AuditEvent.ProjectReference(id: $0.id, name: $0.name) }, resourceID: resource.rawValue,
                details: .object([("id", .string(id ?? resource.rawValue))] + details)))
    }

    /// An event whose details are the `data` the object was made with.
    func record(_ type: AuditEventType, on resource: Identifier, in project: Project? = nil, data: [(String, JSON)]) async throws {
        try await record(type, on: resource, in: project, [("data", .object(data))])
    }

    /// An event whose details are the `changes_requested` made to the object.
    func record(_ type: AuditEventType, on resource: Identifier, in project: Project? = nil, changes: [(String, JSON)]) async throws {
        try await record(type, on: resource, in: project, [("changes_requested", .object(changes))])
    }

    /// `role.assignment.created` or `.deleted`: `role` given to or taken from `principal`, which is the event's
    /// resource. Roster's assignments have no ids of their own, so the details' `id` is the role's.
    func recordAssignment(
        _ type: AuditEventType, of roleID: Identifier, _ scope: RoleScope, to principal: Principal, in project: Project? = nil
    ) async throws {
        try await record(type, on: principal.id, in: project, id: roleID.rawValue, Self.assignmentDetails(principal, scope))
    }

    /// `user.added` for a user entering the organization with its organization role.
    func recordUserAdded(_ user: User) async throws {
        var data: [(String, JSON)] = []
        if let role = user.role { data.append(("role", .string(role.rawValue))) }
        if let email = user.email { data.append(("email", .string(email))) }
        try await record(.userAdded, on: user.id, data: data)
    }

    /// `api_key.created` for a new admin key.
    func recordKeyCreated(_ key: AdminKey) async throws {
        var data: [(String, JSON)] = [("name", .string(key.name)), ("owner_id", .string(key.ownerID.rawValue))]
        if let expiresAt = key.expiresAt { data.append(("expires_at", .int(expiresAt))) }
        if let scopes = key.scopes { data.append(("scopes", .array(scopes.map(JSON.string)))) }
        try await record(.apiKeyCreated, on: key.id, data: data)
    }

    /// `group.updated` for members added to and removed from the group (and, when given, its new name); nothing when
    /// neither changed.
    func recordGroupUpdated(
        _ groupID: Identifier, renamedTo name: String? = nil, added: [Identifier] = [], removed: [Identifier] = []
    ) async throws {
        let changes = Self.groupChanges(name: name, added: added, removed: removed)
        guard !changes.isEmpty else { return }
        try await record(.groupUpdated, on: groupID, changes: changes)
    }

    /// `group.created` for a group made with its first members.
    func recordGroupCreated(_ group: Group, members: [Identifier] = []) async throws {
        try await record(.groupCreated, on: group.id, data: Self.groupChanges(name: group.name, added: members, removed: []))
    }

    /// `group_name`, `users_added` and `users_removed`, each only when there is something to say; users sorted by id.
    static func groupChanges(name: String?, added: [Identifier], removed: [Identifier]) -> [(String, JSON)] {
        var changes: [(String, JSON)] = []
        if let name { changes.append(("group_name", .string(name))) }
        if !added.isEmpty { changes.append(("users_added", .array(added.sorted().map { .string($0.rawValue) }))) }
        if !removed.isEmpty { changes.append(("users_removed", .array(removed.sorted().map { .string($0.rawValue) }))) }
        return changes
    }

    /// The principal and resource members of a role assignment event; an organization-wide assignment names no resource id.
    static func assignmentDetails(_ principal: Principal, _ scope: RoleScope) -> [(String, JSON)] {
        var members: [(String, JSON)] = [("principal_id", .string(principal.id.rawValue)), ("principal_type", .string(principal.type))]
        if let projectID = scope.projectID { members.append(("resource_id", .string(projectID.rawValue))) }
        members.append(("resource_type", .string(scope.resourceType)))
        return members
    }
}

extension Organization {
    /// Runs `body` in one write transaction with the audit trail of `caller`, nil meaning Roster itself (an
    /// organization file, the start-up bootstrap). The caller's email is read when the transaction begins, so a user
    /// who deletes itself is still named.
    ///
    /// Every write a caller makes goes through here, and here the organization's two invariants are kept before the
    /// commit: the permission-flow rule (`PermissionFlow`: nothing moves a permission the caller's key does not hold),
    /// and that the organization keeps an active owner. Breaking either rolls the whole transaction back.
    func withAuditedTransaction<T>(
        by caller: Caller?, _ body: (any StoreTransaction, AuditTrail) async throws -> T
    ) async throws -> T {
        let time = now()
        return try await store.withTransaction { tx in
            guard let caller else { return try await body(tx, AuditTrail(tx: tx, actor: nil, time: time)) }
            let callerUser: User?
            do {
                callerUser = try await tx.user(id: caller.userID)
            } catch let error as StoreError where error.missing != nil {
                callerUser = nil
            }
            let actor = AuditActor(keyID: caller.keyID, userID: caller.userID, email: callerUser?.email)
            let flow = PermissionFlow(base: tx, caller: caller, callerUser: callerUser, time: time)
            let result = try await body(GuardedTransaction(base: tx, flow: flow), AuditTrail(tx: tx, actor: actor, time: time))
            try await flow.verify()
            if await flow.touchesOwners, try await tx.activeOwnerCount() == 0 { throw ServiceError.noActiveOwnerLeft }
            return result
        }
    }

    /// The audit log's events meeting `filter`, newest first: the `limit` events older than the event `after`, or
    /// newer than the event `before`, or else the newest. A cursor that names no event is an `invalidRequest` naming
    /// it; giving both is one too.
    public func auditEvents(
        _ filter: AuditFilter, limit: Int, after: Identifier? = nil, before: Identifier? = nil
    ) async throws -> Page<AuditEvent> {
        if after != nil, before != nil {
            throw ServiceError.invalid("Send 'after' or 'before', not both.", param: "before")
        }
        let page = PageRequest(limit: limit, after: before ?? after, order: before == nil ? .descending : .ascending)
        do {
            var events = try await store.read { try await $0.auditEvents(filter, page: page) }
            if before != nil { events.items.reverse() }
            return events
        } catch let error as StoreError where error.missing?.kind == .auditLog {
            let param = before == nil ? "after" : "before"
            throw ServiceError.invalid(
                "'\(param)' must be the id of an audit log event, such as the 'first_id' or 'last_id' of a previous page; "
                    + "no event has id '\(page.after?.rawValue ?? "")'.",
                param: param)
        }
    }
}
