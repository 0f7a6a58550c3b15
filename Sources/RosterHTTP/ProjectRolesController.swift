import Hummingbird
import RosterModel
import RosterService

/// `/v1/projects/{project_id}/…`: project roles, and the project roles of users and groups.
struct ProjectRolesController {
    let organization: Organization


    /// Assignment lists page as the organization's do: up to 1000, 100 by default, in either order.
    static let assignmentListRules = ListRules(defaultLimit: 100, cursorKind: .role)

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get(":project_id/roles", use: list)
        router.post(":project_id/roles", use: create)
        router.get(":project_id/roles/:role_id", use: retrieve)
        router.post(":project_id/roles/:role_id", use: update)
        router.delete(":project_id/roles/:role_id", use: delete)
        router.get(":project_id/users/:user_id/roles", use: listUserRoles)
        router.post(":project_id/users/:user_id/roles", use: assignUserRole)
        router.get(":project_id/users/:user_id/roles/:role_id", use: retrieveUserRole)
        router.delete(":project_id/users/:user_id/roles/:role_id", use: unassignUserRole)
        router.get(":project_id/groups/:group_id/roles", use: listGroupRoles)
        router.post(":project_id/groups/:group_id/roles", use: assignGroupRole)
        router.get(":project_id/groups/:group_id/roles/:role_id", use: retrieveGroupRole)
        router.delete(":project_id/groups/:group_id/roles/:role_id", use: unassignGroupRole)
    }

    // MARK: Project roles

    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.projectRoles(
            projectID: context.identifier("project_id", .project),
            page: request.pageRequest(ListRules(defaultLimit: 1000, cursorKind: .role)))
        return .json(Wire.list(page, id: \.id, Wire.role))
    }

    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(RolesController.CreateBody.self, context: context)
        let role = try await organization.createProjectRole(
            projectID: projectID, name: body.role_name, permissions: body.permissions, description: body.description,
            by: context.requireCaller())
        return .json(Wire.role(role))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let role = try await organization.projectRole(
            id: context.identifier("role_id", .role), projectID: context.identifier("project_id", .project))
        return .json(Wire.role(role))
    }

    @Sendable func update(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let id = try context.identifier("role_id", .role)
        let body = try await request.decode(RolesController.UpdateBody.self, context: context)
        let role = try await organization.updateProjectRole(
            id: id, projectID: projectID, name: body.role_name, permissions: body.permissions, description: body.description,
            by: context.requireCaller())
        return .json(Wire.role(role))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let id = try context.identifier("role_id", .role)
        try await organization.deleteProjectRole(id: id, projectID: projectID, by: context.requireCaller())
        return .json(Wire.deleted("role.deleted", id: id))
    }

    // MARK: Project user roles

    @Sendable func listUserRoles(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.projectRoles(
            ofUser: context.identifier("user_id", .user), projectID: context.identifier("project_id", .project),
            page: request.pageRequest(Self.assignmentListRules))
        return .json(Wire.list(page, id: \.role.id, Wire.assignedRole))
    }

    @Sendable func assignUserRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let userID = try context.identifier("user_id", .user)
        let roleID = try await request.assignedRoleID(context: context)
        let (user, role) = try await organization.assignProjectRole(
            roleID, toUser: userID, projectID: projectID, by: context.requireCaller())
        return .json(Wire.userRoleAssignment(user, role))
    }

    @Sendable func retrieveUserRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let assigned = try await organization.projectRole(
            context.identifier("role_id", .role), ofUser: context.identifier("user_id", .user),
            projectID: context.identifier("project_id", .project))
        return .json(Wire.assignedRole(assigned))
    }

    @Sendable func unassignUserRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.unassignProjectRole(
            context.identifier("role_id", .role), fromUser: context.identifier("user_id", .user),
            projectID: context.identifier("project_id", .project), by: context.requireCaller())
        return .json(Wire.deleted("user.role.deleted"))
    }

    // MARK: Project group roles

    @Sendable func listGroupRoles(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.projectRoles(
            ofGroup: context.identifier("group_id", .group), projectID: context.identifier("project_id", .project),
            page: request.pageRequest(Self.assignmentListRules))
        return .json(Wire.list(page, id: \.role.id, Wire.assignedRole))
    }

    @Sendable func assignGroupRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let groupID = try context.identifier("group_id", .group)
        let roleID = try await request.assignedRoleID(context: context)
        let (group, role) = try await organization.assignProjectRole(
            roleID, toGroup: groupID, projectID: projectID, by: context.requireCaller())
        return .json(Wire.groupRoleAssignment(group, role))
    }

    @Sendable func retrieveGroupRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let assigned = try await organization.projectRole(
            context.identifier("role_id", .role), ofGroup: context.identifier("group_id", .group),
            projectID: context.identifier("project_id", .project))
        return .json(Wire.assignedRole(assigned))
    }

    @Sendable func unassignGroupRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.unassignProjectRole(
            context.identifier("role_id", .role), fromGroup: context.identifier("group_id", .group),
            projectID: context.identifier("project_id", .project), by: context.requireCaller())
        return .json(Wire.deleted("group.role.deleted"))
    }
}
