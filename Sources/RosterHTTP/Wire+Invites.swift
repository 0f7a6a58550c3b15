import RosterModel
import RosterService

extension Wire {
    /// `Invite`, with its `status` as of the time of reading.
    static func invite(_ invite: Invite, status: Invite.Status) -> JSON {
        .object([
            ("object", "organization.invite"), ("id", .string(invite.id.rawValue)), ("email", .string(invite.email)),
            ("role", .string(invite.role.rawValue)), ("status", .string(status.rawValue)),
            ("created_at", .int(invite.createdAt)), ("expires_at", .int(invite.expiresAt)),
            ("accepted_at", invite.acceptedAt.map(JSON.int) ?? .null),
            (
                "projects",
                .array(
                    invite.projects.map {
                        .object([("id", .string($0.projectID.rawValue)), ("role", .string($0.role.rawValue))])
                    })
            ),
        ])
    }

    /// `User` with its `projects` member (`{"object": "list", "data": [{id, name, role}]}`): the projects the user
    /// is a direct member of, with the predefined project role it holds directly in each (null when none).
    static func user(_ user: User, projects: [Organization.UserProject]) -> JSON {
        guard case .object(var members) = Wire.user(user) else { return Wire.user(user) }
        let data = projects.map { entry -> JSON in
            .object([
                ("id", .string(entry.project.id.rawValue)), ("name", .string(entry.project.name)),
                ("role", .optional(entry.role?.rawValue)),
            ])
        }
        members.append(("projects", .object([("object", "list"), ("data", .array(data))])))
        return .object(members)
    }
}
