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
        .object(serviceAccountMembers(created.account) + [("api_key", created.apiKey.map(createdServiceAccountKey) ?? .null)])
    }

    /// `ServiceAccountApiKeyBody`: a service account's new key with, this once, its whole secret as `value`. Roster adds
    /// `scopes` and `expires_at` (null when unlimited or never).
    static func createdServiceAccountKey(_ created: Organization.CreatedProjectKey) -> JSON {
        let key = created.key
        return .object([
            ("object", "organization.project.service_account.api_key"), ("value", .string(created.secret)),
            ("name", .string(key.name)), ("created_at", .int(key.createdAt)), ("id", .string(key.id.rawValue)),
            ("scopes", scopes(key.scopes)), ("expires_at", key.expiresAt.map(JSON.int) ?? .null),
        ])
    }

    /// `ProjectApiKey`: `owner_project_access` says whether the owner can use the project now (a key whose owner cannot
    /// does not work). Roster adds `scopes` and `expires_at`, null when the key is unlimited or never expires.
    static func projectKey(_ entry: ProjectKeyEntry) -> JSON {
        let key = entry.key
        let owner: JSON = switch entry.owner {
        case .user(let user, let role):
            .object([
                ("type", "user"),
                ("user", .object([
                    ("id", .string(user.id.rawValue)), ("email", .string(user.email ?? "")), ("name", .string(user.name)),
                    ("created_at", .int(user.addedAt)), ("role", .string(role?.rawValue ?? "none")),
                ])),
            ])
        case .serviceAccount(let account):
            .object([
                ("type", "service_account"),
                ("service_account", .object([
                    ("id", .string(account.id.rawValue)), ("name", .string(account.name)), ("created_at", .int(account.createdAt)),
                    ("role", .string(account.role.rawValue)),
                ])),
            ])
        }
        return .object([
            ("object", "organization.project.api_key"), ("redacted_value", .string(key.redactedValue)), ("name", .string(key.name)),
            ("created_at", .int(key.createdAt)), ("last_used_at", key.lastUsedAt.map(JSON.int) ?? .null),
            ("id", .string(key.id.rawValue)), ("owner_project_access", entry.ownerHasAccess ? "active" : "inactive"),
            ("owner", owner), ("scopes", scopes(key.scopes)),
            ("expires_at", key.expiresAt.map(JSON.int) ?? .null),
        ])
    }

    /// Roster's answer to a user creating its own project key: the key as the key list shows it and, this once, its
    /// whole secret as `value`.
    static func createdProjectKey(_ created: Organization.CreatedProjectKey, entry: ProjectKeyEntry) -> JSON {
        guard case .object(var members) = projectKey(entry) else { return projectKey(entry) }
        members.append(("value", .string(created.secret)))
        return .object(members)
    }

    private static func serviceAccountMembers(_ account: ServiceAccount) -> [(String, JSON)] {
        [
            ("object", "organization.project.service_account"), ("id", .string(account.id.rawValue)),
            ("name", .string(account.name)), ("role", .string(account.role.rawValue)), ("created_at", .int(account.createdAt)),
        ]
    }
}
