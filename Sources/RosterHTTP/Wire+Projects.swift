import RosterModel
import RosterService
import RosterStore

extension Wire {
    /// `Project`. `residency` is left out when the project has none (the reference does not let it be null).
    static func project(_ project: Project) -> JSON {
        var members: [(String, JSON)] = [
            ("id", .string(project.id.rawValue)), ("object", "organization.project"), ("name", .string(project.name)),
            ("created_at", .int(project.createdAt)), ("archived_at", project.archivedAt.map(JSON.int) ?? .null),
            ("status", project.isArchived ? "archived" : "active"), ("external_key_id", .optional(project.externalKeyID)),
        ]
        if let residency = project.residency { members.append(("residency", .string(residency))) }
        return .object(members)
    }

    /// `ProjectUser`. `role` is the predefined project role the user holds directly, or `none`.
    static func projectUser(_ member: ProjectMember) -> JSON {
        .object([
            ("object", "organization.project.user"), ("id", .string(member.user.id.rawValue)),
            ("name", .string(member.user.name)), ("email", .optional(member.user.email)),
            ("role", .string(member.role?.rawValue ?? "none")), ("added_at", .int(member.addedAt)),
        ])
    }

    /// `ProjectGroup`.
    static func projectGroup(_ access: ProjectGroup) -> JSON {
        .object([
            ("object", "project.group"), ("project_id", .string(access.projectID.rawValue)),
            ("group_id", .string(access.group.id.rawValue)), ("group_name", .string(access.group.name)),
            ("group_type", "group"), ("created_at", .int(access.createdAt)),
        ])
    }

    /// `ProjectServiceAccount`.
    static func serviceAccount(_ account: ServiceAccount) -> JSON {
        .object(serviceAccountMembers(account))
    }

    /// `ProjectServiceAccountCreateResponse`: the account with its API key's secret, or `api_key: null`.
    static func createdServiceAccount(_ created: Organization.CreatedServiceAccount) -> JSON {
        let apiKey: JSON =
            created.apiKey.map { key, secret in
                .object([
                    ("object", "organization.project.service_account.api_key"), ("value", .string(secret)),
                    ("name", .string(key.name)), ("created_at", .int(key.createdAt)), ("id", .string(key.id.rawValue)),
                ])
            } ?? .null
        return .object(serviceAccountMembers(created.account) + [("api_key", apiKey)])
    }

    private static func serviceAccountMembers(_ account: ServiceAccount) -> [(String, JSON)] {
        [
            ("object", "organization.project.service_account"), ("id", .string(account.id.rawValue)),
            ("name", .string(account.name)), ("role", .string(account.role.rawValue)), ("created_at", .int(account.createdAt)),
        ]
    }
}
