import RosterModel

/// Users of the organization.
public protocol UserStore: Sendable {
    /// Inserts `user` with its predefined `role` assigned directly, at version 1.
    /// Throws `conflict` when another user has the same email or user name (compared case-insensitively).
    func insertUser(_ user: User) async throws
    /// Throws `notFound(.user, id)` when there is no such user.
    func user(id: Identifier) async throws -> User
    /// The user with `email` (case-insensitive), or nil.
    func user(email: String) async throws -> User?
    /// Users in identifier order; when `emails` is non-nil, only users with one of those emails; deactivated
    /// users only when `includeInactive`.
    func users(emails: [String]?, includeInactive: Bool, page: PageRequest) async throws -> Page<User>
    /// Saves every field of an existing user but its role, id and `addedAt`, and bumps its version.
    /// Throws `notFound`, or `conflict` for a taken email or user name.
    func updateUser(_ user: User) async throws
    /// Deletes the user with its group memberships, role assignments and admin keys. Throws `notFound`.
    func deleteUser(id: Identifier) async throws
    /// The earliest active user holding the predefined `owner` role directly, or nil.
    func firstOwner() async throws -> User?
    /// How many active users hold the predefined `owner` role directly.
    func activeOwnerCount() async throws -> Int
    /// The user whose user name is `userName` (case-insensitive), or nil.
    func user(userName: String) async throws -> User?
    /// The users with this external id, by identifier.
    func users(externalID: String) async throws -> [User]
    /// How many users exist, deactivated ones included.
    func userCount() async throws -> Int
    /// Up to `limit` users from position `offset` (0-based) in identifier order, deactivated ones included.
    /// For SCIM's index-based paging only: it costs what skipping `offset` rows costs.
    func users(offset: Int, limit: Int) async throws -> [User]
    /// The SCIM attributes stored for each of the users that has any.
    func scimAttributes(ofUsers ids: [Identifier]) async throws -> [Identifier: JSON]
    /// Stores (or, with nil, clears) the user's SCIM attributes. Throws `notFound`.
    func setSCIMAttributes(_ attributes: JSON?, ofUser id: Identifier) async throws
}

/// Groups and their members.
public protocol GroupStore: Sendable {
    /// Inserts the group at version 1. Throws `conflict` when another group has the same name (compared case-insensitively).
    func insertGroup(_ group: Group) async throws
    /// Throws `notFound(.group, id)`.
    func group(id: Identifier) async throws -> Group
    /// The group named `name` (case-insensitive), or nil.
    func group(name: String) async throws -> Group?
    func groups(page: PageRequest) async throws -> Page<Group>
    /// Saves the name, external id and SCIM ownership of an existing group and bumps its version.
    /// Throws `notFound`, or `conflict` for a taken name.
    func updateGroup(_ group: Group) async throws
    /// Deletes the group with its memberships and role assignments. Throws `notFound`.
    func deleteGroup(id: Identifier) async throws
    /// Adds the user to the group and bumps the group's version; returns false when it already was a member
    /// (nothing changes). Throws `notFound` for an unknown group or user.
    func addMember(groupID: Identifier, userID: Identifier) async throws -> Bool
    /// Removes the user from the group and bumps the group's version; returns false when the user was not a member.
    func removeMember(groupID: Identifier, userID: Identifier) async throws -> Bool
    /// Whether the user is a member of the group.
    func isMember(groupID: Identifier, userID: Identifier) async throws -> Bool
    /// The group's members, paged by user identifier.
    func members(groupID: Identifier, page: PageRequest) async throws -> Page<User>
    /// Every member of the group, by user identifier.
    func allMembers(groupID: Identifier) async throws -> [User]
    /// The members of each of the groups, by user identifier (groups without members are absent).
    func members(ofGroups groupIDs: [Identifier]) async throws -> [Identifier: [User]]
    /// The groups of each of the users, by group identifier (users in no group are absent).
    func groups(ofUsers userIDs: [Identifier]) async throws -> [Identifier: [Group]]
    /// How many groups exist.
    func groupCount() async throws -> Int
    /// Up to `limit` groups from position `offset` (0-based) in identifier order; for SCIM's index-based paging.
    func groups(offset: Int, limit: Int) async throws -> [Group]
    /// The groups with this external id, by identifier.
    func groups(externalID: String) async throws -> [Group]
}

/// Roles.
public protocol RoleStore: Sendable {
    /// Throws `conflict` when a role of the same scope (the organization, or one project) has the same name
    /// (compared case-insensitively).
    func insertRole(_ role: Role) async throws
    /// Throws `notFound(.role, id)`.
    func role(id: Identifier) async throws -> Role
    /// The role of `scope` named `name` (case-insensitive), or nil.
    func role(name: String, scope: RoleScope) async throws -> Role?
    /// The predefined organization role `predefined`. Throws `notFound` only on a store that was never migrated.
    func role(predefined: PredefinedRole) async throws -> Role
    /// The roles of `scope`, paged by identifier.
    func roles(scope: RoleScope, page: PageRequest) async throws -> Page<Role>
    /// Saves name, description, permissions and `updatedAt`. Throws `notFound`, or `conflict` for a taken name.
    func updateRole(_ role: Role) async throws
    /// Deletes the role and every assignment of it. Throws `notFound`.
    func deleteRole(id: Identifier) async throws
}

/// Role assignments to users and groups.
public protocol AssignmentStore: Sendable {
    /// Assigns the role to the principal; returns false when it already was (nothing changes).
    /// Throws `notFound` for an unknown principal or role.
    func assign(roleID: Identifier, to principal: Principal) async throws -> Bool
    /// Returns false when the principal did not hold the role directly.
    func unassign(roleID: Identifier, from principal: Principal) async throws -> Bool
    /// Whether the principal holds the role directly (for a user, not counting its groups).
    func isAssigned(roleID: Identifier, to principal: Principal) async throws -> Bool
    /// The roles of `scope` assigned to the group, paged by role identifier; each has the group as its only source.
    func roles(ofGroup groupID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole>
    /// The roles of `scope` a user holds, directly or through its groups, paged by role identifier, with every source.
    func roles(ofUser userID: Identifier, scope: RoleScope, page: PageRequest) async throws -> Page<AssignedRole>
    /// The role as the user holds it, with every source, or nil when the user holds it in no way.
    func assignedRole(_ roleID: Identifier, user userID: Identifier) async throws -> AssignedRole?
    /// Every role of every scope (the organization and each project) the user holds, directly or through its
    /// groups, once each, by role identifier.
    func allRoles(ofUser userID: Identifier) async throws -> [Role]
    /// Every role of every scope (the organization and each project) assigned to the group, by role identifier.
    func allRoles(ofGroup groupID: Identifier) async throws -> [Role]
    /// The users holding the role directly or through a group, once each, by user identifier.
    func holders(ofRole roleID: Identifier) async throws -> [Identifier]
}

/// Admin API keys, stored by the hash of their secret.
public protocol AdminKeyStore: Sendable {
    /// Inserts the key with its expiry and last use as given. Throws `conflict` when a key with the same hash or id
    /// exists, `notFound(.user, …)` when its owner does not.
    func insertKey(_ key: AdminKey, secretHash: [UInt8]) async throws
    /// The key whose secret hashes to `secretHash`, with the hash as stored, or nil.
    func key(secretHash: [UInt8]) async throws -> (key: AdminKey, storedHash: [UInt8])?
    /// How many keys exist.
    func keyCount() async throws -> Int
    /// Throws `notFound(.adminKey, id)` when there is no such key.
    func key(id: Identifier) async throws -> AdminKey
    /// Every key of every user, expired ones included, paged by identifier.
    func keys(page: PageRequest) async throws -> Page<AdminKey>
    /// The keys belonging to the user, by identifier.
    func keys(ownerID: Identifier) async throws -> [AdminKey]
    /// Saves the owner, name, scopes and expiry of an existing key. Throws `notFound` for an unknown key or owner.
    func updateKey(_ key: AdminKey) async throws
    /// Deletes the key; it authenticates nothing afterwards. Throws `notFound`.
    func deleteKey(id: Identifier) async throws
    /// Records when each key was last used, in one write for all of them rather than one per key: a key's
    /// `lastUsedAt` becomes the later of the stored time and the given one (so flushes from several servers, in any
    /// order, keep the latest). Keys that no longer exist are skipped.
    func recordKeyUse(_ lastUsed: [Identifier: Int]) async throws
}

/// Everything a transaction can read and write.
public typealias StoreTransaction = UserStore & GroupStore & RoleStore & AssignmentStore & AdminKeyStore & ProjectStore
    & ServiceAccountStore & ProjectKeyStore & ProjectAccessStore & InviteStore & AuditStore & PolicyStore

/// A Roster datastore: every read and write happens inside one of its transactions.
public protocol Datastore: Sendable {
    /// Runs `body` in a write transaction: commits when it returns (durably, before this method returns),
    /// rolls back every change when it throws. Write transactions run one at a time.
    func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs `body` against a consistent snapshot. Writes inside it are a programming error.
    func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T
    /// Fired when another process commits a change, for backends that learn of commits; nil for those that do not
    /// (their followers poll).
    var changeSignal: ChangeSignal? { get }
}

extension Datastore {
    public var changeSignal: ChangeSignal? { nil }
}
