import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    package static var inviteColumns: String { "i.id, i.email, i.role, i.projects, i.created_at, i.expires_at, i.accepted_at" }

    private static func encode(_ grants: [Invite.ProjectGrant]) throws -> SQLValue {
        let stored = grants.map { StoredGrant(id: $0.projectID.rawValue, role: $0.role.rawValue) }
        return .text(String(decoding: try JSONEncoder().encode(stored), as: UTF8.self))
    }

    package static func invite(from row: Row) throws -> Invite {
        let role = try row.string("role")
        guard let organizationRole = PredefinedRole(rawValue: role) else {
            throw StoreError.unavailable("invite role \(role) is unknown")
        }
        let stored = try JSONDecoder().decode([StoredGrant].self, from: Data(try row.string("projects").utf8))
        let grants = try stored.map { grant -> Invite.ProjectGrant in
            guard let projectRole = PredefinedProjectRole(rawValue: grant.role) else {
                throw StoreError.unavailable("invite project role \(grant.role) is unknown")
            }
            return Invite.ProjectGrant(projectID: Identifier(trusted: grant.id), role: projectRole)
        }
        return Invite(
            id: try row.identifier("id"), email: try row.string("email"), role: organizationRole, projects: grants,
            createdAt: try row.int("created_at"), expiresAt: try row.int("expires_at"),
            acceptedAt: row.column("accepted_at")?.integer)
    }

    package func insertInvite(_ invite: Invite) async throws {
        try await query(
            """
            INSERT INTO invites (id, email, email_key, role, projects, created_at, expires_at, accepted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(invite.id.rawValue), .text(invite.email), .text(Validation.comparisonKey(invite.email)),
                .text(invite.role.rawValue), try Self.encode(invite.projects), .integer(invite.createdAt),
                .integer(invite.expiresAt), invite.acceptedAt.map(SQLValue.integer) ?? .null,
            ],
            conflictMessage: "An invite with id '\(invite.id)' already exists.")
    }

    package func invite(id: Identifier) async throws -> Invite {
        let rows = try await query("SELECT \(Self.inviteColumns) FROM invites i WHERE i.id = ?", [.text(id.rawValue)])
        guard let row = rows.first else { throw StoreError.notFound(.invite, id.rawValue) }
        return try Self.invite(from: row)
    }

    package func invites(page: PageRequest) async throws -> Page<Invite> {
        var binds: [SQLValue] = []
        let (condition, tail) = keyset("i.id", page, binds: &binds)
        let rows = try await query("SELECT \(Self.inviteColumns) FROM invites i WHERE 1 = 1\(condition)\(tail)", binds)
        return Page(rows: try rows.map(Self.invite(from:)), limit: page.limit)
    }

    package func deleteInvite(id: Identifier) async throws {
        try await query("DELETE FROM invites WHERE id = ?", [.text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.invite, id.rawValue) }
    }

    package func unacceptedInvites(email: String) async throws -> [Invite] {
        // `invites_email` finds the email's invites already in identifier order.
        try await query(
            "SELECT \(Self.inviteColumns) FROM invites i WHERE i.email_key = ? AND i.accepted_at IS NULL ORDER BY i.id",
            [.text(Validation.comparisonKey(email))]
        ).map(Self.invite(from:))
    }

    package func markInviteAccepted(id: Identifier, at time: Int) async throws {
        try await query("UPDATE invites SET accepted_at = ? WHERE id = ?", [.integer(time), .text(id.rawValue)])
        if try await changes() == 0 { throw StoreError.notFound(.invite, id.rawValue) }
    }
}

/// One element of the `invites.projects` column: `{"id": "proj_…", "role": "owner"}`.
private struct StoredGrant: Codable {
    var id: String
    var role: String
}
