import RosterModel
import RosterStore
import Testing

@testable import RosterSQLite

/// The audit log's list reads through an index for every filter and every combination of filters.
@Suite struct AuditQueryPlanTests {
    /// One value of each filter, by name.
    static let filters: [(name: String, apply: @Sendable (inout AuditFilter) -> Void)] = [
        ("effective_at", { $0.effectiveAt = .init(atLeast: 1, atMost: 2) }),
        ("project_ids", { $0.projectIDs = ["proj_a", "proj_b"] }),
        ("event_types", { $0.types = ["group.created", "user.added"] }),
        ("actor_ids (users)", { $0.actorIDs = ["user_a"] }),
        ("actor_ids (keys)", { $0.actorIDs = ["key_a", "key_b"] }),
        ("actor_ids (users and keys)", { $0.actorIDs = ["user_a", "key_a"] }),
        ("actor_emails", { $0.actorEmails = ["a@example.com"] }),
        ("resource_ids", { $0.resourceIDs = ["group_a", "user_b"] }),
    ]

    @Test("every audit filter, alone and with any other, finds its events through an index")
    func filtersUseIndexes() async throws {
        var combinations: [(name: String, filter: AuditFilter)] = [("no filter", AuditFilter())]
        for (index, first) in Self.filters.enumerated() {
            var filter = AuditFilter()
            first.apply(&filter)
            combinations.append((first.name, filter))
            for second in Self.filters[(index + 1)...] {
                var pair = filter
                second.apply(&pair)
                combinations.append(("\(first.name) + \(second.name)", pair))
            }
        }
        var all = AuditFilter()
        for filter in Self.filters { filter.apply(&all) }
        combinations.append(("every filter", all))

        for (name, filter) in combinations {
            for order in [ListOrder.descending, .ascending] {
                for after in [nil, Identifier.make(.auditLog)] {
                    let recorder = QueryPlanRecorder()
                    var configuration = SQLiteDatastore.Configuration(path: ":memory:")
                    configuration.queryPlans = recorder
                    try await SQLiteDatastore.withOpened(configuration) { store in
                        let event = AuditEvent(
                            id: after ?? .make(.auditLog), type: .groupCreated, effectiveAt: 1, actor: nil, project: nil,
                            resourceID: "group_a", details: .object([]))
                        try await store.withTransaction { try await $0.appendAuditEvent(event) }
                        _ = try await store.read { try await $0.auditEvents(filter, page: PageRequest(limit: 20, after: after, order: order)) }
                    }
                    let plans = recorder.recorded.filter { $0.key.contains("FROM audit_logs a") }
                    #expect(plans.count == 1, "\(name): \(plans.keys)")
                    let reads = plans.values.flatMap { $0 }.filter { $0.hasPrefix("SEARCH a") || $0.hasPrefix("SCAN a") }
                    let described = "\(name), \(order), \(after == nil ? "first page" : "after a cursor"): \(plans.values.flatMap { $0 })"
                    #expect(!reads.isEmpty, "\(described)")
                    if filter == AuditFilter() && after == nil {
                        // The first page of the whole log reads the time index in order and stops at the limit.
                        #expect(reads == ["SCAN a USING INDEX audit_logs_time"], "\(described)")
                    } else {
                        #expect(reads.allSatisfy { $0.hasPrefix("SEARCH a USING INDEX audit_logs_") }, "\(described)")
                    }
                }
            }
        }
    }
}
