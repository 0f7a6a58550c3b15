import RosterModel
import RosterStore

extension Organization {
    /// Creates a group; its name must be non-blank and unused (case-insensitive).
    public func createGroup(name rawName: String, isSCIMManaged: Bool = false, by caller: Caller? = nil) async throws -> Group {
        let name = try Self.validName(rawName, param: "name")
        let group = Group(id: .make(.group), name: name, createdAt: now(), isSCIMManaged: isSCIMManaged)
        try await withAuditedTransaction(by: caller) { tx, audit in
            try await tx.insertGroup(group)
            try await audit.recordGroupCreated(group)
        }
        return group
    }

    /// The group as the policy holds it, at the revision every decision is made at (on this instance it includes every
    /// write it acknowledged; on another it trails by the time a change takes to travel, which `roster-min-revision`
    /// waits out). A group the policy does not hold yet — one another instance created an instant ago — is read from
    /// the store, so a create on one instance and a read on another never meet a 404.
    public func group(id: Identifier) async throws -> Group {
        try await policy.loadIfNeeded(from: store)
        if let group = policy.withState({ $0.groups[id]?.group }) { return group }
        return try await store.read { try await $0.group(id: id) }
    }

    public func groups(page: PageRequest) async throws -> Page<Group> {
        try await store.read { try await $0.groups(page: page) }
    }

    /// Renames a group; refused for groups the identity provider manages.
    public func renameGroup(id: Identifier, to rawName: String, by caller: Caller? = nil) async throws -> Group {
        let name = try Self.validName(rawName, param: "name")
        return try await withAuditedTransaction(by: caller) { tx, audit in
            var group = try await tx.group(id: id)
            try Self.refuseIfSCIMManaged(group, "renamed")
            group.name = name
            try await tx.updateGroup(group)
            try await audit.recordGroupUpdated(id, renamedTo: name)
            return group
        }
    }

    /// Deletes a group with its memberships and role assignments; refused for SCIM-managed groups.
    public func deleteGroup(id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try Self.refuseIfSCIMManaged(try await tx.group(id: id), "deleted")
            try await tx.deleteGroup(id: id)
            try await audit.record(.groupDeleted, on: id)
        }
    }

    /// Adds a user to a group. Adding a member twice leaves one membership (and records nothing the second time).
    public func addMember(groupID: Identifier, userID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try Self.refuseIfSCIMManaged(try await tx.group(id: groupID), "given new members")
            if try await tx.addMember(groupID: groupID, userID: userID) {
                try await audit.recordGroupUpdated(groupID, added: [userID])
            }
        }
    }

    /// The member `userID` of the group; not-found when the group, the user or the membership is missing.
    public func member(groupID: Identifier, userID: Identifier) async throws -> User {
        try await store.read { tx in
            _ = try await tx.group(id: groupID)
            let user = try await tx.user(id: userID)
            guard try await tx.isMember(groupID: groupID, userID: userID) else {
                throw ServiceError.notMember(userID: userID, groupID: groupID)
            }
            return user
        }
    }

    public func members(groupID: Identifier, page: PageRequest) async throws -> Page<User> {
        try await store.read { tx in
            _ = try await tx.group(id: groupID)
            return try await tx.members(groupID: groupID, page: page)
        }
    }

    /// Removes a user from a group; not-found when the user was not a member.
    public func removeMember(groupID: Identifier, userID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            try Self.refuseIfSCIMManaged(try await tx.group(id: groupID), "have members removed")
            guard try await tx.removeMember(groupID: groupID, userID: userID) else {
                _ = try await tx.user(id: userID)
                throw ServiceError.notMember(userID: userID, groupID: groupID)
            }
            try await audit.recordGroupUpdated(groupID, removed: [userID])
        }
    }

    static func refuseIfSCIMManaged(_ group: Group, _ action: String) throws {
        guard group.isSCIMManaged else { return }
        throw ServiceError(
            .conflict,
            "Group '\(group.name)' (\(group.id)) is managed by your identity provider through SCIM and cannot be \(action) "
                + "through the Admin API; make the change in the identity provider. Roles can still be assigned to it.",
            code: "scim_managed")
    }

    static func validName(_ raw: String, param: String) throws -> String {
        guard let name = Validation.name(raw) else {
            throw ServiceError.invalid(
                "'\(param)' must be between 1 and \(Validation.maximumNameLength) characters, not blank, with no control "
                    + "characters (such as NUL or a line break).", param: param)
        }
        return name
    }
}

extension ServiceError {
    static func notMember(userID: Identifier, groupID: Identifier) -> ServiceError {
        ServiceError(.notFound, "User '\(userID)' is not a member of group '\(groupID)'.", code: "not_found")
    }
}
