import Foundation
import RosterModel
import RosterStore

extension SQLTransaction {
    /// The whole table, read in key order: an organization knows tens of models, not thousands.
    package func models() async throws -> [Model] {
        var models: [Model] = []
        try await forEachRow("SELECT id, limits FROM models ORDER BY id", [], wholeTable: true) { row in
            models.append(Model(id: try row.string("id"), defaultLimits: try Self.rateLimits(from: row)))
        }
        return models
    }

    package func saveModel(_ model: Model) async throws {
        try await query(
            "INSERT INTO models (id, limits) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET limits = excluded.limits",
            [.text(model.id), .text(Self.limitsJSON(model.defaultLimits))])
    }

    package func modelPermissions(projectID: Identifier) async throws -> ModelPermissions {
        let rows = try await query(
            "SELECT mode, model_ids FROM project_model_permissions WHERE project_id = ?", [.text(projectID.rawValue)])
        guard let row = rows.first else { return .everyModel }
        return try Self.modelPermissions(from: row)
    }

    /// A row's `mode` and `model_ids`.
    static func modelPermissions(from row: Row) throws -> ModelPermissions {
        guard let mode = ModelPermissions.Mode(rawValue: try row.string("mode")),
            let models = try? JSONDecoder().decode([String].self, from: Data(try row.string("model_ids").utf8))
        else {
            throw StoreError.unavailable("model permissions in project_model_permissions are not readable")
        }
        return ModelPermissions(mode: mode, modelIDs: models)
    }

    package func setModelPermissions(_ permissions: ModelPermissions?, projectID: Identifier) async throws {
        try await query("DELETE FROM project_model_permissions WHERE project_id = ?", [.text(projectID.rawValue)])
        guard let permissions else { return }
        try await query(
            "INSERT INTO project_model_permissions (project_id, mode, model_ids) VALUES (?, ?, ?)",
            [.text(projectID.rawValue), .text(permissions.mode.rawValue), .text(Self.jsonText(permissions.modelIDs))])
    }

    package func disabledTools(projectID: Identifier) async throws -> Set<HostedTool> {
        var tools: Set<HostedTool> = []
        for row in try await query("SELECT tool FROM project_disabled_tools WHERE project_id = ?", [.text(projectID.rawValue)]) {
            // A tool this version does not know is not one it can switch off.
            if let tool = HostedTool(rawValue: try row.string("tool")) { tools.insert(tool) }
        }
        return tools
    }

    package func setTool(_ tool: HostedTool, enabled: Bool, projectID: Identifier) async throws {
        if enabled {
            try await query(
                "DELETE FROM project_disabled_tools WHERE project_id = ? AND tool = ?", [.text(projectID.rawValue), .text(tool.rawValue)])
        } else {
            try await query(
                "INSERT INTO project_disabled_tools (project_id, tool) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [.text(projectID.rawValue), .text(tool.rawValue)])
        }
    }

    package func rateLimits(projectID: Identifier) async throws -> [String: RateLimits] {
        var limits: [String: RateLimits] = [:]
        for row in try await query("SELECT model, limits FROM project_rate_limits WHERE project_id = ?", [.text(projectID.rawValue)]) {
            limits[try row.string("model")] = try Self.rateLimits(from: row)
        }
        return limits
    }

    /// A row's `limits`: a JSON object of limits by their wire names.
    static func rateLimits(from row: Row) throws -> RateLimits {
        guard let values = try? JSONDecoder().decode([String: Int].self, from: Data(try row.string("limits").utf8)),
            let requests = values[RateLimits.Field.requestsPerMinute.rawValue],
            let tokens = values[RateLimits.Field.tokensPerMinute.rawValue]
        else {
            throw StoreError.unavailable("rate limits in project_rate_limits are not readable")
        }
        var others: [RateLimits.Field: Int] = [:]
        for (name, value) in values { if let field = RateLimits.Field(rawValue: name) { others[field] = value } }
        return RateLimits(requestsPerMinute: requests, tokensPerMinute: tokens, others: others)
    }

    package func setRateLimits(_ limits: RateLimits, model: String, projectID: Identifier) async throws {
        try await query(
            """
            INSERT INTO project_rate_limits (project_id, model, limits) VALUES (?, ?, ?)
            ON CONFLICT (project_id, model) DO UPDATE SET limits = excluded.limits
            """,
            [.text(projectID.rawValue), .text(model), .text(Self.limitsJSON(limits))])
    }

    /// Limits as a JSON object by their wire names, keys sorted: how `models` and `project_rate_limits` keep them.
    package static func limitsJSON(_ limits: RateLimits) -> String {
        jsonText(Dictionary(uniqueKeysWithValues: limits.values.map { ($0.key.rawValue, $0.value) }))
    }

    /// The statements that give a new database `Model.defaults`, the models an organization knows until its file
    /// says otherwise (each backend's migration runs them).
    package static var modelSeeds: [String] {
        Model.defaults.map { model in
            "INSERT INTO models (id, limits) VALUES ('\(model.id)', '\(limitsJSON(model.defaultLimits))')"
        }
    }

    /// Strings or numbers, in arrays or objects, as JSON text with keys sorted (encoding them cannot fail).
    static func jsonText(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
