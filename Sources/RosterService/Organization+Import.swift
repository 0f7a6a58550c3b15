import RosterModel
import RosterStore

extension Organization {
    /// What an import did with the file's entries (roles, users, groups and models): how many it created, changed, and found
    /// already as the file says.
    public struct ImportSummary: Sendable, Equatable {
        public var created = 0
        public var changed = 0
        public var unchanged = 0

        public init(created: Int = 0, changed: Int = 0, unchanged: Int = 0) {
            self.created = created
            self.changed = changed
            self.unchanged = unchanged
        }

        /// Counts an existing entry as changed when the import recorded any audit event for it, else unchanged.
        mutating func count(existing eventsBefore: Int, _ audit: AuditTrail) {
            if audit.recorded.value > eventsBefore { changed += 1 } else { unchanged += 1 }
        }
    }

    /// Applies an organization file in one transaction: either all of it takes effect or none of it.
    /// A mistake in the file is an `invalidRequest` whose `param` points into the file (`users[2].email`); a file that
    /// would leave an organization that had an active owner without one is refused (409 `last_owner`).
    ///
    /// Every change is recorded in the audit log as Roster's own (no actor): a role, user or group created or changed,
    /// a role assigned or unassigned, an invite accepted; a model added or changed has no event of its own in OpenAI's
    /// log, so it is in the change feed only. What the file lists as it already is changes nothing and
    /// records nothing, so applying the same file again (as `serve --seed` does at every start) leaves the log as it is.
    public func importFile(_ file: OrganizationFile) async throws -> ImportSummary {
        let timestamp = now()
        return try await withAuditedTransaction(by: nil) { tx, audit in
            var summary = ImportSummary()
            let hadOwner = try await tx.activeOwnerCount() > 0
            for (index, entry) in (file.roles ?? []).enumerated() {
                let param = "roles[\(index)]"
                let name = try Self.validName(entry.name, param: "\(param).name")
                let permissions = try Self.inFile(param) { try Self.validPermissions(entry.permissions) }
                if var role = try await tx.role(name: name, scope: .organization) {
                    try Self.inFile(param) { try Self.refuseIfPredefined(role, "changed by an import") }
                    let before = role
                    role.description = entry.description
                    role.permissions = permissions
                    if role != before {
                        role.updatedAt = timestamp
                        try await tx.updateRole(role)
                        try await audit.record(.roleUpdated, on: role.id, changes: Self.roleChanges(from: before, to: role))
                        summary.changed += 1
                    } else {
                        summary.unchanged += 1
                    }
                } else {
                    let role = Role(
                        id: .make(.role), name: name, description: entry.description, permissions: permissions,
                        resourceType: ResourceType.organization, isPredefined: false, createdAt: timestamp,
                        updatedAt: timestamp, createdBy: nil)
                    try await tx.insertRole(role)
                    try await audit.record(
                        .roleCreated, on: role.id,
                        [
                            ("role_name", .string(role.name)), ("permissions", .array(role.permissions.map(JSON.string))),
                            ("resource_type", .string(role.resourceType)),
                        ])
                    summary.created += 1
                }
            }
            for (index, entry) in (file.users ?? []).enumerated() {
                let param = "users[\(index)]"
                let eventsBefore = audit.recorded.value
                if let email = entry.email, !Validation.isEmail(email) {
                    throw ServiceError.invalid("'\(email)' is not an email address.", param: "\(param).email")
                }
                guard !entry.key.isEmpty else {
                    throw ServiceError.invalid("A user needs an 'email' or a 'user_name'.", param: "\(param).email")
                }
                guard let predefined = PredefinedRole(rawValue: entry.role ?? PredefinedRole.reader.rawValue) else {
                    throw ServiceError.invalid("'role' must be 'owner' or 'reader'.", param: "\(param).role")
                }
                let name = try Self.validName(entry.name ?? String(entry.key.prefix { $0 != "@" }), param: "\(param).name")
                var user: User
                var invited = false
                var changes: [(String, JSON)] = []
                let existing = try await tx.user(userName: entry.key)
                if let existing {
                    user = existing
                    if user.name != name || user.isActive != (entry.active ?? true) || user.email != entry.email {
                        user.name = name
                        user.email = entry.email
                        user.isActive = entry.active ?? true
                        user.updatedAt = timestamp
                        try await tx.updateUser(user)
                        if user.name != existing.name { changes.append(("name", .string(user.name))) }
                        if user.email != existing.email { changes.append(("email", .optional(user.email))) }
                        if user.isActive != existing.isActive { changes.append(("active", .bool(user.isActive))) }
                        if existing.isActive, !user.isActive { try await Self.deleteKeys(of: user.id, in: tx, audit: audit) }
                    }
                } else {
                    user = User(
                        id: .make(.user), email: entry.email, name: name, addedAt: timestamp, userName: entry.key,
                        isActive: entry.active ?? true)
                    try await tx.insertUser(user)
                    invited = !(try await Self.acceptInvites(for: user, now: timestamp, in: tx, audit: audit)).isEmpty
                    summary.created += 1
                }
                // A new user who accepted an invite keeps the invite's organization role unless the file names one.
                if !invited || entry.role != nil, try await Self.setPredefinedRole(predefined, of: user.id, in: tx) {
                    changes.append(("role", .string(predefined.rawValue)))
                }
                if existing == nil {
                    try await audit.recordUserAdded(try await tx.user(id: user.id))
                } else if !changes.isEmpty {
                    try await audit.record(.userUpdated, on: user.id, changes: changes)
                }
                if let names = entry.roles {
                    let wanted = try await Self.roleIDs(names, param: "\(param).roles", in: tx)
                    let held = try await Self.allRoles(of: .user(user.id), in: tx)
                        .filter { !$0.isPredefined }.map(\.id)
                    try await Self.replaceAssignments(of: .user(user.id), held: held, wanted: wanted, in: tx, audit: audit)
                }
                if existing != nil { summary.count(existing: eventsBefore, audit) }
            }
            for (index, entry) in (file.groups ?? []).enumerated() {
                let param = "groups[\(index)]"
                let name = try Self.validName(entry.name, param: "\(param).name")
                let group: Group
                let created: Bool
                let eventsBefore = audit.recorded.value
                if let existing = try await tx.group(name: name) {
                    group = existing
                    created = false
                } else {
                    group = Group(id: .make(.group), name: name, createdAt: timestamp, isSCIMManaged: entry.scimManaged ?? false)
                    try await tx.insertGroup(group)
                    created = true
                    summary.created += 1
                }
                var (added, removed): ([Identifier], [Identifier]) = ([], [])
                if let emails = entry.members {
                    var wanted: Set<Identifier> = []
                    for (memberIndex, member) in emails.enumerated() {
                        guard let user = try await tx.user(userName: member) else {
                            throw ServiceError.invalid(
                                "No user has user name or email '\(member)'; list the user under 'users'.",
                                param: "\(param).members[\(memberIndex)]")
                        }
                        wanted.insert(user.id)
                    }
                    let held = Set(try await tx.allMembers(groupID: group.id).map(\.id))
                    for userID in held.subtracting(wanted) { _ = try await tx.removeMember(groupID: group.id, userID: userID) }
                    for userID in wanted.subtracting(held) { _ = try await tx.addMember(groupID: group.id, userID: userID) }
                    (added, removed) = (Array(wanted.subtracting(held)), Array(held.subtracting(wanted)))
                }
                if created {
                    try await audit.recordGroupCreated(group, members: added)
                } else {
                    try await audit.recordGroupUpdated(group.id, added: added, removed: removed)
                }
                if let names = entry.roles {
                    let wanted = try await Self.roleIDs(names, param: "\(param).roles", in: tx)
                    let held = try await Self.allRoles(of: .group(group.id), in: tx).map(\.id)
                    try await Self.replaceAssignments(of: .group(group.id), held: held, wanted: wanted, in: tx, audit: audit)
                }
                if !created { summary.count(existing: eventsBefore, audit) }
            }
            if let entries = file.models {
                var known = Dictionary(uniqueKeysWithValues: try await tx.models().map { ($0.id, $0.defaultLimits) })
                for (index, entry) in entries.enumerated() {
                    let model = try Self.model(entry, param: "models[\(index)]")
                    if let limits = known[model.id] {
                        if limits == model.defaultLimits {
                            summary.unchanged += 1
                            continue
                        }
                        summary.changed += 1
                    } else {
                        summary.created += 1
                    }
                    known[model.id] = model.defaultLimits
                    try await tx.saveModel(model)
                }
            }
            if hadOwner, try await tx.activeOwnerCount() == 0 {
                throw ServiceError(
                    .conflict,
                    "The file would leave the organization without an active owner; keep 'role': 'owner' (and no "
                        + "'active': false) on at least one user.",
                    code: "last_owner")
            }
            return summary
        }
    }

    /// The model an entry of the file describes; its id and limits checked, each mistake naming its place (`models[0].id`).
    static func model(_ entry: OrganizationFile.ModelEntry, param: String) throws -> Model {
        let id = try validModelID(entry.id, param: "\(param).id")
        var values: [RateLimits.Field: Int] = [:]
        for (name, value) in entry.limits {
            guard let field = RateLimits.Field(rawValue: name) else {
                throw ServiceError.invalid("'\(name)' is not a rate limit.", param: "\(param).\(name)")
            }
            try checkLimit(value, param: "\(param).\(name)")
            values[field] = value
        }
        guard let requests = values[.requestsPerMinute], let tokens = values[.tokensPerMinute] else {
            throw ServiceError.invalid(
                "A model needs 'max_requests_per_1_minute' and 'max_tokens_per_1_minute'; the other limits are optional.", param: param)
        }
        return Model(id: id, defaultLimits: RateLimits(requestsPerMinute: requests, tokensPerMinute: tokens, others: values))
    }

    /// The organization as a file that `importFile` turns back into the same organization: users by user name,
    /// roles and groups by name, every list sorted, so that two exports of one organization are identical.
    public func exportFile() async throws -> OrganizationFile {
        try await store.read { tx in
            let roles = try await Self.everyPage(by: \.id) { try await tx.roles(scope: .organization, page: $0) }
            let users = try await Self.everyPage(by: \.id) { try await tx.users(emails: nil, includeInactive: true, page: $0) }
            let groups = try await Self.everyPage(by: \.id) { try await tx.groups(page: $0) }
            var file = OrganizationFile(
                roles: roles.filter { !$0.isPredefined }.map {
                    OrganizationFile.RoleEntry(name: $0.name, description: $0.description, permissions: $0.permissions)
                }.sorted { $0.name < $1.name },
                users: [], groups: [], models: try await tx.models().map(OrganizationFile.ModelEntry.init))
            for user in users {
                let others = try await Self.allRoles(of: .user(user.id), in: tx).map(\.name).filter { $0 != user.role?.rawValue }
                file.users?.append(
                    OrganizationFile.UserEntry(
                        email: user.email, userName: user.userName == user.email ? nil : user.userName, name: user.name,
                        role: (user.role ?? .reader).rawValue, roles: others.sorted(), active: user.isActive ? nil : false))
            }
            for group in groups {
                let members = try await tx.allMembers(groupID: group.id).map(\.userName).sorted()
                let roles = try await Self.allRoles(of: .group(group.id), in: tx).map(\.name).sorted()
                file.groups?.append(
                    OrganizationFile.GroupEntry(
                        name: group.name, scimManaged: group.isSCIMManaged ? true : nil, members: members, roles: roles))
            }
            file.users?.sort { $0.key.lowercased() < $1.key.lowercased() }
            file.groups?.sort { $0.name.lowercased() < $1.name.lowercased() }
            return file
        }
    }

    /// The roles the principal holds directly (for a user, not through its groups).
    private static func allRoles(of principal: Principal, in tx: any StoreTransaction) async throws -> [Role] {
        switch principal {
        case .user(let userID):
            return try await everyPage(by: \.role.id) { try await tx.roles(ofUser: userID, scope: .organization, page: $0) }
                .filter { $0.sources.contains(principal) }.map(\.role)
        case .group(let groupID):
            return try await everyPage(by: \.role.id) { try await tx.roles(ofGroup: groupID, scope: .organization, page: $0) }.map(\.role)
        }
    }

    private static func roleIDs(_ names: [String], param: String, in tx: any StoreTransaction) async throws -> Set<Identifier> {
        var ids: Set<Identifier> = []
        for (index, name) in names.enumerated() {
            guard let role = try await tx.role(name: name, scope: .organization) else {
                throw ServiceError.invalid("No organization role is named '\(name)'; list it under 'roles'.", param: "\(param)[\(index)]")
            }
            ids.insert(role.id)
        }
        return ids
    }

    /// Makes the principal's directly held organization roles `wanted`, recording each assignment made or removed.
    private static func replaceAssignments(
        of principal: Principal, held: [Identifier], wanted: Set<Identifier>, in tx: any StoreTransaction, audit: AuditTrail
    ) async throws {
        for roleID in Set(held).subtracting(wanted).sorted() where try await tx.unassign(roleID: roleID, from: principal) {
            try await audit.recordAssignment(.roleAssignmentDeleted, of: roleID, .organization, to: principal)
        }
        for roleID in wanted.subtracting(held).sorted() where try await tx.assign(roleID: roleID, to: principal) {
            try await audit.recordAssignment(.roleAssignmentCreated, of: roleID, .organization, to: principal)
        }
    }

    /// Reads a whole list page by page.
    static func everyPage<Item>(by key: (Item) -> Identifier, _ read: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var page = PageRequest(limit: 1000)
        while true {
            let next = try await read(page)
            items += next.items
            guard next.hasMore, let last = next.items.last else { return items }
            page.after = key(last)
        }
    }

    /// Re-labels an error's `param` so that it points into the file entry `prefix`.
    private static func inFile<T>(_ prefix: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ServiceError {
            throw ServiceError(error.kind, error.message, param: error.param.map { "\(prefix).\($0)" } ?? prefix, code: error.code)
        }
    }
}
