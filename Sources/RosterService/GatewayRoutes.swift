import RosterModel

/// Which project permission a model call needs, by the path of the OpenAI API it calls: the table the forward-auth
/// endpoint decides by. A path matches an entry when it is the entry's path or lies under it (`/v1/responses/abc`
/// under `/v1/responses`); the longest match wins. A path no entry matches is refused.
public struct GatewayRoutes: Sendable {
    /// Path prefixes and the permission each needs, longest first.
    public let entries: [(path: String, permission: String)]
    /// `entries` by path, for the common call of a path exactly as listed.
    private let exact: [String: String]

    /// OpenAI's model endpoints, each needing `api.model.request`.
    public static let modelPaths = [
        "/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings", "/v1/moderations",
        "/v1/images/generations", "/v1/images/edits", "/v1/images/variations",
        "/v1/audio/speech", "/v1/audio/transcriptions", "/v1/audio/translations",
        "/v1/realtime", "/v1/batches", "/v1/models",
    ]

    /// The default table: `modelPaths`, each needing `api.model.request`.
    public static let standard = GatewayRoutes(table: Dictionary(uniqueKeysWithValues: modelPaths.map { ($0, "api.model.request") }))

    private init(table: [String: String]) {
        entries = table.map { ($0.key, $0.value) }.sorted { ($0.path.count, $0.path) > ($1.path.count, $1.path) }
        exact = table
    }

    /// The default table, with `extra` (path prefix, project permission) added or replacing an entry of the same path.
    /// Throws `ServiceError.invalid` for a path that does not start with `/` or a permission that is not a project
    /// permission of the catalogue.
    public init(extra: [(path: String, permission: String)] = []) throws {
        var table = Dictionary(uniqueKeysWithValues: Self.modelPaths.map { ($0, "api.model.request") })
        for (path, permission) in extra {
            guard path.hasPrefix("/"), !path.contains("?") else {
                throw ServiceError.invalid("gateway route '\(path)' must be a path starting with '/', without a query", param: nil)
            }
            guard Permission.projectNames.contains(permission) else {
                throw ServiceError.invalid(
                    "gateway route '\(path)' needs '\(permission)', which is not a project permission of the catalogue", param: nil)
            }
            table[path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path] = permission
        }
        self.init(table: table)
    }

    /// The permission a call of `path` (without its query) needs, or nil when the table has no entry for it.
    public func permission(for path: String) -> String? {
        if let permission = exact[path] { return permission }
        for entry in entries where path == entry.path || (path.hasPrefix(entry.path) && path.dropFirst(entry.path.count).first == "/") {
            return entry.permission
        }
        return nil
    }
}
