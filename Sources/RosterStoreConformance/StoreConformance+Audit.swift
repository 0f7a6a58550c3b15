import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static func auditEvent(
        _ type: AuditEventType, at time: Int = t0, by actor: AuditActor? = nil, in project: AuditEvent.ProjectReference? = nil,
        on resource: String = Identifier.make(.group).rawValue
    ) -> AuditEvent {
        AuditEvent(
            id: .make(.auditLog), type: type, effectiveAt: time, actor: actor, project: project, resourceID: resource,
            details: .object([("id", .string(resource))]))
    }

    static func actor(_ email: String?) -> AuditActor {
        AuditActor(keyID: .make(.adminKey), userID: .make(.user), email: email)
    }

    /// The ids of the events `filter` lets through, newest first, read in pages of `limit`.
    static func auditIDs(_ store: any Datastore, _ filter: AuditFilter = AuditFilter(), limit: Int = 100) async throws -> [Identifier] {
        var ids: [Identifier] = []
        var page = PageRequest(limit: limit, order: .descending)
        while true {
            let next = try await store.read { try await $0.auditEvents(filter, page: page) }
            ids += next.items.map(\.id)
            guard next.hasMore, let last = next.items.last else { return ids }
            page.after = last.id
        }
    }

    static let auditContracts: [StoreContract] = [
        contract("an appended audit event reads back as it was written") { store in
            let project = AuditEvent.ProjectReference(id: .make(.project), name: "Apollo")
            var event = auditEvent(.userAdded, by: actor("Ada@Example.com"), in: project)
            event.details = .object([("id", .string(event.resourceID)), ("data", .object([("role", "member")]))])
            try await store.withTransaction { [event] in try await $0.appendAuditEvent(event) }
            let page = try await store.read { try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 10, order: .descending)) }
            #expect(page.items == [event])
            #expect(!page.hasMore)
            let system = auditEvent(.groupCreated)
            try await store.withTransaction { try await $0.appendAuditEvent(system) }
            let newest = try await store.read { try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 1, order: .descending)) }
            #expect(newest.items.map(\.id) == [system.id] && newest.items.first?.actor == nil)
        },
        contract("appendAuditEvent throws conflict for an id already in the log") { store in
            let event = auditEvent(.groupCreated)
            try await store.withTransaction { try await $0.appendAuditEvent(event) }
            await expectConflict { try await store.withTransaction { try await $0.appendAuditEvent(event) } }
        },
        contract("an event appended in a transaction that rolls back is not in the log") { store in
            struct Abort: Error {}
            do {
                try await store.withTransaction { tx in
                    try await tx.appendAuditEvent(auditEvent(.groupCreated))
                    throw Abort()
                }
            } catch is Abort {}
            #expect(try await auditIDs(store).isEmpty)
        },
        contract("audit events list newest first by effective time, then by id, and oldest first ascending") { store in
            // Made in id order, but effective at times that do not follow it.
            let events = [t0 + 5, t0 + 1, t0 + 5, t0 + 3].map { auditEvent(.groupCreated, at: $0) }
            try await store.withTransaction { tx in for event in events { try await tx.appendAuditEvent(event) } }
            let newestFirst = [events[2], events[0], events[3], events[1]].map(\.id)
            #expect(try await auditIDs(store) == newestFirst)
            let ascending = try await store.read { try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 10)) }
            #expect(ascending.items.map(\.id) == newestFirst.reversed())
        },
        contract("audit pages continue strictly past the cursor in both directions, across equal times") { store in
            let events = (0..<7).map { auditEvent(.groupCreated, at: t0 + $0 / 2) }
            try await store.withTransaction { tx in for event in events { try await tx.appendAuditEvent(event) } }
            let newestFirst = events.reversed().map(\.id)
            for limit in 1...4 { #expect(try await auditIDs(store, limit: limit) == newestFirst, "limit \(limit)") }
            let older = try await store.read {
                try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 2, after: events[4].id, order: .descending))
            }
            #expect(older.items.map(\.id) == [events[3].id, events[2].id])
            #expect(older.hasMore)
            let newer = try await store.read {
                try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 2, after: events[4].id, order: .ascending))
            }
            #expect(newer.items.map(\.id) == [events[5].id, events[6].id])
            #expect(!newer.hasMore)
            let none = try await store.read { try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 0, order: .descending)) }
            #expect(none.items.isEmpty && none.hasMore)
        },
        contract("auditEvents throws notFound for a cursor that names no event") { store in
            try await store.withTransaction { try await $0.appendAuditEvent(auditEvent(.groupCreated)) }
            await expectNotFound {
                _ = try await store.read {
                    try await $0.auditEvents(AuditFilter(), page: PageRequest(limit: 5, after: .make(.auditLog), order: .descending))
                }
            }
        },
        contract("effective time bounds keep the events after, from, before and up to a time") { store in
            let events = (0...4).map { auditEvent(.groupCreated, at: t0 + $0) }
            try await store.withTransaction { tx in for event in events { try await tx.appendAuditEvent(event) } }
            func ids(_ bounds: AuditFilter.TimeBounds) async throws -> [Identifier] {
                try await auditIDs(store, AuditFilter(effectiveAt: bounds))
            }
            #expect(try await ids(.init(greaterThan: t0 + 2)) == [events[4].id, events[3].id])
            #expect(try await ids(.init(atLeast: t0 + 3)) == [events[4].id, events[3].id])
            #expect(try await ids(.init(lessThan: t0 + 1)) == [events[0].id])
            #expect(try await ids(.init(atMost: t0 + 1)) == [events[1].id, events[0].id])
            #expect(try await ids(.init(greaterThan: t0, atMost: t0 + 2)) == [events[2].id, events[1].id])
            #expect(try await ids(.init(atLeast: t0 + 3, lessThan: t0 + 3)).isEmpty)
        },
        contract("each audit filter keeps only the events it names, and an empty list keeps none") { store in
            let (ada, bob) = (actor("Ada@Example.com"), actor("bob@example.com"))
            let apollo = AuditEvent.ProjectReference(id: .make(.project), name: "Apollo")
            let gemini = AuditEvent.ProjectReference(id: .make(.project), name: "Gemini")
            let groupID = Identifier.make(.group).rawValue
            let events = [
                auditEvent(.groupCreated, by: ada, on: groupID),
                auditEvent(.groupUpdated, by: bob, on: groupID),
                auditEvent(.userAdded, by: ada, in: apollo),
                auditEvent(.userAdded, by: bob, in: gemini),
                auditEvent(.roleCreated),
            ]
            try await store.withTransaction { tx in for event in events { try await tx.appendAuditEvent(event) } }
            func ids(_ filter: AuditFilter) async throws -> Set<Identifier> { Set(try await auditIDs(store, filter)) }
            func of(_ indexes: Int...) -> Set<Identifier> { Set(indexes.map { events[$0].id }) }

            #expect(try await ids(AuditFilter(projectIDs: [apollo.id.rawValue])) == of(2))
            #expect(try await ids(AuditFilter(projectIDs: [apollo.id.rawValue, gemini.id.rawValue])) == of(2, 3))
            #expect(try await ids(AuditFilter(types: ["user.added"])) == of(2, 3))
            #expect(try await ids(AuditFilter(types: ["group.created", "role.created", "login.succeeded"])) == of(0, 4))
            #expect(try await ids(AuditFilter(actorIDs: [ada.userID.rawValue])) == of(0, 2))
            #expect(try await ids(AuditFilter(actorIDs: [bob.keyID.rawValue])) == of(1, 3))
            #expect(try await ids(AuditFilter(actorIDs: [ada.userID.rawValue, bob.keyID.rawValue])) == of(0, 1, 2, 3))
            #expect(try await ids(AuditFilter(actorIDs: ["svc_acct_x"])).isEmpty)
            #expect(try await ids(AuditFilter(actorEmails: ["ada@example.com"])) == of(0, 2), "emails compare case-insensitively")
            #expect(try await ids(AuditFilter(actorEmails: ["BOB@example.com", "nobody@example.com"])) == of(1, 3))
            #expect(try await ids(AuditFilter(resourceIDs: [groupID])) == of(0, 1))
            #expect(try await ids(AuditFilter(resourceIDs: [events[4].resourceID, "proj_unknown"])) == of(4))
            for empty in [
                AuditFilter(projectIDs: []), AuditFilter(types: []), AuditFilter(actorIDs: []), AuditFilter(actorEmails: []),
                AuditFilter(resourceIDs: []),
            ] {
                #expect(try await ids(empty).isEmpty, "\(empty)")
            }
        },
        contract("audit filters combine: an event must meet every one") { store in
            let ada = actor("ada@example.com")
            let apollo = AuditEvent.ProjectReference(id: .make(.project), name: "Apollo")
            let events = [
                auditEvent(.userAdded, at: t0, by: ada, in: apollo),
                auditEvent(.userAdded, at: t0 + 10, by: ada, in: apollo),
                auditEvent(.userDeleted, at: t0 + 10, by: ada, in: apollo),
                auditEvent(.userAdded, at: t0 + 10, in: apollo),
                auditEvent(.userAdded, at: t0 + 10, by: ada),
            ]
            try await store.withTransaction { tx in for event in events { try await tx.appendAuditEvent(event) } }
            let filter = AuditFilter(
                effectiveAt: .init(atLeast: t0 + 5), projectIDs: [apollo.id.rawValue], types: ["user.added"],
                actorIDs: [ada.keyID.rawValue], actorEmails: ["ada@example.com"], resourceIDs: events.map(\.resourceID))
            #expect(try await auditIDs(store, filter) == [events[1].id])
            for limit in [1, 2] { #expect(try await auditIDs(store, AuditFilter(types: ["user.added"]), limit: limit).count == 4) }
        },
        contract("audit events outlive the users, keys and projects they name") { store in
            let owner = user("ada", role: .owner)
            let key = AdminKey(id: .make(.adminKey), name: "k", ownerID: owner.id, redactedValue: "sk-...", createdAt: t0)
            let project = Project(id: .make(.project), name: "Apollo", createdAt: t0)
            let event = auditEvent(
                .projectCreated, by: AuditActor(keyID: key.id, userID: owner.id, email: owner.email),
                in: AuditEvent.ProjectReference(id: project.id, name: project.name), on: project.id.rawValue)
            try await store.withTransaction { tx in
                try await tx.insertUser(owner)
                try await tx.insertKey(key, secretHash: [1, 2, 3])
                try await tx.insertProject(project)
                try await tx.appendAuditEvent(event)
            }
            try await store.withTransaction { try await $0.deleteUser(id: owner.id) }
            let page = try await store.read {
                try await $0.auditEvents(AuditFilter(actorIDs: [owner.id.rawValue]), page: PageRequest(limit: 5))
            }
            #expect(page.items == [event])
        },
    ]
}
