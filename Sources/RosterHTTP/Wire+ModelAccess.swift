import RosterModel
import RosterStore

extension Wire {
    /// `ProjectModelPermissions`.
    static func modelPermissions(_ permissions: ModelPermissions) -> JSON {
        .object([
            ("object", "project.model_permissions"), ("mode", .string(permissions.mode.rawValue)),
            ("model_ids", .array(permissions.modelIDs.map(JSON.string))),
        ])
    }

    /// `ProjectHostedToolPermissions`: every tool, on unless it is among `disabled`.
    static func hostedTools(disabled: Set<HostedTool>) -> JSON {
        .object(HostedTool.allCases.map { tool in (tool.rawValue, .object([("enabled", .bool(!disabled.contains(tool)))])) })
    }

    /// `ProjectRateLimit`: requests and tokens per minute always, each other limit only for a model that has it.
    static func rateLimit(_ limit: ProjectRateLimit) -> JSON {
        var members: [(String, JSON)] = [("object", "project.rate_limit"), ("id", .string(limit.id)), ("model", .string(limit.model))]
        for field in RateLimits.Field.allCases {
            if let value = limit.limits[field] { members.append((field.rawValue, .int(value))) }
        }
        return .object(members)
    }

    /// `ProjectRateLimitListResponse`.
    static func rateLimitList(_ page: Page<ProjectRateLimit>) -> JSON {
        .object([
            ("object", "list"), ("data", .array(page.items.map(rateLimit))),
            ("first_id", .optional(page.items.first?.id)), ("last_id", .optional(page.items.last?.id)),
            ("has_more", .bool(page.hasMore)),
        ])
    }
}
