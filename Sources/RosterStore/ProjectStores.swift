import RosterModel

/// Projects, their members and the groups with access to them.
public protocol ProjectStore: Sendable {
    func insertProject(_ project: Project) async throws
    /// Throws `notFound(.project, id)`.
    func project(id: Identifier) async throws -> Project
    /// Projects in identifier order; archived ones only when `includeArchived`.
    func projects(includeArchived: Bool, page: PageRequest) async throws -> Page<Project>
    /// Saves the name, external key id, residency and archive time of an existing project. Throws `notFound`.
    func updateProject(_ project: Project) async throws

    /// Makes the user a direct member of the project; returns false when it already was (nothing changes).
    /// Throws `notFound` for an unknown project or user.
    func addProjectMember(projectID: Identifier, userID: Identifier, addedAt: Int) async throws -> Bool
    /// Ends the user's direct membership; returns false when it was not a member. Role assignments are untouched.
    func removeProjectMember(projectID: Identifier, userID: Identifier) async throws -> Bool
    /// The user's direct membership, with the predefined project role it holds directly; nil when not a member.
    func projectMember(projectID: Identifier, userID: Identifier) async throws -> ProjectMember?
    /// The project's direct members, paged by user identifier.
    func projectMembers(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectMember>
    /// The projects the user is a direct member of, in project identifier order, with its predefined role in each.
    func projects(ofUser userID: Identifier) async throws -> [(project: Project, role: PredefinedProjectRole?)]
    /// `projects(ofUser:)` for many users in one read; users in no project are absent.
    func projects(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [(project: Project, role: PredefinedProjectRole?)]]

    /// Gives the group access to the project; returns false when it already had it (nothing changes).
    /// Throws `notFound` for an unknown project or group.
    func addProjectGroup(projectID: Identifier, groupID: Identifier, createdAt: Int) async throws -> Bool
    /// Takes the group's access away; returns false when it had none. Role assignments are untouched.
    func removeProjectGroup(projectID: Identifier, groupID: Identifier) async throws -> Bool
    /// The group's access to the project, or nil.
    func projectGroup(projectID: Identifier, groupID: Identifier) async throws -> ProjectGroup?
    /// The groups with access to the project, paged by group identifier.
    func projectGroups(projectID: Identifier, page: PageRequest) async throws -> Page<ProjectGroup>
    /// Whether the user belongs to a group with access to the project.
    func hasGroupAccess(projectID: Identifier, userID: Identifier) async throws -> Bool
    /// Removes every assignment of the project's roles from the principal (a user leaving the project, a group
    /// losing access).
    func removeProjectRoleAssignments(projectID: Identifier, from principal: Principal) async throws
}

/// Service accounts of projects.
public protocol ServiceAccountStore: Sendable {
    /// Throws `notFound` for an unknown project.
    func insertServiceAccount(_ account: ServiceAccount) async throws
    /// Throws `notFound(.serviceAccount, id)` when there is no such account in that project.
    func serviceAccount(id: Identifier, projectID: Identifier) async throws -> ServiceAccount
    /// The service account with `id`, in whichever project it is. Throws `notFound(.serviceAccount, id)`.
    func serviceAccount(id: Identifier) async throws -> ServiceAccount
    /// The project's service accounts, paged by identifier.
    func serviceAccounts(projectID: Identifier, page: PageRequest) async throws -> Page<ServiceAccount>
    /// Saves the name and role of an existing account. Throws `notFound`.
    func updateServiceAccount(_ account: ServiceAccount) async throws
    /// Deletes the account with its keys. Throws `notFound`.
    func deleteServiceAccount(id: Identifier) async throws
}

/// A project API key as the project's key list shows it: with its owner and whether the owner has access to the
/// project now.
public struct ProjectKeyEntry: Sendable {
    public enum Owner: Sendable {
        /// A user, with the predefined project role it holds directly in the key's project.
        case user(User, role: PredefinedProjectRole?)
        case serviceAccount(ServiceAccount)
    }

    public var key: ProjectKey
    public var owner: Owner
    /// For a user, whether it is active and a member of the project or of a group with access to it; for a service
    /// account, whether it has a project role.
    public var ownerHasAccess: Bool

    public init(key: ProjectKey, owner: Owner, ownerHasAccess: Bool) {
        self.key = key
        self.owner = owner
        self.ownerHasAccess = ownerHasAccess
    }
}

/// Project API keys, stored by the hash of the secret: service accounts' keys and users' own keys.
public protocol ProjectKeyStore: Sendable {
    /// Throws `notFound` for an unknown project or owner, `conflict` for a key id or secret already stored.
    func insertProjectKey(_ key: ProjectKey, secretHash: [UInt8]) async throws
    /// The key `id`, in whichever project it is. Throws `notFound(.adminKey, id)`.
    func projectKey(id: Identifier) async throws -> ProjectKey
    /// Throws `notFound(.adminKey, id)` when the project has no key `id`.
    func projectKey(id: Identifier, projectID: Identifier) async throws -> ProjectKeyEntry
    /// The project's keys, paged by identifier, with their owners; with `ownerHasAccess`, only the keys whose owner
    /// has (true) or lacks (false) access to the project.
    func projectKeys(projectID: Identifier, ownerHasAccess: Bool?, page: PageRequest) async throws -> Page<ProjectKeyEntry>
    /// Every key of the owner, in identifier order.
    func projectKeys(owner: ProjectKey.Owner) async throws -> [ProjectKey]
    /// Saves the name, scopes and expiry of an existing key. Throws `notFound`.
    func updateProjectKey(_ key: ProjectKey) async throws
    /// Throws `notFound`.
    func deleteProjectKey(id: Identifier) async throws
    /// Records when keys were last used; a time earlier than the one stored and keys deleted since change nothing.
    func recordProjectKeyUse(_ lastUsed: [Identifier: Int]) async throws
}

/// What a project's keys may call: its model permissions, the hosted tools it switched off and its rate limits; and
/// the models the organization knows, with their default limits.
public protocol ProjectAccessStore: Sendable {
    /// The models the organization knows, by id.
    func models() async throws -> [Model]
    /// Adds the model, or replaces the default limits of the model with its id.
    func saveModel(_ model: Model) async throws

    /// The project's model permissions; `ModelPermissions.everyModel` when none are set.
    func modelPermissions(projectID: Identifier) async throws -> ModelPermissions
    /// Sets the project's model permissions; nil deletes them (every model).
    func setModelPermissions(_ permissions: ModelPermissions?, projectID: Identifier) async throws
    /// The hosted tools switched off in the project.
    func disabledTools(projectID: Identifier) async throws -> Set<HostedTool>
    /// Switches `tool` on or off in the project.
    func setTool(_ tool: HostedTool, enabled: Bool, projectID: Identifier) async throws
    /// The limits the project set for models, by model; a model absent has its default limits.
    func rateLimits(projectID: Identifier) async throws -> [String: RateLimits]
    /// Sets the project's limits for `model`.
    func setRateLimits(_ limits: RateLimits, model: String, projectID: Identifier) async throws
}

/// Invitations to the organization.
public protocol InviteStore: Sendable {
    func insertInvite(_ invite: Invite) async throws
    /// Throws `notFound(.invite, id)`.
    func invite(id: Identifier) async throws -> Invite
    /// Invites in identifier order.
    func invites(page: PageRequest) async throws -> Page<Invite>
    /// Throws `notFound`.
    func deleteInvite(id: Identifier) async throws
    /// The invites for `email` (case-insensitive) that were not accepted yet, in identifier order.
    func unacceptedInvites(email: String) async throws -> [Invite]
    /// Records that the invite was accepted at `time`. Throws `notFound`.
    func markInviteAccepted(id: Identifier, at time: Int) async throws
}
