import Foundation
import RosterModel
import RosterSCIM
import RosterStore

/// SCIM Users (RFC 7643 §4.1): every organization user is one. Writes over SCIM make the user the identity
/// provider's (`is_scim_managed`); `active: false` deactivates it; deleting it deletes the organization user.
extension Organization {
    public func scimCreateUser(_ body: JSON, _ request: SCIMRequest, by caller: Caller? = nil) async throws -> SCIMResource {
        let fields = try SCIMUserFields(body)
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            try await Self.refuseTakenUserName(fields.userName, except: nil, in: tx)
            let user = User(
                id: .make(.user), email: fields.email, name: fields.name, addedAt: timestamp, role: .reader,
                isSCIMManaged: true, userName: fields.userName, externalID: fields.externalID, isActive: fields.active ?? true)
            try await tx.insertUser(user)
            try await tx.setSCIMAttributes(fields.attributes, ofUser: user.id)
            try await audit.recordUserAdded(user)
            try await Self.acceptInvites(for: user, now: timestamp, in: tx, audit: audit)
            return try await Self.scimUserResource(user.id, request, in: tx)
        }
    }

    /// A user as SCIM shows it, answered from the in-memory policy, at its revision (as `group(id:)` is): it includes
    /// every write this instance made, and other instances' within the policy interval (`roster-min-revision` asks for
    /// a later one). A user the policy does not hold yet is read from the store.
    public func scimUser(id: String, _ request: SCIMRequest) async throws -> SCIMResource {
        let userID = try Self.scimID(id, .user)
        try await policy.loadIfNeeded(from: store)
        let held = policy.withState { state in
            state.users[userID].map { ($0.user, $0.scimAttributes, state.groups(ofUsers: [userID])[userID] ?? []) }
        }
        if let (user, attributes, groups) = held, let resource = Self.scimResource(of: user, attributes: attributes, groups: groups, request) {
            return resource
        }
        return try await store.read { tx in
            try await Self.scimUserResource(userID, request, in: tx, groupsFrom: policy)
        }
    }

    /// Replaces the user's attributes with the body's (PUT).
    public func scimReplaceUser(
        id: String, with body: JSON, _ request: SCIMRequest, by caller: Caller? = nil
    ) async throws -> SCIMResource {
        let userID = try Self.scimID(id, .user)
        let fields = try SCIMUserFields(body)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let user = try await Self.scimExistingUser(userID, in: tx)
            try request.checkPrecondition(version: user.version)
            try await save(fields, over: user, in: tx, audit: audit)
            return try await Self.scimUserResource(userID, request, in: tx)
        }
    }

    /// Applies PATCH operations to the user's current representation, then saves it as a replacement would.
    public func scimPatchUser(
        id: String, operations: [SCIMPatchOperation], _ request: SCIMRequest, by caller: Caller? = nil
    ) async throws -> SCIMResource {
        let userID = try Self.scimID(id, .user)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let current = try await Self.scimUserResource(userID, request, in: tx)
            try request.checkPrecondition(version: current.version)
            let patched = try SCIMPatch.apply(operations, to: current.json, type: SCIMResourceTypes.user)
            try await save(try SCIMUserFields(patched), over: try await tx.user(id: userID), in: tx, audit: audit)
            return try await Self.scimUserResource(userID, request, in: tx)
        }
    }

    /// Deletes the user as the Admin API does: memberships, role assignments and keys go with it.
    public func scimDeleteUser(id: String, _ request: SCIMRequest, by caller: Caller? = nil) async throws {
        let userID = try Self.scimID(id, .user)
        try await withAuditedTransaction(by: caller) { tx, audit in
            let user = try await Self.scimExistingUser(userID, in: tx)
            try request.checkPrecondition(version: user.version)
            try await Self.refuseRemovingLastOwner(user, in: tx)
            try await Self.deleteKeys(of: userID, in: tx, audit: audit)
            try await tx.deleteUser(id: userID)
            try await audit.record(.userDeleted, on: userID)
        }
    }

    /// Users matching the query's filter, in identifier order. Filters on `id`, `userName` and `externalId`
    /// equality read through an index; any other filter is evaluated over every user.
    public func scimUsers(_ query: SCIMListQuery, _ request: SCIMRequest) async throws -> SCIMList {
        let filter = try query.filter.map { try SCIMFilter($0, for: SCIMResourceTypes.user) }
        return try await store.read { tx in
            guard let filter else {
                let total = try await tx.userCount()
                let users = query.count == 0 ? [] : try await tx.users(offset: query.startIndex - 1, limit: query.count)
                return SCIMList(
                    resources: try await Self.scimUserResources(users, request, in: tx, groupsFrom: policy).map(\.json),
                    totalResults: total,
                    startIndex: query.startIndex)
            }
            let candidates: [User]
            switch filter.equalityLookup.map({ ($0.attribute.lowercased(), $0.value) }) {
            case ("username", let value)?:
                candidates = try await tx.user(userName: value).map { [$0] } ?? []
            case ("externalid", let value)?:
                candidates = try await tx.users(externalID: value)
            case ("id", let value)?:
                candidates = try await Self.scimUserIfExists(value, in: tx).map { [$0] } ?? []
            default:
                candidates = try await Self.everyPage(by: \.id) { try await tx.users(emails: nil, includeInactive: true, page: $0) }
            }
            var matches: [JSON] = []
            for chunk in candidates.chunked(into: 500) {
                matches += try await Self.scimUserResources(chunk, request, in: tx, groupsFrom: policy, forFilter: filter).map(\.json)
            }
            return SCIMList(
                resources: Array(matches.dropFirst(query.startIndex - 1).prefix(query.count)), totalResults: matches.count,
                startIndex: query.startIndex)
        }
    }

    // MARK: Mapping

    /// Saves the fields over the user (a write, which bumps its version, even when nothing differs) and records one
    /// `user.updated` naming the fields that changed.
    private func save(_ fields: SCIMUserFields, over existing: User, in tx: any StoreTransaction, audit: AuditTrail) async throws {
        try await Self.refuseTakenUserName(fields.userName, except: existing.id, in: tx)
        let active = fields.active ?? existing.isActive
        if !active { try await Self.refuseRemovingLastOwner(existing, in: tx) }
        var user = existing
        user.userName = fields.userName
        user.email = fields.email
        user.name = fields.name
        user.externalID = fields.externalID
        user.isActive = active
        user.isSCIMManaged = true
        user.updatedAt = now()
        try await tx.updateUser(user)
        if existing.isActive, !active { try await Self.deleteKeys(of: user.id, in: tx, audit: audit) }
        try await tx.setSCIMAttributes(fields.attributes, ofUser: user.id)
        var changes: [(String, JSON)] = []
        if user.userName != existing.userName { changes.append(("user_name", .string(user.userName))) }
        if user.email != existing.email { changes.append(("email", .optional(user.email))) }
        if user.name != existing.name { changes.append(("name", .string(user.name))) }
        if user.externalID != existing.externalID { changes.append(("external_id", .optional(user.externalID))) }
        if user.isActive != existing.isActive { changes.append(("active", .bool(user.isActive))) }
        try await audit.record(.userUpdated, on: user.id, changes: changes)
    }

    private static func refuseTakenUserName(_ userName: String, except id: Identifier?, in tx: any StoreTransaction) async throws {
        if let other = try await tx.user(userName: userName), other.id != id {
            throw SCIMError.uniqueness("A user with userName '\(userName)' already exists (\(other.id)).")
        }
    }

    static func scimID(_ raw: String, _ kind: IdentifierKind) throws -> Identifier {
        guard let id = Identifier(raw, kind: kind) else {
            throw SCIMError.notFound("No \(kind == .user ? "User" : "Group") has id '\(raw)'.")
        }
        return id
    }

    private static func scimExistingUser(_ id: Identifier, in tx: any StoreTransaction) async throws -> User {
        do {
            return try await tx.user(id: id)
        } catch let error as StoreError where error.missing != nil {
            throw SCIMError.notFound("No User has id '\(id)'.")
        }
    }

    /// The user with this id, or nil when there is none (or the id is malformed).
    static func scimUserIfExists(_ raw: String, in tx: any StoreTransaction) async throws -> User? {
        guard let id = Identifier(raw, kind: .user) else { return nil }
        do {
            return try await tx.user(id: id)
        } catch let error as StoreError where error.missing != nil {
            return nil
        }
    }

    static func scimUserResource(
        _ id: Identifier, _ request: SCIMRequest, in tx: any StoreTransaction, groupsFrom policy: Policy? = nil
    ) async throws -> SCIMResource {
        let user = try await scimExistingUser(id, in: tx)
        guard let resource = try await scimUserResources([user], request, in: tx, groupsFrom: policy).first else {
            throw SCIMError.notFound("No User has id '\(id)'.")
        }
        return resource
    }

    /// The SCIM representations of `users` (only those matching `filter`, when given), reading their attributes
    /// and groups in two queries. In a read transaction, `policy` may give the groups instead (see
    /// `groups(ofUsers:in:from:)`); a write transaction must not pass it, since the policy does not hold its writes.
    static func scimUserResources(
        _ users: [User], _ request: SCIMRequest, in tx: any StoreTransaction, groupsFrom policy: Policy? = nil,
        forFilter filter: SCIMFilter? = nil
    ) async throws -> [SCIMResource] {
        let ids = users.map(\.id)
        let attributes = try await tx.scimAttributes(ofUsers: ids)
        let groups = try await Self.groups(ofUsers: ids, in: tx, from: policy)
        return users.compactMap { user in
            scimResource(of: user, attributes: attributes[user.id], groups: groups[user.id] ?? [], request, matching: filter)
        }
    }

    /// `user` as SCIM shows it, with the SCIM `attributes` Roster keeps for it and its `groups`; nil when it does not
    /// match `filter`.
    static func scimResource(
        of user: User, attributes: JSON?, groups: [Group], _ request: SCIMRequest, matching filter: SCIMFilter? = nil
    ) -> SCIMResource? {
        let rendered = SCIMUserFields.render(user, attributes: attributes, groups: groups, baseURL: request.baseURL)
        if let filter, !filter.matches(rendered, type: SCIMResourceTypes.user) { return nil }
        return SCIMResource(json: SCIMUserFields.response(rendered, attributes: attributes), version: user.version)
    }
}

extension Organization {
    /// The groups of each of `userIDs` as `tx` (a read transaction) sees them. From `policy` when it holds exactly
    /// the revision `tx` reads at, which is then the same state and costs no query; otherwise, and without a policy,
    /// from the store.
    static func groups(
        ofUsers userIDs: [Identifier], in tx: any StoreTransaction, from policy: Policy?
    ) async throws -> [Identifier: [Group]] {
        if let policy, policy.revision > 0 {
            let revision = try await tx.latestRevision()
            let held = policy.withState { state in state.revision == revision ? state.groups(ofUsers: userIDs) : nil }
            if let held { return held }
        }
        return try await tx.groups(ofUsers: userIDs)
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
