import Foundation
import RosterModel

extension Organization {
    /// A model call a gateway asks about: what it calls, and with which model and hosted tool when the gateway knows.
    public struct ModelCall: Sendable {
        /// The path of the OpenAI API called, without its query (`/v1/chat/completions`).
        public var path: String
        public var model: String?
        public var tool: String?

        public init(path: String, model: String? = nil, tool: String? = nil) {
            self.path = path
            self.model = model
            self.tool = tool
        }
    }

    /// A model call allowed: who makes it, in which project, and the limits the gateway should apply.
    public struct ModelCallGrant: Sendable {
        public let key: ProjectKey
        /// The limits of the call's model in the project; nil when no model was named or the organization does not know it.
        public let limits: RateLimits?
    }

    /// Decides, from the in-memory policy alone, whether the project key whose secret hashes to `keyHash` may make
    /// `call`. The key must exist, not be expired, and belong to a project that is not archived; its owner must have
    /// access to the project (a service account with a role; an active user who is a member, directly or through a
    /// group) and hold the permission `routes` gives the path, within the key's scopes; the model, when named, must be
    /// allowed by the project's model permissions and the tool, when named, switched on. `unauthenticated` for a key
    /// that cannot be used at all, `forbidden` for a call it may not make. The use is noted in memory, as for admin keys.
    public func authorize(_ call: ModelCall, keyHash: [UInt8], routes: GatewayRoutes) async throws -> ModelCallGrant {
        let timestamp = now()
        try await policy.loadIfNeeded(from: store)
        let grant = try policy.withState { state in try Self.decide(call, keyHash: keyHash, routes: routes, at: timestamp, in: state) }
        projectKeyUses.note(grant.key.id, at: timestamp)
        return grant
    }

    static func decide(
        _ call: ModelCall, keyHash: [UInt8], routes: GatewayRoutes, at timestamp: Int, in state: borrowing PolicyState
    ) throws -> ModelCallGrant {
        guard let key = state.projectKeys[keyHash], let venue = state.projects[key.projectID] else {
            throw ServiceError(.unauthenticated, "Incorrect API key provided.", code: "invalid_api_key")
        }
        if let expiresAt = key.expiresAt, key.isExpired(at: timestamp) {
            let when = Date(timeIntervalSince1970: TimeInterval(expiresAt)).ISO8601Format()
            throw ServiceError(.unauthenticated, "The API key provided expired at \(when).", code: "expired_api_key")
        }
        let project = venue.project
        guard !project.isArchived else {
            throw ServiceError(
                .forbidden, "Project '\(project.name)' (\(project.id)) is archived; its keys can no longer call models.",
                code: "project_archived")
        }
        guard let permission = routes.permission(for: call.path) else {
            throw ServiceError(
                .forbidden,
                "'\(call.path.prefix(200))' is not an API this gateway lets keys call; Roster's gateway table (README) lists those it knows.",
                code: "unknown_endpoint")
        }
        let holds: Bool
        switch key.owner {
        case .serviceAccount(let id):
            guard let account = venue.serviceAccounts[id], let role = PredefinedProjectRole(rawValue: account.role.rawValue) else {
                throw ServiceError(
                    .unauthenticated, "The API key provided belongs to a service account without a project role; it does not work.",
                    code: "inactive_api_key")
            }
            holds = role.permissions.contains(permission)
        case .user(let id):
            guard let member = state.users[id], state.hasAccess(member, to: project.id) else {
                throw ServiceError(
                    .unauthenticated,
                    "The API key provided belongs to a user who no longer has access to project '\(project.name)'; it does not work.",
                    code: "inactive_api_key")
            }
            holds = state.holds(member, permission, in: project.id)
        }
        guard holds, key.scopes?.contains(permission) ?? true else {
            throw ServiceError(
                .forbidden,
                "The API key provided may not call '\(call.path.prefix(200))': that needs '\(permission)' in project '\(project.name)', "
                    + (holds ? "which the key's scopes leave out." : "which the key's owner does not hold there."),
                code: "missing_permission")
        }
        if let model = call.model, !venue.modelPermissions.allows(model) {
            throw ServiceError(
                .forbidden, "Project '\(project.name)' may not use model '\(model.prefix(200))' (its model permissions leave it out).",
                code: "model_not_allowed")
        }
        if let rawTool = call.tool {
            guard let tool = HostedTool(rawValue: rawTool) else {
                throw ServiceError(
                    .forbidden,
                    "'\(rawTool.prefix(100))' is not a hosted tool; they are "
                        + HostedTool.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ".",
                    code: "unknown_tool")
            }
            guard !venue.disabledTools.contains(tool) else {
                throw ServiceError(
                    .forbidden, "Hosted tool '\(tool.rawValue)' is switched off in project '\(project.name)'.", code: "tool_disabled")
            }
        }
        let limits = call.model.flatMap { model in
            venue.rateLimits[model] ?? state.models[model]
        }
        return ModelCallGrant(key: key, limits: limits)
    }
}
