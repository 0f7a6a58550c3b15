import RosterModel
import RosterStore

extension Organization {
    /// A service account just created, with the secret of its API key: the only time the secret is known.
    public struct CreatedServiceAccount: Sendable {
        public let account: ServiceAccount
        /// The account's API key with its secret, or nil for an account created without one.
        public let apiKey: CreatedProjectKey?
    }

    /// The name a service account's first key is given.
    static let serviceAccountKeyName = "Secret Key"

    /// Creates a service account in the project with the project role `member` and an API key (`sk-svcacct-…`) whose
    /// secret is returned once and stored only as its SHA-256. With `accountOnly` the account has role `none` and no
    /// key. Refused for archived projects.
    public func createServiceAccount(
        projectID: Identifier, name rawName: String, accountOnly: Bool = false, by caller: Caller? = nil
    ) async throws -> CreatedServiceAccount {
        let name = try Self.validName(rawName, param: "name")
        let timestamp = now()
        let account = ServiceAccount(
            id: .make(.serviceAccount), projectID: projectID, name: name, role: accountOnly ? .none : .member, createdAt: timestamp)
        let apiKey = accountOnly
            ? nil : Self.newProjectKey(named: Self.serviceAccountKeyName, in: projectID, owner: .serviceAccount(account.id), now: timestamp)
        try await withAuditedTransaction(by: caller) { [apiKey] tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            try await tx.insertServiceAccount(account)
            try await audit.record(
                .serviceAccountCreated, on: account.id, in: project,
                data: [("name", .string(account.name)), ("role", .string(account.role.rawValue))])
            // `service_account.created` stands for the account's first key too.
            if let apiKey { try await Self.insert(apiKey, in: project, tx: tx, audit: nil) }
        }
        return CreatedServiceAccount(account: account, apiKey: apiKey)
    }

    /// A service account of the project; not-found for an account of another project.
    public func serviceAccount(projectID: Identifier, id: Identifier) async throws -> ServiceAccount {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.serviceAccount(id: id, projectID: projectID)
        }
    }

    /// The project's service accounts, by identifier.
    public func serviceAccounts(projectID: Identifier, page: PageRequest) async throws -> Page<ServiceAccount> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.serviceAccounts(projectID: projectID, page: page)
        }
    }

    /// Renames a service account and changes its role (`member` or `owner`); nil leaves a field as it is.
    /// Refused for archived projects.
    public func updateServiceAccount(
        projectID: Identifier, id: Identifier, name rawName: String?, role rawRole: String?, by caller: Caller? = nil
    ) async throws -> ServiceAccount {
        let name = try rawName.map { try Self.validName($0, param: "name") }
        let role = try rawRole.map { raw in
            guard let role = ServiceAccount.Role(rawValue: raw), role != .none else {
                throw ServiceError.invalid("'role' must be 'member' or 'owner'; got '\(raw)'.", param: "role")
            }
            return role
        }
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            var account = try await tx.serviceAccount(id: id, projectID: projectID)
            account.name = name ?? account.name
            account.role = role ?? account.role
            try await tx.updateServiceAccount(account)
            var changes: [(String, JSON)] = []
            if let name { changes.append(("name", .string(name))) }
            if let role { changes.append(("role", .string(role.rawValue))) }
            try await audit.record(.serviceAccountUpdated, on: id, in: project, changes: changes)
            return account
        }
    }

    /// Deletes a service account of the project with its API keys. Refused for archived projects.
    public func deleteServiceAccount(projectID: Identifier, id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            _ = try await tx.serviceAccount(id: id, projectID: projectID)
            try await tx.deleteServiceAccount(id: id)
            try await audit.record(.serviceAccountDeleted, on: id, in: project)
        }
    }
}
