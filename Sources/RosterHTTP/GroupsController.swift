import Hummingbird
import RosterModel
import RosterService

/// `/v1/organization/groups…`: groups, their members and their organization roles.
struct GroupsController {
    let organization: Organization

    struct NameBody: Decodable { let name: String }
    struct UserBody: Decodable { let user_id: String }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("groups", use: list)
        router.post("groups", use: create)
        router.get("groups/:group_id", use: retrieve)
        router.post("groups/:group_id", use: update)
        router.delete("groups/:group_id", use: delete)
        router.get("groups/:group_id/users", use: listMembers)
        router.post("groups/:group_id/users", use: addMember)
        router.get("groups/:group_id/users/:user_id", use: retrieveMember)
        router.delete("groups/:group_id/users/:user_id", use: removeMember)
        router.get("groups/:group_id/roles", use: listRoles)
        router.post("groups/:group_id/roles", use: assignRole)
        router.get("groups/:group_id/roles/:role_id", use: retrieveRole)
        router.delete("groups/:group_id/roles/:role_id", use: unassignRole)
    }

    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.groups(page: request.pageRequest(ListRules(defaultLimit: 100, cursorKind: .group)))
        return .json(Wire.list(page, id: \.id, Wire.group))
    }

    @Sendable func create(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let body = try await request.decode(NameBody.self, context: context)
        return .json(Wire.group(try await organization.createGroup(name: body.name, by: context.requireCaller())))
    }

    @Sendable func retrieve(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.group(try await organization.group(id: context.identifier("group_id", .group))))
    }

    @Sendable func update(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("group_id", .group)
        let body = try await request.decode(NameBody.self, context: context)
        return .json(Wire.group(try await organization.renameGroup(id: id, to: body.name, by: context.requireCaller())))
    }

    @Sendable func delete(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("group_id", .group)
        try await organization.deleteGroup(id: id, by: context.requireCaller())
        return .json(Wire.deleted("group.deleted", id: id))
    }

    @Sendable func listMembers(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let rules = ListRules(defaultLimit: 100, defaultOrder: .descending, cursorKind: .user)
        let page = try await organization.members(groupID: context.identifier("group_id", .group), page: request.pageRequest(rules))
        return .json(Wire.list(page, id: \.id, Wire.groupUser))
    }

    @Sendable func addMember(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let groupID = try context.identifier("group_id", .group)
        let body = try await request.decode(UserBody.self, context: context)
        guard let userID = Identifier(body.user_id, kind: .user) else { throw APIError.notFound(.user, body.user_id) }
        try await organization.addMember(groupID: groupID, userID: userID, by: context.requireCaller())
        return .json(.object([("object", "group.user"), ("user_id", .string(userID.rawValue)), ("group_id", .string(groupID.rawValue))]))
    }

    @Sendable func retrieveMember(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let user = try await organization.member(
            groupID: context.identifier("group_id", .group), userID: context.identifier("user_id", .user))
        return .json(Wire.groupMember(user))
    }

    @Sendable func removeMember(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.removeMember(
            groupID: context.identifier("group_id", .group), userID: context.identifier("user_id", .user), by: context.requireCaller())
        return .json(Wire.deleted("group.user.deleted"))
    }

    @Sendable func listRoles(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let page = try await organization.roles(
            ofGroup: context.identifier("group_id", .group), page: request.pageRequest(ListRules(defaultLimit: 100, cursorKind: .role)))
        return .json(Wire.list(page, id: \.role.id, Wire.assignedRole))
    }

    @Sendable func assignRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let groupID = try context.identifier("group_id", .group)
        let roleID = try await request.assignedRoleID(context: context)
        let (group, role) = try await organization.assignRole(roleID, toGroup: groupID, by: context.requireCaller())
        return .json(Wire.groupRoleAssignment(group, role))
    }

    @Sendable func retrieveRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let assigned = try await organization.role(context.identifier("role_id", .role), ofGroup: context.identifier("group_id", .group))
        return .json(Wire.assignedRole(assigned))
    }

    @Sendable func unassignRole(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.unassignRole(
            context.identifier("role_id", .role), fromGroup: context.identifier("group_id", .group), by: context.requireCaller())
        return .json(Wire.deleted("group.role.deleted"))
    }
}
