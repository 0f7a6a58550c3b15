import Hummingbird
import RosterModel
import RosterService
import RosterStore

/// `/v1/organization/projects…`: projects, their users, the groups with access to them and their service accounts.
struct ProjectsController {
    let organization: Organization

    struct CreateBody: Decodable {
        let name: String
        let residency: String?
        let external_key_id: String?
    }

    struct ModifyBody: Decodable {
        let name: String?
        let external_key_id: String?
    }

    struct AddUserBody: Decodable {
        let user_id: String?
        let email: String?
        let role: String
    }

    struct ModifyUserBody: Decodable { let role: String? }

    struct AddGroupBody: Decodable {
        let group_id: String
        let role: String
    }

    struct CreateServiceAccountBody: Decodable {
        let name: String
        let create_service_account_only: Bool?
    }

    struct UpdateServiceAccountBody: Decodable {
        let name: String?
        let role: String?
    }

    /// Projects, project users and service accounts page as OpenAI's reference says: 1…100, 20 by default, no `order`.
    static func rangeListRules(_ kind: IdentifierKind) -> ListRules {
        ListRules(defaultLimit: 20, limitRange: 1...100, cursorKind: kind, acceptsOrder: false)
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("projects", use: list)
        router.post("projects", use: create)
        router.get("projects/:project_id", use: retrieve)
        router.post("projects/:project_id", use: modify)
        router.post("projects/:project_id/archive", use: archive)
        router.get("projects/:project_id/users", use: listUsers)
        router.post("projects/:project_id/users", use: addUser)
        router.get("projects/:project_id/users/:user_id", use: retrieveUser)
        router.post("projects/:project_id/users/:user_id", use: modifyUser)
        router.delete("projects/:project_id/users/:user_id", use: removeUser)
        router.get("projects/:project_id/groups", use: listGroups)
        router.post("projects/:project_id/groups", use: addGroup)
        router.get("projects/:project_id/groups/:group_id", use: retrieveGroup)
        router.delete("projects/:project_id/groups/:group_id", use: removeGroup)
        router.get("projects/:project_id/service_accounts", use: listServiceAccounts)
        router.post("projects/:project_id/service_accounts", use: createServiceAccount)
        router.get("projects/:project_id/service_accounts/:service_account_id", use: retrieveServiceAccount)
        router.post("projects/:project_id/service_accounts/:service_account_id", use: updateServiceAccount)
        router.delete("projects/:project_id/service_accounts/:service_account_id", use: deleteServiceAccount)
    }

    // MARK: Projects

    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let pageRequest = try request.pageRequest(Self.rangeListRules(.project))
        let includeArchived = try request.boolQuery("include_archived")
        let page = try await organization.projects(includeArchived: includeArchived, page: pageRequest)
        return .json(Wire.rangeList(page, id: \.id, Wire.project))
    }

    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await request.decode(CreateBody.self, context: context)
        let project = try await organization.createProject(
            name: body.name, externalKeyID: body.external_key_id, residency: body.residency, by: context.requireCaller())
        return .json(Wire.project(project))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.project(try await organization.project(id: context.identifier("project_id", .project))))
    }

    @Sendable func modify(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("project_id", .project)
        let body = try await request.decode(ModifyBody.self, context: context)
        let project = try await organization.modifyProject(
            id: id, name: body.name, externalKeyID: body.external_key_id, by: context.requireCaller())
        return .json(Wire.project(project))
    }

    @Sendable func archive(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let project = try await organization.archiveProject(id: context.identifier("project_id", .project), by: context.requireCaller())
        return .json(Wire.project(project))
    }

    // MARK: Project users

    @Sendable func listUsers(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let page = try await organization.projectMembers(projectID: projectID, page: request.pageRequest(Self.rangeListRules(.user)))
        return .json(Wire.rangeList(page, id: \.user.id, Wire.projectUser))
    }

    @Sendable func addUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(AddUserBody.self, context: context)
        let userID = try body.user_id.map { raw in
            guard let id = Identifier(raw, kind: .user) else { throw APIError.notFound(.user, raw) }
            return id
        }
        let member = try await organization.addProjectMember(
            projectID: projectID, userID: userID, email: body.email, role: body.role, by: context.requireCaller())
        return .json(Wire.projectUser(member))
    }

    @Sendable func retrieveUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let member = try await organization.projectMember(
            projectID: context.identifier("project_id", .project), userID: context.identifier("user_id", .user))
        return .json(Wire.projectUser(member))
    }

    @Sendable func modifyUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let userID = try context.identifier("user_id", .user)
        let body = try await request.decode(ModifyUserBody.self, context: context)
        guard let role = body.role else {
            throw APIError.invalid("Missing required parameter: 'role'.", param: "role", code: "missing_required_parameter")
        }
        let member = try await organization.modifyProjectMember(
            projectID: projectID, userID: userID, role: role, by: context.requireCaller())
        return .json(Wire.projectUser(member))
    }

    @Sendable func removeUser(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let userID = try context.identifier("user_id", .user)
        try await organization.removeProjectMember(
            projectID: context.identifier("project_id", .project), userID: userID, by: context.requireCaller())
        return .json(Wire.deleted("organization.project.user.deleted", id: userID))
    }

    // MARK: Project groups

    @Sendable func listGroups(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let rules = ListRules(defaultLimit: 20, limitRange: 0...100, cursorKind: .group)
        let page = try await organization.projectGroups(projectID: projectID, page: request.pageRequest(rules))
        return .json(Wire.list(page, id: \.group.id, Wire.projectGroup))
    }

    @Sendable func addGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(AddGroupBody.self, context: context)
        guard let groupID = Identifier(body.group_id, kind: .group) else { throw APIError.notFound(.group, body.group_id) }
        let access = try await organization.addProjectGroup(
            projectID: projectID, groupID: groupID, role: body.role, by: context.requireCaller())
        return .json(Wire.projectGroup(access))
    }

    /// `group_type` may only be `group`: Roster has no other kind.
    @Sendable func retrieveGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let groupID = try context.identifier("group_id", .group)
        if let type = request.queryValue("group_type"), type != "group" {
            throw APIError.invalid("'group_type' must be 'group', the only kind of group Roster has; got '\(type)'.", param: "group_type")
        }
        return .json(Wire.projectGroup(try await organization.projectGroup(projectID: projectID, groupID: groupID)))
    }

    @Sendable func removeGroup(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.removeProjectGroup(
            projectID: context.identifier("project_id", .project), groupID: context.identifier("group_id", .group),
            by: context.requireCaller())
        return .json(Wire.deleted("project.group.deleted"))
    }

    // MARK: Service accounts

    @Sendable func listServiceAccounts(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let page = try await organization.serviceAccounts(
            projectID: projectID, page: request.pageRequest(Self.rangeListRules(.serviceAccount)))
        return .json(Wire.rangeList(page, id: \.id, Wire.serviceAccount))
    }

    @Sendable func createServiceAccount(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(CreateServiceAccountBody.self, context: context)
        let created = try await organization.createServiceAccount(
            projectID: projectID, name: body.name, accountOnly: body.create_service_account_only ?? false, by: context.requireCaller())
        return .json(Wire.createdServiceAccount(created))
    }

    @Sendable func retrieveServiceAccount(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let account = try await organization.serviceAccount(
            projectID: context.identifier("project_id", .project), id: context.identifier("service_account_id", .serviceAccount))
        return .json(Wire.serviceAccount(account))
    }

    @Sendable func updateServiceAccount(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let id = try context.identifier("service_account_id", .serviceAccount)
        let body = try await request.decode(UpdateServiceAccountBody.self, context: context)
        let account = try await organization.updateServiceAccount(
            projectID: projectID, id: id, name: body.name, role: body.role, by: context.requireCaller())
        return .json(Wire.serviceAccount(account))
    }

    @Sendable func deleteServiceAccount(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("service_account_id", .serviceAccount)
        try await organization.deleteServiceAccount(
            projectID: context.identifier("project_id", .project), id: id, by: context.requireCaller())
        return .json(Wire.deleted("organization.project.service_account.deleted", id: id))
    }
}
