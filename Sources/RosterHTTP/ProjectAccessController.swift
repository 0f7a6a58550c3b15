import Hummingbird
import RosterModel
import RosterService
import RosterStore

/// `/v1/organization/projects/{project_id}/…` for what a project's keys may call: its API keys (users' and service
/// accounts'), its model permissions, hosted tools and rate limits.
struct ProjectAccessController {
    let organization: Organization

    struct CreateProjectKeyBody: Decodable {
        let name: String
        let scopes: [String]?
        let expires_in_seconds: Int?
    }

    /// A service account's new key, or the changes to a key: every field optional.
    struct KeyFieldsBody: Decodable {
        let name: String?
        let scopes: [String]?
        let expires_in_seconds: Int?
    }

    struct ModelPermissionsBody: Decodable {
        let mode: String
        let model_ids: [String]
    }

    struct ToolBody: Decodable { let enabled: Bool }

    struct ToolsBody: Decodable {
        let file_search: ToolBody?
        let web_search: ToolBody?
        let image_generation: ToolBody?
        let mcp: ToolBody?
        let code_interpreter: ToolBody?

        var changes: [HostedTool: Bool] {
            let given: [(HostedTool, ToolBody?)] = [
                (.fileSearch, file_search), (.webSearch, web_search), (.imageGeneration, image_generation), (.mcp, mcp),
                (.codeInterpreter, code_interpreter),
            ]
            return Dictionary(uniqueKeysWithValues: given.compactMap { tool, body in body.map { (tool, $0.enabled) } })
        }
    }

    struct RateLimitBody: Decodable {
        let max_requests_per_1_minute: Int?
        let max_tokens_per_1_minute: Int?
        let max_images_per_1_minute: Int?
        let max_audio_megabytes_per_1_minute: Int?
        let max_requests_per_1_day: Int?
        let batch_1_day_max_input_tokens: Int?

        var changes: [RateLimits.Field: Int] {
            let given: [(RateLimits.Field, Int?)] = [
                (.requestsPerMinute, max_requests_per_1_minute), (.tokensPerMinute, max_tokens_per_1_minute),
                (.imagesPerMinute, max_images_per_1_minute), (.audioMegabytesPerMinute, max_audio_megabytes_per_1_minute),
                (.requestsPerDay, max_requests_per_1_day), (.batchInputTokensPerDay, batch_1_day_max_input_tokens),
            ]
            return Dictionary(uniqueKeysWithValues: given.compactMap { field, value in value.map { (field, $0) } })
        }
    }

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("projects/:project_id/api_keys", use: listKeys)
        router.post("projects/:project_id/api_keys", use: createKey)
        router.get("projects/:project_id/api_keys/:key_id", use: retrieveKey)
        router.post("projects/:project_id/api_keys/:key_id", use: updateKey)
        router.delete("projects/:project_id/api_keys/:key_id", use: deleteKey)
        router.post("projects/:project_id/service_accounts/:service_account_id/api_keys", use: createServiceAccountKey)
        router.get("projects/:project_id/model_permissions", use: modelPermissions)
        router.post("projects/:project_id/model_permissions", use: setModelPermissions)
        router.delete("projects/:project_id/model_permissions", use: deleteModelPermissions)
        router.get("projects/:project_id/hosted_tool_permissions", use: tools)
        router.post("projects/:project_id/hosted_tool_permissions", use: setTools)
        router.get("projects/:project_id/rate_limits", use: rateLimits)
        router.post("projects/:project_id/rate_limits/:rate_limit_id", use: updateRateLimit)
    }

    // MARK: API keys

    /// `owner_project_access`: `active`, `inactive` or `any` (the default: every key).
    @Sendable func listKeys(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let ownerHasAccess: Bool?
        switch request.queryValue("owner_project_access") {
        case nil, "any": ownerHasAccess = nil
        case "active": ownerHasAccess = true
        case "inactive": ownerHasAccess = false
        case let other?:
            throw APIError.invalid(
                "'owner_project_access' must be 'active', 'inactive' or 'any'; got '\(other.prefix(100))'.", param: "owner_project_access")
        }
        let page = try await organization.projectKeys(
            projectID: projectID, ownerHasAccess: ownerHasAccess, page: request.pageRequest(ProjectsController.rangeListRules(.adminKey)))
        return .json(Wire.rangeList(page, id: \.key.id, Wire.projectKey))
    }

    @Sendable func createKey(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(CreateProjectKeyBody.self, context: context)
        let (created, entry) = try await organization.createProjectKey(
            projectID: projectID, name: body.name, scopes: body.scopes, expiresInSeconds: body.expires_in_seconds,
            by: context.requireCaller())
        return .json(Wire.createdProjectKey(created, entry: entry))
    }

    @Sendable func retrieveKey(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let entry = try await organization.projectKey(
            projectID: context.identifier("project_id", .project), id: context.identifier("key_id", .adminKey))
        return .json(Wire.projectKey(entry))
    }

    @Sendable func updateKey(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let id = try context.identifier("key_id", .adminKey)
        let body = try await request.decode(KeyFieldsBody.self, context: context)
        let entry = try await organization.updateProjectKey(
            projectID: projectID, id: id, name: body.name, scopes: body.scopes, expiresInSeconds: body.expires_in_seconds,
            by: context.requireCaller())
        return .json(Wire.projectKey(entry))
    }

    @Sendable func deleteKey(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let id = try context.identifier("key_id", .adminKey)
        try await organization.deleteProjectKey(projectID: context.identifier("project_id", .project), id: id, by: context.requireCaller())
        return .json(Wire.deleted("organization.project.api_key.deleted", id: id))
    }

    /// The body is optional: without one the key is named "Secret Key", unlimited and never expires.
    @Sendable func createServiceAccountKey(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let accountID = try context.identifier("service_account_id", .serviceAccount)
        let body = try await request.decodeIfPresent(KeyFieldsBody.self, context: context)
        let created = try await organization.createServiceAccountKey(
            projectID: projectID, serviceAccountID: accountID, name: body?.name, scopes: body?.scopes,
            expiresInSeconds: body?.expires_in_seconds, by: context.requireCaller())
        return .json(Wire.createdServiceAccountKey(created))
    }

    // MARK: Model permissions and hosted tools

    @Sendable func modelPermissions(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.modelPermissions(try await organization.modelPermissions(projectID: context.identifier("project_id", .project))))
    }

    @Sendable func setModelPermissions(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(ModelPermissionsBody.self, context: context)
        let permissions = try await organization.setModelPermissions(
            projectID: projectID, mode: body.mode, modelIDs: body.model_ids, by: context.requireCaller())
        return .json(Wire.modelPermissions(permissions))
    }

    @Sendable func deleteModelPermissions(_ request: Request, context: RosterRequestContext) async throws -> Response {
        try await organization.deleteModelPermissions(projectID: context.identifier("project_id", .project), by: context.requireCaller())
        return .json(Wire.deleted("project.model_permissions.deleted"))
    }

    @Sendable func tools(_ request: Request, context: RosterRequestContext) async throws -> Response {
        .json(Wire.hostedTools(disabled: try await organization.disabledTools(projectID: context.identifier("project_id", .project))))
    }

    @Sendable func setTools(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let body = try await request.decode(ToolsBody.self, context: context)
        let disabled = try await organization.setTools(projectID: projectID, body.changes, by: context.requireCaller())
        return .json(Wire.hostedTools(disabled: disabled))
    }

    // MARK: Rate limits

    /// Pages by the rate limit id (`rl-` and a model id): `limit` 1…100, 100 by default, `after` or `before`.
    @Sendable func rateLimits(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        var limit = 100
        if let raw = request.queryValue("limit") {
            guard let value = Int(raw), (1...100).contains(value) else {
                throw APIError.invalid("'limit' must be an integer from 1 to 100; got '\(raw.prefix(100))'.", param: "limit")
            }
            limit = value
        }
        let after = request.queryValue("after").flatMap { $0.isEmpty ? nil : $0 }
        let before = request.queryValue("before").flatMap { $0.isEmpty ? nil : $0 }
        if after != nil && before != nil {
            throw APIError.invalid("Give 'after' or 'before', not both.", param: "before")
        }
        let page = try await organization.rateLimits(projectID: projectID, after: after, before: before, limit: limit)
        return .json(Wire.rateLimitList(page))
    }

    @Sendable func updateRateLimit(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let projectID = try context.identifier("project_id", .project)
        let id = context.parameters.get("rate_limit_id") ?? ""
        let body = try await request.decode(RateLimitBody.self, context: context)
        let limit = try await organization.updateRateLimit(projectID: projectID, rateLimitID: id, body.changes, by: context.requireCaller())
        return .json(Wire.rateLimit(limit))
    }
}
