import RosterModel
import RosterStore

extension Organization {
    /// The models the organization knows, with their default limits, by id.
    public func models() async throws -> [Model] {
        try await store.read { try await $0.models() }
    }

    /// `model` checked as a model id: 1 to 200 characters, no control characters, no spaces at either end.
    static func validModelID(_ model: String, param: String) throws -> String {
        guard Validation.name(model) == model, model.count <= 200 else {
            throw ServiceError.invalid(
                "'\(model.prefix(100))' is not a model id: model ids are 1 to 200 characters, with no spaces at either end and no control characters.",
                param: param)
        }
        return model
    }

    /// The project's model permissions: `deny_list` with no models (every model) until they are set.
    public func modelPermissions(projectID: Identifier) async throws -> ModelPermissions {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.modelPermissions(projectID: projectID)
        }
    }

    /// Sets which models the project's keys may call: only those of `modelIDs` (`allow_list`) or all but them
    /// (`deny_list`). Model ids are the names model calls use; any may be listed, known to Roster or not, up to
    /// `ModelPermissions.maximumModels`. Refused for archived projects.
    public func setModelPermissions(
        projectID: Identifier, mode rawMode: String, modelIDs: [String], by caller: Caller? = nil
    ) async throws -> ModelPermissions {
        guard let mode = ModelPermissions.Mode(rawValue: rawMode) else {
            throw ServiceError.invalid("'mode' must be 'allow_list' or 'deny_list'; got '\(rawMode.prefix(100))'.", param: "mode")
        }
        guard modelIDs.count <= ModelPermissions.maximumModels else {
            throw ServiceError.invalid(
                "'model_ids' may list at most \(ModelPermissions.maximumModels) models; got \(modelIDs.count).", param: "model_ids")
        }
        for model in modelIDs { _ = try Self.validModelID(model, param: "model_ids") }
        let permissions = ModelPermissions(mode: mode, modelIDs: modelIDs)
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            try await tx.setModelPermissions(permissions, projectID: projectID)
            try await audit.record(
                .projectUpdated, on: projectID, in: project,
                changes: [("model_permissions", Self.json(permissions))])
        }
        return permissions
    }

    /// Deletes the project's model permissions: its keys may call every model again. Refused for archived projects.
    public func deleteModelPermissions(projectID: Identifier, by caller: Caller? = nil) async throws {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            try await tx.setModelPermissions(nil, projectID: projectID)
            try await audit.record(.projectUpdated, on: projectID, in: project, changes: [("model_permissions", .null)])
        }
    }

    /// The hosted tools switched off in the project; every other tool is on.
    public func disabledTools(projectID: Identifier) async throws -> Set<HostedTool> {
        try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return try await tx.disabledTools(projectID: projectID)
        }
    }

    /// Switches hosted tools on or off in the project; tools not named keep their state. Returns the tools now off.
    /// Refused for archived projects.
    public func setTools(projectID: Identifier, _ changes: [HostedTool: Bool], by caller: Caller? = nil) async throws -> Set<HostedTool> {
        try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            let ordered = HostedTool.allCases.compactMap { tool in changes[tool].map { (tool, $0) } }
            for (tool, enabled) in ordered { try await tx.setTool(tool, enabled: enabled, projectID: projectID) }
            if !ordered.isEmpty {
                let details = ordered.map { tool, enabled in (tool.rawValue, JSON.object([("enabled", .bool(enabled))])) }
                try await audit.record(.projectUpdated, on: projectID, in: project, changes: [("hosted_tool_permissions", .object(details))])
            }
            return try await tx.disabledTools(projectID: projectID)
        }
    }

    /// The project's rate limits, one per model the organization knows, ordered by id (`rl-` and the model id), each
    /// the model's defaults unless the project changed them: up to `limit` after the id `after` or, with `before`, the
    /// last `limit` before it.
    public func rateLimits(projectID: Identifier, after: String?, before: String?, limit: Int) async throws -> Page<ProjectRateLimit> {
        let (models, set) = try await store.read { tx in
            _ = try await tx.project(id: projectID)
            return (try await tx.models(), try await tx.rateLimits(projectID: projectID))
        }
        // `models()` is in id order, and so is `rl-` followed by each id.
        var limits = models.map { ProjectRateLimit(model: $0.id, limits: set[$0.id] ?? $0.defaultLimits) }
        if let after { limits.removeAll { $0.id <= after } }
        if let before {
            limits.removeAll { $0.id >= before }
            // The page nearest `before`; more follow it (up to `before`) only in the other direction.
            return Page(items: Array(limits.suffix(limit)), hasMore: limits.count > limit)
        }
        return Page(rows: Array(limits.prefix(limit + 1)), limit: limit)
    }

    /// Changes the project's limits for the model of `rateLimitID` (`rl-` and a model id); fields not given keep their
    /// value. A field the model does not have (images per minute of a text model) is refused, as is a value below 1
    /// or above `RateLimits.maximumValue`. Refused for archived projects.
    public func updateRateLimit(
        projectID: Identifier, rateLimitID: String, _ changes: [RateLimits.Field: Int], by caller: Caller? = nil
    ) async throws -> ProjectRateLimit {
        let ordered = RateLimits.Field.allCases.compactMap { field in changes[field].map { (field, $0) } }
        for (field, value) in ordered { try Self.checkLimit(value, param: field.rawValue) }
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let project = try await Self.writableProject(projectID, in: tx)
            guard rateLimitID.hasPrefix(Model.rateLimitPrefix),
                let model = try await tx.models().first(where: { $0.rateLimitID == rateLimitID })
            else {
                throw ServiceError(
                    .notFound, "No rate limit found with id '\(rateLimitID.prefix(200))'; the ids are 'rl-' and a model id, as the list shows.",
                    param: "rate_limit_id", code: "not_found")
            }
            for (field, _) in ordered where model.defaultLimits[field] == nil {
                throw ServiceError.invalid(
                    "Model '\(model.id)' has no '\(field.rawValue)' limit; its limits are "
                        + RateLimits.Field.allCases.filter { model.defaultLimits[$0] != nil }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ".",
                    param: field.rawValue)
            }
            var limits = try await tx.rateLimits(projectID: projectID)[model.id] ?? model.defaultLimits
            for (field, value) in ordered { limits[field] = value }
            if !ordered.isEmpty {
                try await tx.setRateLimits(limits, model: model.id, projectID: projectID)
                try await audit.record(
                    .rateLimitUpdated, on: projectID, in: project, id: rateLimitID,
                    [("changes_requested", .object(ordered.map { ($0.0.rawValue, JSON.int($0.1)) }))])
            }
            return ProjectRateLimit(model: model.id, limits: limits)
        }
    }

    /// Refuses a limit below 1 or above `RateLimits.maximumValue`.
    static func checkLimit(_ value: Int, param: String) throws {
        guard (1...RateLimits.maximumValue).contains(value) else {
            throw ServiceError.invalid("'\(param)' must be from 1 to \(RateLimits.maximumValue); got \(value).", param: param)
        }
    }

    static func json(_ permissions: ModelPermissions) -> JSON {
        .object([("mode", .string(permissions.mode.rawValue)), ("model_ids", .array(permissions.modelIDs.map(JSON.string)))])
    }
}
