import RosterModel
import RosterStore

extension Organization {
    /// How long an invite stays acceptable: seven days.
    public static let inviteLifetime = 7 * 24 * 60 * 60

    /// Invites an email address to the organization as `role` (`owner` or `reader`), and to `projects` with a project
    /// role each (`owner` or `member`), for seven days. Refused when a user already has the email (409
    /// `already_member`), when a pending invite for it exists (409 `invite_exists`), for an unknown project (404) and
    /// for an archived one (409 `project_archived`), and (403 `permission_not_held`) when the caller's key does not hold
    /// every permission the invite gives, where it gives it.
    public func createInvite(
        email: String, role rawRole: String, projects: [(id: String, role: String)] = [], by caller: Caller? = nil
    ) async throws -> Invite {
        guard Validation.isEmail(email) else {
            throw ServiceError.invalid("'\(email)' is not an email address.", param: "email")
        }
        guard let role = PredefinedRole(rawValue: rawRole) else {
            throw ServiceError.invalid("'role' must be 'owner' or 'reader'; got '\(rawRole)'.", param: "role")
        }
        var grants: [Invite.ProjectGrant] = []
        for (index, entry) in projects.enumerated() {
            guard let projectRole = PredefinedProjectRole(rawValue: entry.role), projectRole != .viewer else {
                throw ServiceError.invalid(
                    "'role' must be 'owner' or 'member'; got '\(entry.role)'.", param: "projects[\(index)].role")
            }
            guard let projectID = Identifier(entry.id, kind: .project) else { throw StoreError.notFound(.project, entry.id) }
            guard !grants.contains(where: { $0.projectID == projectID }) else {
                throw ServiceError.invalid("Project '\(entry.id)' is listed twice.", param: "projects[\(index)].id")
            }
            grants.append(Invite.ProjectGrant(projectID: projectID, role: projectRole))
        }
        let timestamp = now()
        let invite = Invite(
            id: .make(.invite), email: email, role: role, projects: grants, createdAt: timestamp,
            expiresAt: timestamp + Self.inviteLifetime)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            if let user = try await tx.user(email: email) {
                throw ServiceError(
                    .conflict, "'\(email)' already belongs to user '\(user.id)', a member of the organization.",
                    param: "email", code: "already_member")
            }
            if let pending = try await tx.unacceptedInvites(email: email).first(where: { $0.status(at: timestamp) == .pending }) {
                throw ServiceError(
                    .conflict,
                    "Invite '\(pending.id)' for '\(pending.email)' is still pending; delete it with "
                        + "DELETE /v1/organization/invites/\(pending.id) to send a new one.",
                    param: "email", code: "invite_exists")
            }
            for grant in grants { _ = try await Self.writableProject(grant.projectID, in: tx) }
            try await Self.refuseUnlessCallerCouldInvite(invite, caller: caller, in: tx)
            try await tx.insertInvite(invite)
            var data: [(String, JSON)] = [("email", .string(invite.email)), ("role", .string(invite.role.rawValue))]
            if !grants.isEmpty {
                data.append((
                    "projects",
                    .array(grants.map { .object([("id", .string($0.projectID.rawValue)), ("role", .string($0.role.rawValue))]) })
                ))
            }
            try await audit.record(.inviteSent, on: invite.id, data: data)
            return invite
        }
    }

    /// Refuses (403 `permission_not_held`) an invite that gives what the caller's key does not hold: accepting it later
    /// gives the invitee its role and project roles whoever provisions the user, so the sender answers for them now.
    static func refuseUnlessCallerCouldInvite(_ invite: Invite, caller: Caller?, in tx: any StoreTransaction) async throws {
        guard let caller else { return }
        let held = try await PermissionFlow.holdings(of: .user(caller.userID), in: tx, at: invite.createdAt).limited(to: caller.scopes)
        try await PermissionFlow.refuseUnheld(
            .invitee(invite.email), from: .nothing, to: PermissionFlow.holdings(givenBy: invite), caller: held, keyID: caller.keyID, in: tx)
    }

    /// The invite's status now, by the organization's clock: `pending`, `accepted` or `expired`.
    public func status(of invite: Invite) -> Invite.Status {
        invite.status(at: now())
    }

    public func invite(id: Identifier) async throws -> Invite {
        try await store.read { try await $0.invite(id: id) }
    }

    /// Invites by identifier (oldest first), accepted and expired ones included.
    public func invites(page: PageRequest) async throws -> Page<Invite> {
        try await store.read { try await $0.invites(page: page) }
    }

    /// Deletes an invite that was not accepted (pending or expired); an accepted one is refused (409 `invite_accepted`).
    public func deleteInvite(id: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let invite = try await tx.invite(id: id)
            guard invite.acceptedAt == nil else {
                throw ServiceError(
                    .conflict, "Invite '\(invite.id)' was accepted, so it cannot be deleted.", code: "invite_accepted")
            }
            try await tx.deleteInvite(id: id)
            try await audit.record(.inviteDeleted, on: id)
        }
    }

    /// Accepts the pending invites of a user entering the organization (over SCIM or the import), in the caller's
    /// transaction: each is marked accepted, the user gets its organization role and joins each of its projects that
    /// is not archived, with its project role. Expired invites are left as they are. Returns the accepted invites.
    /// Each acceptance is one `invite.accepted` event, whose details name the user and the projects it joined.
    @discardableResult
    static func acceptInvites(for user: User, now: Int, in tx: any StoreTransaction, audit: AuditTrail) async throws -> [Invite] {
        guard let email = user.email else { return [] }
        let pending = try await tx.unacceptedInvites(email: email).filter { $0.status(at: now) == .pending }
        for invite in pending {
            try await tx.markInviteAccepted(id: invite.id, at: now)
            try await setPredefinedRole(invite.role, of: user.id, in: tx)
            var joined: [JSON] = []
            for grant in invite.projects {
                guard try await !tx.project(id: grant.projectID).isArchived else { continue }
                _ = try await tx.addProjectMember(projectID: grant.projectID, userID: user.id, addedAt: now)
                try await setPredefinedProjectRole(grant.role, of: user.id, in: grant.projectID, tx: tx)
                joined.append(.object([("id", .string(grant.projectID.rawValue)), ("role", .string(grant.role.rawValue))]))
            }
            try await audit.record(
                .inviteAccepted, on: invite.id,
                data: [("user_id", .string(user.id.rawValue)), ("role", .string(invite.role.rawValue)), ("projects", .array(joined))])
        }
        return pending
    }
}
