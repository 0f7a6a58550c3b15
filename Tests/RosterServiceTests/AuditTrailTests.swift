import Foundation
import RosterModel
import RosterSCIM
import RosterSQLite
import RosterService
import RosterStore
import Testing

/// The object a change was made to, as its audit event should name it.
struct AuditTarget: Sendable {
    var resource: String
    var project: Identifier? = nil
}

/// The caller of a case's change; asking for it marks where the change's events start, after its preparation.
typealias MarkedCaller = @Sendable () async throws -> Caller

/// One use case that changes the organization: what it should record, and how to make the change after preparing
/// what it needs as Roster itself. The change is made `by: try await mark()`, so only its own events are counted.
struct AuditCase: Sendable, CustomTestStringConvertible {
    let name: String
    let type: AuditEventType
    let change: @Sendable (Fixture, MarkedCaller) async throws -> AuditTarget

    var testDescription: String { "\(name) records \(type.rawValue)" }

    init(_ name: String, _ type: AuditEventType, _ change: @escaping @Sendable (Fixture, MarkedCaller) async throws -> AuditTarget) {
        self.name = name
        self.type = type
        self.change = change
    }
}

extension Fixture {
    static let scim = SCIMRequest(baseURL: "https://roster.test/scim/v2")

    /// The events recorded since `marker` (the newest event when it was taken), oldest first.
    func events(since marker: Identifier?) async throws -> [AuditEvent] {
        try await organization.auditEvents(AuditFilter(), limit: 100, before: marker).items.reversed()
    }

    /// The id of the newest event in the log.
    func newestEvent() async throws -> Identifier? {
        try await organization.auditEvents(AuditFilter(), limit: 1).items.first?.id
    }

    func project(_ name: String = "Apollo") async throws -> Project {
        try await organization.createProject(name: name, by: nil)
    }

    /// A project with Cy as a member and the group "Support" (with Cy in it) given access as `member`.
    func projectWithMembers() async throws -> (project: Project, cy: User, team: Group) {
        let project = try await project()
        let cy = try await user("cy@example.com")
        let team = try await organization.createGroup(name: "Support", by: nil)
        try await organization.addMember(groupID: team.id, userID: cy.id, by: nil)
        _ = try await organization.addProjectMember(projectID: project.id, userID: cy.id, email: nil, role: "member", by: nil)
        _ = try await organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "member", by: nil)
        return (project, cy, team)
    }

    func scimUser(_ email: String) -> JSON {
        .object([
            ("schemas", .array([.string(SCIMSchemas.userURN)])), ("userName", .string(email)),
            ("emails", .array([.object([("value", .string(email)), ("primary", true)])])), ("displayName", "Provisioned"),
        ])
    }

    func scimGroup(_ name: String, members: [Identifier] = []) -> JSON {
        .object([
            ("schemas", .array([.string(SCIMSchemas.groupURN)])), ("displayName", .string(name)),
            ("members", .array(members.map { .object([("value", .string($0.rawValue))]) })),
        ])
    }
}

@Suite struct AuditTrailTests {
    static let cases: [AuditCase] = [
        // Groups and their members
        AuditCase("creating a group", .groupCreated) { f, mark in
            AuditTarget(resource: try await f.organization.createGroup(name: "Support", by: try await mark()).id.rawValue)
        },
        AuditCase("renaming a group", .groupUpdated) { f, mark in
            let team = try await f.organization.createGroup(name: "Support", by: nil)
            return AuditTarget(resource: try await f.organization.renameGroup(id: team.id, to: "Help", by: try await mark()).id.rawValue)
        },
        AuditCase("deleting a group", .groupDeleted) { f, mark in
            let team = try await f.organization.createGroup(name: "Support", by: nil)
            try await f.organization.deleteGroup(id: team.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("adding a member to a group", .groupUpdated) { f, mark in
            let team = try await f.organization.createGroup(name: "Support", by: nil)
            try await f.organization.addMember(groupID: team.id, userID: try await f.user("cy@example.com").id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("removing a member from a group", .groupUpdated) { f, mark in
            let (cy, team, _) = try await f.supportTeam(managerAssigned: false)
            try await f.organization.removeMember(groupID: team.id, userID: cy.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        // Organization roles and assignments
        AuditCase("creating a role", .roleCreated) { f, mark in
            let role = try await f.organization.createRole(
                name: "Auditor", permissions: ["api.audit_logs.read"], description: nil, by: try await mark())
            return AuditTarget(resource: role.id.rawValue)
        },
        AuditCase("updating a role", .roleUpdated) { f, mark in
            let manager = try await f.role("Group Manager")
            _ = try await f.organization.updateRole(
                id: manager.id, name: nil, permissions: ["api.groups.read"], description: nil, by: try await mark())
            return AuditTarget(resource: manager.id.rawValue)
        },
        AuditCase("deleting a role", .roleDeleted) { f, mark in
            let manager = try await f.role("Group Manager")
            try await f.organization.deleteRole(id: manager.id, by: try await mark())
            return AuditTarget(resource: manager.id.rawValue)
        },
        AuditCase("assigning a role to a group", .roleAssignmentCreated) { f, mark in
            let (_, team, manager) = try await f.supportTeam(managerAssigned: false)
            _ = try await f.organization.assignRole(manager.id, toGroup: team.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("unassigning a role from a group", .roleAssignmentDeleted) { f, mark in
            let (_, team, manager) = try await f.supportTeam(managerAssigned: true)
            try await f.organization.unassignRole(manager.id, fromGroup: team.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("assigning a custom role to a user", .roleAssignmentCreated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.assignRole(try await f.role("Group Manager").id, toUser: cy.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("assigning owner to a user", .roleAssignmentCreated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.assignRole(try await f.role("owner").id, toUser: cy.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("unassigning a role from a user", .roleAssignmentDeleted) { f, mark in
            let bob = try await f.user("bob@example.com")
            try await f.organization.unassignRole(try await f.role("Group Manager").id, fromUser: bob.id, by: try await mark())
            return AuditTarget(resource: bob.id.rawValue)
        },
        // Users
        AuditCase("changing a user's role", .userUpdated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.modifyUser(id: cy.id, .init(role: "owner"), by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("changing a user's technical level", .userUpdated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.modifyUser(id: cy.id, .init(technicalLevel: "expert"), by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("deleting a user", .userDeleted) { f, mark in
            let cy = try await f.user("cy@example.com")
            try await f.organization.deleteUser(id: cy.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        // Projects
        AuditCase("creating a project", .projectCreated) { f, mark in
            let project = try await f.organization.createProject(name: "Apollo", by: try await mark())
            return AuditTarget(resource: project.id.rawValue, project: project.id)
        },
        AuditCase("renaming a project", .projectUpdated) { f, mark in
            let project = try await f.project()
            _ = try await f.organization.modifyProject(id: project.id, name: "Artemis", externalKeyID: nil, by: try await mark())
            return AuditTarget(resource: project.id.rawValue, project: project.id)
        },
        AuditCase("archiving a project", .projectArchived) { f, mark in
            let project = try await f.project()
            _ = try await f.organization.archiveProject(id: project.id, by: try await mark())
            return AuditTarget(resource: project.id.rawValue, project: project.id)
        },
        AuditCase("adding a user to a project", .userAdded) { f, mark in
            let project = try await f.project()
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.addProjectMember(
                projectID: project.id, userID: nil, email: cy.email, role: "member", by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("adding a project member again with another role", .userUpdated) { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            _ = try await f.organization.addProjectMember(
                projectID: project.id, userID: cy.id, email: nil, role: "owner", by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("changing a project member's role", .userUpdated) { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            _ = try await f.organization.modifyProjectMember(projectID: project.id, userID: cy.id, role: "owner", by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("removing a user from a project", .userDeleted) { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            try await f.organization.removeProjectMember(projectID: project.id, userID: cy.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("giving a group access to a project", .roleAssignmentCreated) { f, mark in
            let project = try await f.project()
            let team = try await f.organization.createGroup(name: "Support", by: nil)
            _ = try await f.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer", by: try await mark())
            return AuditTarget(resource: team.id.rawValue, project: project.id)
        },
        AuditCase("taking a group's project access away", .roleAssignmentDeleted) { f, mark in
            let (project, _, team) = try await f.projectWithMembers()
            try await f.organization.removeProjectGroup(projectID: project.id, groupID: team.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue, project: project.id)
        },
        // Project roles and their assignments
        AuditCase("creating a project role", .roleCreated) { f, mark in
            let project = try await f.project()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.organization.projects.api_keys.read"], description: nil,
                by: try await mark())
            return AuditTarget(resource: role.id.rawValue, project: project.id)
        },
        AuditCase("updating a project role", .roleUpdated) { f, mark in
            let project = try await f.project()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            _ = try await f.organization.updateProjectRole(
                id: role.id, projectID: project.id, name: "Key readers", permissions: nil, description: nil, by: try await mark())
            return AuditTarget(resource: role.id.rawValue, project: project.id)
        },
        AuditCase("deleting a project role", .roleDeleted) { f, mark in
            let project = try await f.project()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            try await f.organization.deleteProjectRole(id: role.id, projectID: project.id, by: try await mark())
            return AuditTarget(resource: role.id.rawValue, project: project.id)
        },
        AuditCase("assigning a project role to a user", .roleAssignmentCreated) { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            _ = try await f.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("unassigning a project role from a user", .roleAssignmentDeleted) { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            _ = try await f.organization.assignProjectRole(role.id, toUser: cy.id, projectID: project.id, by: nil)
            try await f.organization.unassignProjectRole(role.id, fromUser: cy.id, projectID: project.id, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue, project: project.id)
        },
        AuditCase("assigning a project role to a group", .roleAssignmentCreated) { f, mark in
            let (project, _, team) = try await f.projectWithMembers()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            _ = try await f.organization.assignProjectRole(role.id, toGroup: team.id, projectID: project.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue, project: project.id)
        },
        AuditCase("unassigning a project role from a group", .roleAssignmentDeleted) { f, mark in
            let (project, _, team) = try await f.projectWithMembers()
            let role = try await f.organization.createProjectRole(
                projectID: project.id, name: "Keys", permissions: ["api.project.users.read"], description: nil, by: nil)
            _ = try await f.organization.assignProjectRole(role.id, toGroup: team.id, projectID: project.id, by: nil)
            try await f.organization.unassignProjectRole(role.id, fromGroup: team.id, projectID: project.id, by: try await mark())
            return AuditTarget(resource: team.id.rawValue, project: project.id)
        },
        // Service accounts
        AuditCase("creating a service account", .serviceAccountCreated) { f, mark in
            let project = try await f.project()
            let created = try await f.organization.createServiceAccount(projectID: project.id, name: "Bot", by: try await mark())
            return AuditTarget(resource: created.account.id.rawValue, project: project.id)
        },
        AuditCase("updating a service account", .serviceAccountUpdated) { f, mark in
            let project = try await f.project()
            let account = try await f.organization.createServiceAccount(projectID: project.id, name: "Bot", by: nil).account
            _ = try await f.organization.updateServiceAccount(
                projectID: project.id, id: account.id, name: nil, role: "owner", by: try await mark())
            return AuditTarget(resource: account.id.rawValue, project: project.id)
        },
        AuditCase("deleting a service account", .serviceAccountDeleted) { f, mark in
            let project = try await f.project()
            let account = try await f.organization.createServiceAccount(projectID: project.id, name: "Bot", by: nil).account
            try await f.organization.deleteServiceAccount(projectID: project.id, id: account.id, by: try await mark())
            return AuditTarget(resource: account.id.rawValue, project: project.id)
        },
        // Invites and admin keys
        AuditCase("inviting an email", .inviteSent) { f, mark in
            AuditTarget(resource: try await f.organization.createInvite(
                email: "dee@example.com", role: "reader", by: try await mark()).id.rawValue)
        },
        AuditCase("deleting an invite", .inviteDeleted) { f, mark in
            let invite = try await f.organization.createInvite(email: "dee@example.com", role: "reader", by: nil)
            try await f.organization.deleteInvite(id: invite.id, by: try await mark())
            return AuditTarget(resource: invite.id.rawValue)
        },
        AuditCase("creating an admin key", .apiKeyCreated) { f, mark in
            let created = try await f.organization.createAdminKey(name: "CI", expiresInSeconds: nil, by: try await mark())
            return AuditTarget(resource: created.key.key.id.rawValue)
        },
        AuditCase("deleting an admin key", .apiKeyDeleted) { f, mark in
            let created = try await f.organization.createAdminKey(name: "CI", expiresInSeconds: nil, by: f.caller)
            try await f.organization.deleteAdminKey(id: created.key.key.id, by: try await mark())
            return AuditTarget(resource: created.key.key.id.rawValue)
        },
        // SCIM
        AuditCase("provisioning a user over SCIM", .userAdded) { f, mark in
            let resource = try await f.organization.scimCreateUser(f.scimUser("dee@example.com"), Fixture.scim, by: try await mark())
            return AuditTarget(resource: resource.json[member: "id"]?.stringValue ?? "")
        },
        AuditCase("replacing a user over SCIM", .userUpdated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.scimReplaceUser(
                id: cy.id.rawValue, with: f.scimUser("cy@example.com"), Fixture.scim, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("deactivating a user over SCIM", .userUpdated) { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.scimPatchUser(
                id: cy.id.rawValue, operations: [SCIMPatchOperation(op: .replace, path: "active", value: false)], Fixture.scim,
                by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("deleting a user over SCIM", .userDeleted) { f, mark in
            let cy = try await f.user("cy@example.com")
            try await f.organization.scimDeleteUser(id: cy.id.rawValue, Fixture.scim, by: try await mark())
            return AuditTarget(resource: cy.id.rawValue)
        },
        AuditCase("provisioning a group with members over SCIM", .groupCreated) { f, mark in
            let cy = try await f.user("cy@example.com")
            let resource = try await f.organization.scimCreateGroup(
                f.scimGroup("Okta Sales", members: [cy.id]), Fixture.scim, by: try await mark())
            return AuditTarget(resource: resource.json[member: "id"]?.stringValue ?? "")
        },
        AuditCase("replacing a group over SCIM", .groupUpdated) { f, mark in
            let team = try await f.group("IdP Engineering")
            _ = try await f.organization.scimReplaceGroup(
                id: team.id.rawValue, with: f.scimGroup("IdP Platform"), Fixture.scim, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("patching a group's members over SCIM", .groupUpdated) { f, mark in
            let team = try await f.group("IdP Engineering")
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.scimPatchGroup(
                id: team.id.rawValue,
                operations: [SCIMPatchOperation(op: .add, path: "members", value: .array([.object([("value", .string(cy.id.rawValue))])]))],
                includeMembers: true, Fixture.scim, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
        AuditCase("deleting a group over SCIM", .groupDeleted) { f, mark in
            let team = try await f.group("IdP Engineering")
            try await f.organization.scimDeleteGroup(id: team.id.rawValue, Fixture.scim, by: try await mark())
            return AuditTarget(resource: team.id.rawValue)
        },
    ]

    @Test("every change leaves exactly one event, of its type, naming the caller's key, user and email and what changed", arguments: cases)
    func oneEventPerChange(_ audit: AuditCase) async throws {
        try await Fixture.with { f in
            let marker = EventMarker(f)
            let target = try await audit.change(f) { try await marker.marking(f.caller) }
            let events = try await marker.eventsSinceMark()
            try #require(events.count == 1, "\(events.map(\.type.rawValue))")
            let event = events[0]
            #expect(event.type == audit.type)
            #expect(event.actor == AuditActor(keyID: f.caller.keyID, userID: f.caller.userID, email: "owner@example.com"))
            #expect(event.resourceID == target.resource)
            #expect(event.project?.id == target.project)
            #expect(event.details[member: "id"]?.stringValue != nil, "\(event.details.serialized)")
            let now = Int(Date().timeIntervalSince1970)
            #expect((now - 5...now).contains(event.effectiveAt))
        }
    }
}

/// Notes the newest event when a case's preparation is done (the moment it asks for the caller), so that only the
/// events of the change itself are counted.
actor EventMarker {
    let fixture: Fixture
    private var mark: Identifier??

    init(_ fixture: Fixture) { self.fixture = fixture }

    func marking(_ caller: Caller) async throws -> Caller {
        mark = .some(try await fixture.newestEvent())
        return caller
    }

    func eventsSinceMark() async throws -> [AuditEvent] {
        guard let mark else { throw FixtureError("the case made its change without asking for the caller") }
        return try await fixture.events(since: mark)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a change that fails or changes nothing leaves in the audit log: nothing.
struct NoEventCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Prepares as Roster itself, then makes the attempt `by: try await mark()`; errors it throws are expected.
    let attempt: @Sendable (Fixture, MarkedCaller) async throws -> Void

    var testDescription: String { name }

    init(_ name: String, _ attempt: @escaping @Sendable (Fixture, MarkedCaller) async throws -> Void) {
        self.name = name
        self.attempt = attempt
    }
}

extension AuditTrailTests {
    static let refusals: [NoEventCase] = [
        NoEventCase("creating a group with a taken name") { f, mark in
            _ = try await f.organization.createGroup(name: "idp engineering", by: try await mark())
        },
        NoEventCase("creating a group with a blank name") { f, mark in
            _ = try await f.organization.createGroup(name: "  ", by: try await mark())
        },
        NoEventCase("renaming a SCIM-managed group") { f, mark in
            _ = try await f.organization.renameGroup(id: try await f.group("IdP Engineering").id, to: "Other", by: try await mark())
        },
        NoEventCase("removing a user who is not a member") { f, mark in
            let team = try await f.organization.createGroup(name: "Support", by: nil)
            try await f.organization.removeMember(groupID: team.id, userID: try await f.user("cy@example.com").id, by: try await mark())
        },
        NoEventCase("deleting a predefined role") { f, mark in
            try await f.organization.deleteRole(id: try await f.role("owner").id, by: try await mark())
        },
        NoEventCase("creating a role with an unknown permission") { f, mark in
            _ = try await f.organization.createRole(name: "Bad", permissions: ["api.nope"], description: nil, by: try await mark())
        },
        NoEventCase("unassigning a role held only through a group") { f, mark in
            let (cy, _, manager) = try await f.supportTeam(managerAssigned: true)
            try await f.organization.unassignRole(manager.id, fromUser: cy.id, by: try await mark())
        },
        NoEventCase("deleting an unknown user") { f, mark in
            try await f.organization.deleteUser(id: .make(.user), by: try await mark())
        },
        NoEventCase("adding a member to an archived project") { f, mark in
            let project = try await f.project()
            _ = try await f.organization.archiveProject(id: project.id, by: nil)
            _ = try await f.organization.addProjectMember(
                projectID: project.id, userID: try await f.user("cy@example.com").id, email: nil, role: "member", by: try await mark())
        },
        NoEventCase("inviting the email of a member") { f, mark in
            _ = try await f.organization.createInvite(email: "cy@example.com", role: "reader", by: try await mark())
        },
        NoEventCase("provisioning a taken userName over SCIM") { f, mark in
            _ = try await f.organization.scimCreateUser(f.scimUser("cy@example.com"), Fixture.scim, by: try await mark())
        },
        NoEventCase("replacing a user over SCIM with a stale If-Match") { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.scimReplaceUser(
                id: cy.id.rawValue, with: f.scimUser("cy@example.com"), SCIMRequest(baseURL: "https://roster.test/scim/v2", ifMatch: #"W/"99""#),
                by: try await mark())
        },
        NoEventCase("importing a file with a mistake in its last entry") { f, mark in
            _ = try await mark()
            _ = try await f.organization.importFile(
                OrganizationFile(
                    roles: [.init(name: "New Role", permissions: ["api.groups.read"])],
                    users: [.init(email: "new@example.com", name: "New"), .init(email: "not an email", name: "Bad")]))
        },
    ]

    static let noChanges: [NoEventCase] = [
        NoEventCase("adding a member twice") { f, mark in
            let (cy, team, _) = try await f.supportTeam(managerAssigned: false)
            try await f.organization.addMember(groupID: team.id, userID: cy.id, by: try await mark())
        },
        NoEventCase("assigning a role a group holds") { f, mark in
            let (_, team, manager) = try await f.supportTeam(managerAssigned: true)
            _ = try await f.organization.assignRole(manager.id, toGroup: team.id, by: try await mark())
        },
        NoEventCase("assigning a user the role it holds") { f, mark in
            let bob = try await f.user("bob@example.com")
            _ = try await f.organization.assignRole(try await f.role("Group Manager").id, toUser: bob.id, by: try await mark())
        },
        NoEventCase("giving a user the organization role it has") { f, mark in
            let cy = try await f.user("cy@example.com")
            _ = try await f.organization.modifyUser(id: cy.id, .init(role: "reader"), by: try await mark())
        },
        NoEventCase("archiving an archived project") { f, mark in
            let project = try await f.project()
            _ = try await f.organization.archiveProject(id: project.id, by: nil)
            _ = try await f.organization.archiveProject(id: project.id, by: try await mark())
        },
        NoEventCase("adding a project member again with its role") { f, mark in
            let (project, cy, _) = try await f.projectWithMembers()
            _ = try await f.organization.addProjectMember(
                projectID: project.id, userID: cy.id, email: nil, role: "member", by: try await mark())
        },
        NoEventCase("giving a group the project access it has") { f, mark in
            let (project, _, team) = try await f.projectWithMembers()
            _ = try await f.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "member", by: try await mark())
        },
        NoEventCase("importing the file the organization was made from again") { f, mark in
            _ = try await mark()
            _ = try await f.organization.importFile(Fixture.file)
        },
        NoEventCase("bootstrapping again") { f, mark in
            _ = try await mark()
            _ = try await f.organization.bootstrap(adminKey: "sk-test-key", ownerEmail: "owner@example.com")
        },
    ]

    @Test("a change that is refused or fails leaves no event", arguments: refusals)
    func refusedChangesLeaveNoEvent(_ refusal: NoEventCase) async throws {
        try await Fixture.with { f in
            let marker = EventMarker(f)
            do {
                try await refusal.attempt(f) { try await marker.marking(f.caller) }
                Issue.record("the attempt succeeded")
            } catch {}
            let events = try await marker.eventsSinceMark()
            #expect(events.map(\.type.rawValue) == [])
        }
    }

    @Test("a change that changes nothing leaves no event", arguments: noChanges)
    func noChangeLeavesNoEvent(_ noChange: NoEventCase) async throws {
        try await Fixture.with { f in
            let marker = EventMarker(f)
            try await noChange.attempt(f) { try await marker.marking(f.caller) }
            #expect(try await marker.eventsSinceMark().map(\.type.rawValue) == [])
        }
    }

    @Test("provisioning the email of a pending invite records the user added and the invite accepted, with the projects joined")
    func invitationAcceptedOverSCIM() async throws {
        try await Fixture.with { f in
            let project = try await f.project()
            let invite = try await f.organization.createInvite(
                email: "dee@example.com", role: "owner", projects: [(id: project.id.rawValue, role: "member")], by: nil)
            let marker = EventMarker(f)
            let resource = try await f.organization.scimCreateUser(
                f.scimUser("dee@example.com"), Fixture.scim, by: try await marker.marking(f.caller))
            let dee = try #require(resource.json[member: "id"]?.stringValue)
            let events = try await marker.eventsSinceMark()
            #expect(events.map(\.type) == [.userAdded, .inviteAccepted])
            #expect(events.map(\.resourceID) == [dee, invite.id.rawValue])
            #expect(events.allSatisfy { $0.actor?.keyID == f.caller.keyID })
            let data = events.last?.details[member: "data"]
            #expect(data?[member: "user_id"]?.stringValue == dee)
            #expect(data?[member: "role"]?.stringValue == "owner")
            #expect(data?[member: "projects"]?.arrayValue?.first?[member: "id"]?.stringValue == project.id.rawValue)
        }
    }

    @Test("an organization file's changes are Roster's own: one event each, without an actor")
    func importRecordsSystemEvents() async throws {
        try await Fixture.with { f in
            let marker = EventMarker(f)
            _ = try await marker.marking(f.caller)
            let file = OrganizationFile(
                roles: [.init(name: "Group Manager", permissions: ["api.groups.read"]), .init(name: "Viewer", permissions: ["api.users.read"])],
                users: [
                    .init(email: "cy@example.com", name: "Cy Young", role: "owner"),
                    .init(email: "dee@example.com", name: "Dee", roles: ["Viewer"]),
                ],
                groups: [.init(name: "Support", members: ["cy@example.com", "dee@example.com"], roles: ["Viewer"])])
            _ = try await f.organization.importFile(file)
            let events = try await marker.eventsSinceMark()
            #expect(events.allSatisfy { $0.actor == nil })
            #expect(
                events.map(\.type) == [
                    .roleUpdated, .roleCreated, .userUpdated, .userAdded, .roleAssignmentCreated, .groupCreated, .roleAssignmentCreated,
                ])
            let cyChanges = events[2].details[member: "changes_requested"]
            #expect(cyChanges?[member: "name"]?.stringValue == "Cy Young")
            #expect(cyChanges?[member: "role"]?.stringValue == "owner")
            #expect(events[5].details[member: "data"]?[member: "users_added"]?.arrayValue?.count == 2)
            #expect(events[0].details[member: "changes_requested"]?[member: "permissions_removed"] == .array(["api.groups.write"]))
        }
    }

    @Test("the start-up bootstrap records the owner it makes and its key, without an actor")
    func bootstrapRecordsSystemEvents() async throws {
        try await SQLiteDatastore.withOpened(.init(path: ":memory:")) { store in
            let organization = Organization(store: store)
            let bootstrap = try await organization.bootstrap(adminKey: nil, ownerEmail: "root@example.com")
            let events = try await organization.auditEvents(AuditFilter(), limit: 10).items.reversed().map { $0 }
            #expect(events.map(\.type) == [.userAdded, .apiKeyCreated])
            #expect(events.allSatisfy { $0.actor == nil })
            #expect(events.first?.resourceID == bootstrap.owner.id.rawValue)
            #expect(events.first?.details[member: "data"]?[member: "role"]?.stringValue == "owner")
        }
    }

    @Test("a user who deletes itself is still named as the actor, with its email")
    func selfDeletionNamesTheActor() async throws {
        try await Fixture.with { f in
            try await f.organization.deleteUser(id: f.caller.userID, by: f.caller)
            let event = try #require(try await f.organization.auditEvents(AuditFilter(), limit: 1).items.first)
            #expect(event.type == .userDeleted)
            #expect(event.actor?.email == "owner@example.com")
            #expect(event.resourceID == f.caller.userID.rawValue)
        }
    }

    @Test("details follow OpenAI's shapes: data for what was made, changes_requested for what changed, principals for assignments")
    func detailShapes() async throws {
        try await Fixture.with { f in
            let (_, team, manager) = try await f.supportTeam(managerAssigned: false)
            _ = try await f.organization.assignRole(manager.id, toGroup: team.id, by: f.caller)
            _ = try await f.organization.updateRole(
                id: manager.id, name: "Managers", permissions: ["api.groups.read", "api.users.read"], description: nil, by: f.caller)
            let project = try await f.project()
            _ = try await f.organization.addProjectGroup(projectID: project.id, groupID: team.id, role: "viewer", by: f.caller)
            let events = try await f.organization.auditEvents(AuditFilter(), limit: 4).items
            let access = events[0].details
            #expect(access[member: "principal_id"]?.stringValue == team.id.rawValue)
            #expect(access[member: "principal_type"]?.stringValue == "group")
            #expect(access[member: "resource_id"]?.stringValue == project.id.rawValue)
            #expect(access[member: "resource_type"]?.stringValue == "api.project")
            #expect(events[0].project == AuditEvent.ProjectReference(id: project.id, name: "Apollo"))
            #expect(events[1].type == .projectCreated)
            #expect(events[1].details[member: "data"]?[member: "name"]?.stringValue == "Apollo")
            let update = events[2].details[member: "changes_requested"]
            #expect(update?[member: "role_name"]?.stringValue == "Managers")
            #expect(update?[member: "permissions_added"] == .array(["api.users.read"]))
            #expect(update?[member: "permissions_removed"] == .array(["api.groups.write"]))
            let assignment = events[3].details
            #expect(assignment[member: "id"]?.stringValue == manager.id.rawValue)
            #expect(assignment[member: "principal_id"]?.stringValue == team.id.rawValue)
            #expect(assignment[member: "resource_type"]?.stringValue == "api.organization")
            #expect(assignment[member: "resource_id"] == nil)
        }
    }

    @Test("the log pages newest first with after, and back with before; a cursor that names no event is refused")
    func paging() async throws {
        try await Fixture.with { f in
            for index in 0..<5 { _ = try await f.organization.createGroup(name: "Team \(index)", by: f.caller) }
            let filter = AuditFilter(types: ["group.created"], actorIDs: [f.caller.userID.rawValue])
            let all = try await f.organization.auditEvents(filter, limit: 100).items
            #expect(all.count == 5)
            let first = try await f.organization.auditEvents(filter, limit: 2)
            #expect(first.items.map(\.id) == Array(all.prefix(2)).map(\.id) && first.hasMore)
            let second = try await f.organization.auditEvents(filter, limit: 2, after: first.items.last?.id)
            #expect(second.items.map(\.id) == Array(all[2..<4]).map(\.id) && second.hasMore)
            let back = try await f.organization.auditEvents(filter, limit: 2, before: second.items.first?.id)
            #expect(back.items.map(\.id) == first.items.map(\.id) && !back.hasMore)
            let newer = try await f.organization.auditEvents(filter, limit: 1, before: second.items.first?.id)
            #expect(newer.items.map(\.id) == [all[1].id] && newer.hasMore)
            await expectServiceError(.invalidRequest, param: "after") {
                _ = try await f.organization.auditEvents(filter, limit: 2, after: .make(.auditLog))
            }
            await expectServiceError(.invalidRequest, param: "before") {
                _ = try await f.organization.auditEvents(filter, limit: 2, after: all[0].id, before: all[1].id)
            }
        }
    }
}
