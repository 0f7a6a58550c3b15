import Foundation
import RosterModel
import RosterStore

extension Organization {
    /// A project API key just created, with its secret: the only time the secret is known.
    public struct CreatedProjectKey: Sendable {
        public let key: ProjectKey
        /// The whole secret: `sk-svcacct-` (a service account's key) or `sk-proj-` (a user's), and 48 letters and digits.
        public let secret: String
    }

    /// The longest a project key may live: 365 days, in seconds, as for admin keys.
    public static var maximumProjectKeyLifetime: Int { maximumKeyLifetime }

    /// A new key of `owner` in the project, with a fresh secret, limited to `scopes` and expiring `lifetime` seconds
    /// after `now` (nil: unlimited, never).
    static func newProjectKey(
        named name: String, in projectID: Identifier, owner: ProjectKey.Owner, scopes: [String]? = nil, lifetime: Int? = nil, now: Int
    ) -> CreatedProjectKey {
        let prefix = if case .user = owner { secretPrefixes.project } else { secretPrefixes.serviceAccount }
        let secret = newSecret(prefix: prefix)
        let key = ProjectKey(
            id: .make(.adminKey), projectID: projectID, owner: owner, name: name, redactedValue: redact(secret), createdAt: now,
            expiresAt: lifetime.map { now + $0 }, scopes: scopes)
        return CreatedProjectKey(key: key, secret: secret)
    }

    /// Stores a new key by the SHA-256 of its secret and, with `audit`, records `api_key.created` in its project.
    static func insert(_ created: CreatedProjectKey, in project: Project, tx: any StoreTransaction, audit: AuditTrail?) async throws {
        let key = created.key
        try await tx.insertProjectKey(key, secretHash: keyHash(created.secret))
        guard let audit else { return }
        var data: [(String, JSON)] = [("name", .string(key.name))]
        switch key.owner {
        case .user(let id): data.append(("user_id", .string(id.rawValue)))
        case .serviceAccount(let id): data.append(("service_account_id", .string(id.rawValue)))
        }
        if let expiresAt = key.expiresAt { data.append(("expires_at", .int(expiresAt))) }
        if let scopes = key.scopes { data.append(("scopes", .array(scopes.map(JSON.string)))) }
        try await audit.record(.apiKeyCreated, on: key.id, in: project, data: data)
    }

    /// A new project key's scopes, sorted and once each: project permissions of the catalogue; nil or, as OpenAI has
    /// it, an empty list for a key limited only by its owner.
    static func validProjectScopes(_ scopes: [String]?) throws -> [String]? {
        guard let scopes, !scopes.isEmpty else { return nil }
        return try validScopes(
            scopes, among: Permission.projectNames, empty: "",
            unknown: "is not a project permission; a project key's 'scopes' list project permissions of the catalogue, such as 'api.model.request'")
    }

    /// `expires_in_seconds` checked: 1 second to 365 days, or nil for a key that does not expire.
    static func validLifetime(_ seconds: Int?) throws -> Int? {
        guard let seconds else { return nil }
        guard (1...maximumKeyLifetime).contains(seconds) else {
            throw ServiceError.invalid(
                "'expires_in_seconds' must be from 1 to \(maximumKeyLifetime) (365 days); got \(seconds). Leave it out for a key that does not expire.",
                param: "expires_in_seconds")
        }
        return seconds
    }

    /// Creates another API key (`sk-svcacct-…`) for a service account of the project, so that it can have several and
    /// rotate them: named `name` (by default "Secret Key"), limited to `scopes` (project permissions; nil for all the
    /// account holds) and expiring after `expiresInSeconds` (nil: never). The key is a new principal holding what the
    /// account holds within its scopes, so the caller's key must hold that in the project (the permission-flow rule).
    /// Refused for archived projects and for an account created without a role.
    public func createServiceAccountKey(
        projectID: Identifier, serviceAccountID: Identifier, name rawName: String?, scopes rawScopes: [String]?,
        expiresInSeconds: Int?, by caller: Caller? = nil
    ) async throws -> CreatedProjectKey {
        let name = try rawName.map { try Self.validName($0, param: "name") } ?? Self.serviceAccountKeyName
        let created = Self.newProjectKey(
            named: name, in: projectID, owner: .serviceAccount(serviceAccountID), scopes: try Self.validProjectScopes(rawScopes),
            lifetime: try Self.validLifetime(expiresInSeconds), now: now())
        try await withAuditedTransaction(by: caller) { [created] tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let account = try await tx.serviceAccount(id: serviceAccountID, projectID: projectID)
            guard account.role != .none else {
                throw ServiceError(
                    .conflict,
                    "Service account '\(account.id)' was created without a project role, so a key of it could do nothing; "
                        + "give it the role 'member' or 'owner' first (POST /v1/organization/projects/\(projectID)/service_accounts/\(account.id)).",
                    code: "service_account_without_role")
            }
            try await Self.insert(created, in: project, tx: tx, audit: audit)
        }
        return created
    }

    /// Creates a project key (`sk-proj-…`) for the caller's own user in the project: it holds what the user holds in
    /// the project, limited to `scopes`, for as long as the user has access to the project and until it expires.
    /// Refused (409 `not_project_member`) when the user is neither a member of the project nor in a group with access
    /// to it, and for archived projects.
    public func createProjectKey(
        projectID: Identifier, name rawName: String, scopes rawScopes: [String]?, expiresInSeconds: Int?, by caller: Caller
    ) async throws -> (created: CreatedProjectKey, entry: ProjectKeyEntry) {
        let name = try Self.validName(rawName, param: "name")
        let created = Self.newProjectKey(
            named: name, in: projectID, owner: .user(caller.userID), scopes: try Self.validProjectScopes(rawScopes),
            lifetime: try Self.validLifetime(expiresInSeconds), now: now())
        return try await withAuditedTransaction(by: caller) { [created] tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            guard try await Self.isMember(caller.userID, of: projectID, in: tx) else {
                throw ServiceError(
                    .conflict,
                    "User '\(caller.userID)' is not a member of project '\(project.name)' (\(projectID)), directly or through a "
                        + "group, so it cannot have a key there. Ask a project owner to add you first.",
                    code: "not_project_member")
            }
            try await Self.insert(created, in: project, tx: tx, audit: audit)
            return (created, try await tx.projectKey(id: created.key.id, projectID: projectID))
        }
    }

    /// A key of the project with its owner; not-found for a key of another project.
    public func projectKey(projectID: Identifier, id: Identifier) async throws -> ProjectKeyEntry {
        withRecentUse(
            try await store.read { tx in
                _ = try await tx.project(id: projectID)
                return try await tx.projectKey(id: id, projectID: projectID)
            })
    }

    /// The project's keys by identifier, with their owners; with `ownerHasAccess`, only those whose owner has (or
    /// lacks) access to the project.
    public func projectKeys(projectID: Identifier, ownerHasAccess: Bool?, page: PageRequest) async throws -> Page<ProjectKeyEntry> {
        var keys = try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.projectKeys(projectID: projectID, ownerHasAccess: ownerHasAccess, page: page)
        }
        keys.items = keys.items.map(withRecentUse)
        return keys
    }

    /// The key with its last use noted in memory and not yet written, when that is the later one.
    private func withRecentUse(_ entry: ProjectKeyEntry) -> ProjectKeyEntry {
        guard let recent = projectKeyUses.lastUsed(entry.key.id) else { return entry }
        var entry = entry
        entry.key.lastUsedAt = max(entry.key.lastUsedAt ?? recent, recent)
        return entry
    }

    /// Renames a project key, changes its scopes (an empty list: no limit but its owner's), or sets it to expire
    /// `expiresInSeconds` from now; nil leaves a field as it is, and at least one must be given. An expired key cannot
    /// be changed (409 `expired_api_key`): make a new one. Changing scopes moves permissions of the key, so the
    /// permission-flow rule applies.
    public func updateProjectKey(
        projectID: Identifier, id: Identifier, name rawName: String?, scopes rawScopes: [String]?, expiresInSeconds: Int?,
        by caller: Caller? = nil
    ) async throws -> ProjectKeyEntry {
        guard rawName != nil || rawScopes != nil || expiresInSeconds != nil else {
            throw ServiceError.invalid(
                "Give at least one of 'scopes', 'expires_in_seconds' or 'name'.", param: nil, code: "missing_required_parameter")
        }
        let name = try rawName.map { try Self.validName($0, param: "name") }
        // As OpenAI's: an empty list lifts the key's limits.
        let scopes = try rawScopes.map(Self.validProjectScopes)
        let lifetime = try Self.validLifetime(expiresInSeconds)
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            var key = try await Self.projectKey(id, of: projectID, in: tx)
            guard !key.isExpired(at: timestamp) else {
                throw ServiceError(
                    .conflict, "API key '\(id)' has expired and cannot be changed; create a new key instead.", code: "expired_api_key")
            }
            var changes: [(String, JSON)] = []
            if let name {
                key.name = name
                changes.append(("name", .string(name)))
            }
            if let scopes {
                key.scopes = scopes
                changes.append(("scopes", .array((scopes ?? []).map(JSON.string))))
            }
            if let lifetime {
                key.expiresAt = timestamp + lifetime
                changes.append(("expires_at", .int(timestamp + lifetime)))
            }
            if !changes.isEmpty {
                try await tx.updateProjectKey(key)
                try await audit.record(.apiKeyUpdated, on: id, in: project, changes: changes)
            }
            return withRecentUse(try await tx.projectKey(id: id, projectID: projectID))
        }
    }

    /// The key `id` of the project, without its owner's details; not-found for a key of another project.
    static func projectKey(_ id: Identifier, of projectID: Identifier, in tx: any StoreTransaction) async throws -> ProjectKey {
        let key = try await tx.projectKey(id: id)
        guard key.projectID == projectID else { throw StoreError.notFound(.adminKey, id.rawValue) }
        return key
    }

    /// Deletes a key of the project, a user's or a service account's; it stops working at once. Allowed in archived
    /// projects too: taking access away is always possible.
    public func deleteProjectKey(projectID: Identifier, id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await tx.project(id: projectID)
            _ = try await Self.projectKey(id, of: projectID, in: tx)
            try await tx.deleteProjectKey(id: id)
            try await audit.record(.apiKeyDeleted, on: id, in: project)
        }
    }
}
