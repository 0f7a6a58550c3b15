import RosterModel

/// The direction a list is sorted in, by identifier (that is, by creation time).
public enum ListOrder: String, Sendable {
    case ascending = "asc"
    case descending = "desc"
}

/// Which slice of a list to read: at most `limit` items strictly after the `after` identifier, in `order`.
///
/// Pages are keyset pages: the store seeks to `after` through an index, so page 1,000 costs what page 1 costs.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var after: Identifier?
    public var order: ListOrder

    public init(limit: Int, after: Identifier? = nil, order: ListOrder = .ascending) {
        self.limit = limit
        self.after = after
        self.order = order
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// True when more items follow the last one of this page (for a `limit` of 0: when the list is not empty).
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }

    /// Builds a page from up to `limit + 1` rows, the extra row only telling that more follow.
    public init(rows: [Item], limit: Int) {
        self.items = Array(rows.prefix(limit))
        self.hasMore = rows.count > limit
    }
}
