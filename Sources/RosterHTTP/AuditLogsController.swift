import Hummingbird
import RosterModel
import RosterService
import RosterStore

/// `/v1/organization/audit_logs`: the audit log of every change to the organization, newest first.
struct AuditLogsController {
    let organization: Organization

    /// The most values one list filter (`project_ids[]`, `event_types[]`, …) may hold.
    static let maximumFilterValues = 1000

    func addRoutes(to router: some RouterMethods<RosterRequestContext>) {
        router.get("audit_logs", use: list)
    }

    /// Pages as OpenAI's reference says: 1…100, 20 by default, newest first, `after` for older events and `before`
    /// for newer ones. Every filter of the reference is taken, in the SDK's form (`event_types[]=…`,
    /// `effective_at[gte]=…`) or without the brackets, repeated; a malformed one is a 400 naming it.
    @Sendable func list(_ request: Request, context: RosterRequestContext) async throws -> Response {
        let rules = ListRules(defaultLimit: 20, limitRange: 1...100, cursorKind: .auditLog, acceptsOrder: false)
        let page = try request.pageRequest(rules)
        var before: Identifier?
        if let raw = request.queryValue("before"), !raw.isEmpty {
            guard let id = Identifier(raw, kind: .auditLog) else {
                throw APIError.invalid(
                    "'before' must be the 'first_id' (an id starting with 'audit_log-') of a previous page; got '\(raw)'.",
                    param: "before")
            }
            before = id
        }
        let filter = try Self.filter(request)
        // Roster keeps no tenant-scoped events, so asking for those alone finds none.
        guard try !request.boolQuery("tenant_only") else {
            return .json(Wire.rangeList(Page<AuditEvent>(items: [], hasMore: false), id: \.id, Wire.auditLog))
        }
        let events = try await organization.auditEvents(filter, limit: page.limit, after: page.after, before: before)
        return .json(Wire.rangeList(events, id: \.id, Wire.auditLog))
    }

    /// The filters of a list request.
    static func filter(_ request: Request) throws -> AuditFilter {
        var filter = AuditFilter()
        for (key, raw) in request.query where key.hasPrefix("effective_at") {
            let bound = key.dropFirst("effective_at".count)
            guard let value = Int(raw) else {
                throw APIError.invalid("'\(key)' must be a time in Unix seconds; got '\(raw)'.", param: key)
            }
            switch bound {
            case "[gt]": filter.effectiveAt.greaterThan = value
            case "[gte]": filter.effectiveAt.atLeast = value
            case "[lt]": filter.effectiveAt.lessThan = value
            case "[lte]": filter.effectiveAt.atMost = value
            default:
                throw APIError.invalid(
                    "'\(key)' is not a bound of 'effective_at'; use effective_at[gt], [gte], [lt] or [lte].", param: key)
            }
        }
        filter.projectIDs = try values(request, "project_ids", "a project id (proj_…)") {
            Identifier($0, kind: .project) != nil
        }
        filter.types = try values(request, "event_types", "an event type such as 'group.created'", valid: isEventType)
        // Service accounts do not act yet, so their ids are accepted and match nothing.
        let actor = "the id of a user (user_…), an admin key (key_…) or a service account"
        filter.actorIDs = try values(request, "actor_ids", actor) { raw in
            [IdentifierKind.user, .adminKey, .serviceAccount].contains { Identifier(raw, kind: $0) != nil }
        }
        filter.actorEmails = try values(request, "actor_emails", "an email address") { !$0.isEmpty }
        filter.resourceIDs = try values(request, "resource_ids", "the id of an object") { !$0.isEmpty }
        return filter
    }

    /// The values of the array filter `name`, nil when absent; an invalid value, or too many, is a 400 naming it.
    private static func values(
        _ request: Request, _ name: String, _ expected: String, valid: (String) -> Bool
    ) throws -> [String]? {
        let values = request.queryValues(name)
        guard !values.isEmpty else { return nil }
        guard values.count <= maximumFilterValues else {
            throw APIError.invalid("'\(name)' takes at most \(maximumFilterValues) values; got \(values.count).", param: name)
        }
        if let bad = values.first(where: { !valid($0) }) {
            throw APIError.invalid("Every value of '\(name)' must be \(expected); got '\(bad)'.", param: name)
        }
        return values
    }

    /// Whether `text` is shaped like an event type: lower-case words joined by dots, such as `role.assignment.created`.
    /// Types Roster never records (OpenAI's `login.succeeded`, say) are accepted and match nothing.
    static func isEventType(_ text: String) -> Bool {
        let words = text.split(separator: ".", omittingEmptySubsequences: false)
        return words.count >= 2
            && words.allSatisfy { word in !word.isEmpty && word.allSatisfy { ("a"..."z").contains($0) || $0 == "_" } }
    }
}
