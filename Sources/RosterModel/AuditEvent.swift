/// One entry of the audit log: a change to the organization, who made it and when.
///
/// Events are only ever appended. They name users, keys, projects and other objects by id and keep the names and
/// emails they had at the time, so an event outlives everything it mentions.
public struct AuditEvent: Equatable, Sendable {
    public var id: Identifier
    public var type: AuditEventType
    /// When the change took effect (Unix seconds).
    public var effectiveAt: Int
    /// Who made the change; nil for Roster itself (an organization file, the start-up bootstrap).
    public var actor: AuditActor?
    /// The project the change was made in, with its name at the time; nil for changes outside projects.
    public var project: ProjectReference?
    /// The object the change was made to (a user, group, role, project, invite, key or service account).
    public var resourceID: String
    /// The details of the change in OpenAI's shape for `type`, such as `{"id": "group_…", "data": {"group_name": …}}`.
    public var details: JSON

    public init(
        id: Identifier, type: AuditEventType, effectiveAt: Int, actor: AuditActor?, project: ProjectReference?,
        resourceID: String, details: JSON
    ) {
        self.id = id
        self.type = type
        self.effectiveAt = effectiveAt
        self.actor = actor
        self.project = project
        self.resourceID = resourceID
        self.details = details
    }

    /// A project as an audit event names it.
    public struct ProjectReference: Hashable, Sendable {
        public var id: Identifier
        public var name: String

        public init(id: Identifier, name: String) {
            self.id = id
            self.name = name
        }
    }
}

/// Who made a change through the Admin API or SCIM: the admin key of the request and the user it belongs to, with the
/// user's email as it was then.
public struct AuditActor: Hashable, Sendable {
    public var keyID: Identifier
    public var userID: Identifier
    public var email: String?

    public init(keyID: Identifier, userID: Identifier, email: String?) {
        self.keyID = keyID
        self.userID = userID
        self.email = email
    }
}

/// The kinds of change the audit log records, named as OpenAI's audit log names them.
public enum AuditEventType: String, Sendable, CaseIterable {
    case groupCreated = "group.created"
    /// A rename, or members added or removed.
    case groupUpdated = "group.updated"
    case groupDeleted = "group.deleted"
    case roleCreated = "role.created"
    case roleUpdated = "role.updated"
    case roleDeleted = "role.deleted"
    case roleAssignmentCreated = "role.assignment.created"
    case roleAssignmentDeleted = "role.assignment.deleted"
    /// A user entering the organization, or (with a project) joining a project.
    case userAdded = "user.added"
    case userUpdated = "user.updated"
    /// A user leaving the organization, or (with a project) a project.
    case userDeleted = "user.deleted"
    case inviteSent = "invite.sent"
    case inviteAccepted = "invite.accepted"
    case inviteDeleted = "invite.deleted"
    case projectCreated = "project.created"
    case projectUpdated = "project.updated"
    case projectArchived = "project.archived"
    case serviceAccountCreated = "service_account.created"
    case serviceAccountUpdated = "service_account.updated"
    case serviceAccountDeleted = "service_account.deleted"
    /// An admin API key or (with a project) a project API key created.
    case apiKeyCreated = "api_key.created"
    /// An admin API key given to another user, or a key's name, scopes or expiry changed.
    case apiKeyUpdated = "api_key.updated"
    case apiKeyDeleted = "api_key.deleted"
    /// A project's limits for one model changed.
    case rateLimitUpdated = "rate_limit.updated"
}
