import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    package static var auditColumns: String {
        """
            a.id, a.type, a.effective_at, a.actor_key_id, a.actor_user_id, a.actor_email, a.project_id, a.project_name,
            a.resource_id, a.details
            """
    }

    package static func auditEvent(from row: Row) throws -> AuditEvent {
        let rawType = try row.string("type")
        guard let type = AuditEventType(rawValue: rawType) else {
            throw StoreError.unavailable("audit event type \(rawType) is unknown")
        }
        var actor: AuditActor?
        if let keyID = row.optionalString("actor_key_id"), let userID = row.optionalString("actor_user_id") {
            actor = AuditActor(
                keyID: Identifier(trusted: keyID), userID: Identifier(trusted: userID), email: row.optionalString("actor_email"))
        }
        var project: AuditEvent.ProjectReference?
        if let projectID = row.optionalString("project_id") {
            project = AuditEvent.ProjectReference(id: Identifier(trusted: projectID), name: row.optionalString("project_name") ?? "")
        }
        return AuditEvent(
            id: try row.identifier("id"), type: type, effectiveAt: try row.int("effective_at"), actor: actor, project: project,
            resourceID: try row.string("resource_id"), details: try JSON.parse(Array(try row.string("details").utf8)))
    }

    package func appendAuditEvent(_ event: AuditEvent) async throws {
        try await query(
            """
            INSERT INTO audit_logs (id, type, effective_at, actor_key_id, actor_user_id, actor_email, actor_email_key,
                                    project_id, project_name, resource_id, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(event.id.rawValue), .text(event.type.rawValue), .integer(event.effectiveAt),
                .optional(event.actor?.keyID.rawValue), .optional(event.actor?.userID.rawValue), .optional(event.actor?.email),
                .optional(event.actor?.email.map(Validation.comparisonKey)), .optional(event.project?.id.rawValue),
                .optional(event.project?.name), .text(event.resourceID), .text(event.details.serialized),
            ],
            conflictMessage: "An audit log event with id '\(event.id)' already exists.")
    }

    package func auditEvents(_ filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent> {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func bound(_ comparison: String, _ value: Int?) {
            guard let value else { return }
            conditions.append("a.effective_at \(comparison) ?")
            binds.append(.integer(value))
        }
        bound(">", filter.effectiveAt.greaterThan)
        bound(">=", filter.effectiveAt.atLeast)
        bound("<", filter.effectiveAt.lessThan)
        bound("<=", filter.effectiveAt.atMost)
        /// `column IN (…)`; false when the list is empty, so that it lets nothing through.
        func oneOf(_ column: String, _ values: [String]) -> String {
            guard !values.isEmpty else { return "false" }
            binds += values.map(SQLValue.text)
            return "\(column) IN (\(Self.placeholders(values.count)))"
        }
        if let ids = filter.projectIDs { conditions.append(oneOf("a.project_id", ids)) }
        if let types = filter.types { conditions.append(oneOf("a.type", types)) }
        if let ids = filter.actorIDs {
            // Actors are users and their keys; an id of any other kind names no actor.
            let users = ids.filter { $0.hasPrefix(IdentifierKind.user.prefix) }
            let keys = ids.filter { $0.hasPrefix(IdentifierKind.adminKey.prefix) }
            switch (users.isEmpty, keys.isEmpty) {
            case (false, true): conditions.append(oneOf("a.actor_user_id", users))
            case (true, false): conditions.append(oneOf("a.actor_key_id", keys))
            case (false, false):
                let user = oneOf("a.actor_user_id", users)
                conditions.append("(\(user) OR \(oneOf("a.actor_key_id", keys)))")
            case (true, true): conditions.append("false")
            }
        }
        if let emails = filter.actorEmails { conditions.append(oneOf("a.actor_email_key", emails.map(Validation.comparisonKey))) }
        if let ids = filter.resourceIDs { conditions.append(oneOf("a.resource_id", ids)) }
        let descending = page.order == .descending
        if let after = page.after {
            let cursor = try await query("SELECT effective_at FROM audit_logs WHERE id = ?", [.text(after.rawValue)])
            guard let time = cursor.first?.column("effective_at")?.integer else {
                throw StoreError.notFound(.auditLog, after.rawValue)
            }
            conditions.append("(a.effective_at, a.id) \(descending ? "<" : ">") (?, ?)")
            binds += [.integer(time), .text(after.rawValue)]
        }
        binds.append(.integer(page.limit + 1))
        let direction = descending ? "DESC" : "ASC"
        let rows = try await query(
            """
            SELECT \(Self.auditColumns) FROM audit_logs a
            WHERE \(conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND "))
            ORDER BY a.effective_at \(direction), a.id \(direction) LIMIT ?
            """, binds)
        return Page(rows: try rows.map(Self.auditEvent(from:)), limit: page.limit)
    }
}
