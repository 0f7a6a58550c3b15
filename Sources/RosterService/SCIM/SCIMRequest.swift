import RosterModel
import RosterSCIM

/// What every SCIM use case needs besides its own input: where the service provider lives (for `meta.location`
/// and `$ref`) and the client's `If-Match` precondition.
public struct SCIMRequest: Sendable {
    /// The base URL of the SCIM endpoints, such as `https://roster.example.com/scim/v2`.
    public var baseURL: String
    /// The `If-Match` header: a version ETag (`W/"3"`), `*`, or nil for none.
    public var ifMatch: String?

    public init(baseURL: String, ifMatch: String? = nil) {
        self.baseURL = baseURL
        self.ifMatch = ifMatch
    }

    /// Refuses the write with 412 unless `If-Match` is absent, `*`, or names `version`.
    func checkPrecondition(version: Int) throws {
        guard let ifMatch else { return }
        let tags = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard tags.contains("*") || tags.contains(SCIMRequest.etag(version)) || tags.contains("\"\(version)\"") else {
            throw SCIMError.preconditionFailed(
                "The resource changed since you read it: its version is \(SCIMRequest.etag(version)), not \(ifMatch).")
        }
    }

    /// The weak ETag of a resource version.
    public static func etag(_ version: Int) -> String { "W/\"\(version)\"" }
}

/// One page of a SCIM list (RFC 7644 §3.4.2).
public struct SCIMListQuery: Sendable {
    public var filter: String?
    /// 1-based; values below 1 count as 1.
    public var startIndex: Int
    /// How many resources to return at most (0 returns only `totalResults`).
    public var count: Int
    /// Whether the caller wants group members (false for `excludedAttributes=members`, which saves reading them).
    public var includeMembers: Bool

    public init(filter: String? = nil, startIndex: Int = 1, count: Int = SCIMListQuery.defaultCount, includeMembers: Bool = true) {
        self.filter = filter
        self.startIndex = max(1, startIndex)
        self.count = min(max(0, count), SCIMListQuery.maximumCount)
        self.includeMembers = includeMembers
    }

    public static let defaultCount = 100
    /// The most resources one page returns (announced as `filter.maxResults`).
    public static let maximumCount = 1000
}

/// A page of SCIM resources with the total that matched.
public struct SCIMList: Sendable {
    public var resources: [JSON]
    public var totalResults: Int
    public var startIndex: Int
}

/// A SCIM resource as stored: its JSON representation and its version, for the `ETag` header.
public struct SCIMResource: Sendable {
    public var json: JSON
    public var version: Int
}
