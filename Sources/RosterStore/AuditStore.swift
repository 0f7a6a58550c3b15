import RosterModel

/// The audit log: events are appended in the transaction of the change they record and never changed or removed.
public protocol AuditStore: Sendable {
    /// Appends the event. Throws `conflict` when an event with its id exists.
    func appendAuditEvent(_ event: AuditEvent) async throws
    /// The events matching every condition of `filter`, ordered by `effectiveAt` and then id (newest first for
    /// `.descending`), a keyset page of `page.limit` strictly past the event `page.after` in that order.
    /// Throws `notFound(.auditLog, id)` when `page.after` names no event.
    func auditEvents(_ filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent>
}

/// Which audit events a list returns: those meeting every condition given. A nil condition lets every event through;
/// an empty list lets none through.
public struct AuditFilter: Sendable, Equatable {
    /// Bounds on `effectiveAt`, each optional.
    public var effectiveAt = TimeBounds()
    /// Events in one of these projects.
    public var projectIDs: [String]?
    /// Events of one of these types (given as the type's name, so that names Roster never records match nothing).
    public var types: [String]?
    /// Events made by one of these actors: a user id matches the user's events, a key id those made with that key.
    public var actorIDs: [String]?
    /// Events made by users with one of these emails (compared case-insensitively), as the email was at the time.
    public var actorEmails: [String]?
    /// Events made to one of these objects (`AuditEvent.resourceID`).
    public var resourceIDs: [String]?

    public init(
        effectiveAt: TimeBounds = TimeBounds(), projectIDs: [String]? = nil, types: [String]? = nil, actorIDs: [String]? = nil,
        actorEmails: [String]? = nil, resourceIDs: [String]? = nil
    ) {
        self.effectiveAt = effectiveAt
        self.projectIDs = projectIDs
        self.types = types
        self.actorIDs = actorIDs
        self.actorEmails = actorEmails
        self.resourceIDs = resourceIDs
    }

    /// Bounds on a time in Unix seconds: greater than, at least, less than, at most.
    public struct TimeBounds: Sendable, Equatable {
        public var greaterThan: Int?
        public var atLeast: Int?
        public var lessThan: Int?
        public var atMost: Int?

        public init(greaterThan: Int? = nil, atLeast: Int? = nil, lessThan: Int? = nil, atMost: Int? = nil) {
            self.greaterThan = greaterThan
            self.atLeast = atLeast
            self.lessThan = lessThan
            self.atMost = atMost
        }
    }
}
