import RosterModel

extension Wire {
    /// `AuditLog`: the details of the change sit under a member named after its type (`"group.created": {…}`).
    /// `project` is absent for changes outside projects, and `actor` is null for Roster's own changes (an organization
    /// file, the start-up bootstrap).
    static func auditLog(_ event: AuditEvent) -> JSON {
        var members: [(String, JSON)] = [
            ("id", .string(event.id.rawValue)), ("type", .string(event.type.rawValue)), ("effective_at", .int(event.effectiveAt)),
        ]
        if let project = event.project {
            members.append(("project", .object([("id", .string(project.id.rawValue)), ("name", .string(project.name))])))
        }
        members.append(("actor", event.actor.map(auditActor) ?? .null))
        members.append((event.type.rawValue, event.details))
        return .object(members)
    }

    /// `AuditLogActor` of a change made with an admin key: the key and the user it belongs to.
    private static func auditActor(_ actor: AuditActor) -> JSON {
        var user: [(String, JSON)] = [("id", .string(actor.userID.rawValue))]
        if let email = actor.email { user.append(("email", .string(email))) }
        return .object([
            ("type", "api_key"),
            ("api_key", .object([("id", .string(actor.keyID.rawValue)), ("type", "user"), ("user", .object(user))])),
        ])
    }
}
