import Foundation
import RosterModel

/// The declarative organization file read by `roster import` and `roster serve --seed`, and written by `roster export`.
///
/// Users are named by user name (which is their email unless SCIM gave them another), roles and groups by
/// name, all case-insensitively. Importing creates what is missing and
/// makes what is listed match the file; it deletes nothing that the file does not mention.
public struct OrganizationFile: Codable, Equatable, Sendable {
    /// A custom organization role.
    public struct RoleEntry: Codable, Equatable, Sendable {
        public var name: String
        public var description: String?
        public var permissions: [String]

        public init(name: String, description: String? = nil, permissions: [String]) {
            self.name = name
            self.description = description
            self.permissions = permissions
        }
    }

    /// A user, its predefined organization role and the other roles assigned to it directly.
    public struct UserEntry: Codable, Equatable, Sendable {
        public var email: String?
        /// The user's unique name; absent means the email.
        public var userName: String?
        public var name: String?
        /// `owner` or `reader` (the default).
        public var role: String?
        /// Names of the other organization roles the user holds directly; the file's list replaces the user's.
        public var roles: [String]?
        /// False for a user the identity provider deactivated; absent means active.
        public var active: Bool?

        public init(
            email: String?, userName: String? = nil, name: String? = nil, role: String? = nil, roles: [String]? = nil,
            active: Bool? = nil
        ) {
            self.email = email
            self.userName = userName
            self.name = name
            self.role = role
            self.roles = roles
            self.active = active
        }

        /// The name the entry is matched by: its user name, else its email.
        public var key: String { userName ?? email ?? "" }

        enum CodingKeys: String, CodingKey {
            case email
            case userName = "user_name"
            case name
            case role
            case roles
            case active
        }
    }

    /// A group with its members (by user name, that is by email for most) and its roles (by name); both lists
    /// replace the group's.
    public struct GroupEntry: Codable, Equatable, Sendable {
        public var name: String
        /// Marks the group as owned by the identity provider; set only when the group is created.
        public var scimManaged: Bool?
        public var members: [String]?
        public var roles: [String]?

        public init(name: String, scimManaged: Bool? = nil, members: [String]? = nil, roles: [String]? = nil) {
            self.name = name
            self.scimManaged = scimManaged
            self.members = members
            self.roles = roles
        }

        enum CodingKeys: String, CodingKey {
            case name
            case scimManaged = "scim_managed"
            case members
            case roles
        }
    }

    /// A model the organization knows and the limits a project has for it until the project changes them. Limits are
    /// named as the rate limit API names them; requests and tokens per minute are required, the others optional.
    public struct ModelEntry: Codable, Equatable, Sendable {
        public var id: String
        public var limits: [String: Int]

        public init(id: String, limits: [String: Int]) {
            self.id = id
            self.limits = limits
        }

        public init(_ model: Model) {
            id = model.id
            limits = Dictionary(uniqueKeysWithValues: model.defaultLimits.values.map { ($0.key.rawValue, $0.value) })
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            id = try container.decode(String.self, forKey: Key("id"))
            limits = [:]
            for field in RateLimits.Field.allCases {
                if let value = try container.decodeIfPresent(Int.self, forKey: Key(field.rawValue)) { limits[field.rawValue] = value }
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(id, forKey: Key("id"))
            for field in RateLimits.Field.allCases {
                if let value = limits[field.rawValue] { try container.encode(value, forKey: Key(field.rawValue)) }
            }
        }

        struct Key: CodingKey {
            let stringValue: String
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }

    public var roles: [RoleEntry]?
    public var users: [UserEntry]?
    public var groups: [GroupEntry]?
    /// Models to add, or whose default limits to change; models the file leaves out stay as they are.
    public var models: [ModelEntry]?

    public init(roles: [RoleEntry]? = nil, users: [UserEntry]? = nil, groups: [GroupEntry]? = nil, models: [ModelEntry]? = nil) {
        self.roles = roles
        self.users = users
        self.groups = groups
        self.models = models
    }
}

extension OrganizationFile {
    /// Why text could not be read as an organization file, in words that name the place: the line and column of a
    /// JSON mistake, or the entry (`users[1].roles[0]`) of anything else.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The members each kind of entry may have; anything else in a file is a mistake, not something to skip.
    static let members: [String: Set<String>] = [
        "": ["roles", "users", "groups", "models"],
        "models": Set(["id"] + RateLimits.Field.allCases.map(\.rawValue)),
        "roles": ["name", "description", "permissions"],
        "users": ["email", "user_name", "name", "role", "roles", "active"],
        "groups": ["name", "scim_managed", "members", "roles"],
    ]

    /// Reads an organization file strictly: JSON as RFC 8259 has it (no trailing commas, no comments), with only the
    /// members an organization file has, each of its type. Throws `ReadError` naming the line and column, or the entry.
    public static func parse(_ data: Data) throws -> OrganizationFile {
        let document: JSON
        do {
            document = try JSON.parse(data)
        } catch let error as JSON.SyntaxError {
            let (line, column) = position(of: error.offset, in: data)
            throw ReadError(
                description: "line \(line), column \(column): this is not valid JSON (look for a missing comma or quote, "
                    + "or a comma before a closing bracket)")
        }
        guard let top = document.objectValue else { throw ReadError(description: "the file must be a JSON object") }
        try checkMembers(top, of: "", at: "")
        func entries(_ name: String) throws -> [(String, [(String, JSON)])]? {
            guard let listed = value(top, name) else { return nil }
            guard let array = listed.arrayValue else { throw ReadError(description: "'\(name)' must be an array") }
            return try array.enumerated().map { index, element in
                let path = "\(name)[\(index)]"
                guard let members = element.objectValue else { throw ReadError(description: "'\(path)' must be an object") }
                try checkMembers(members, of: name, at: path)
                return (path, members)
            }
        }
        let roles = try entries("roles")?.map { path, entry in
            RoleEntry(
                name: try field(entry, "name", at: path, required: true) ?? "", description: try field(entry, "description", at: path),
                permissions: try list(entry, "permissions", at: path, required: true) ?? [])
        }
        let users = try entries("users")?.map { path, entry in
            UserEntry(
                email: try field(entry, "email", at: path), userName: try field(entry, "user_name", at: path),
                name: try field(entry, "name", at: path), role: try field(entry, "role", at: path),
                roles: try list(entry, "roles", at: path), active: try flag(entry, "active", at: path))
        }
        let groups = try entries("groups")?.map { path, entry in
            GroupEntry(
                name: try field(entry, "name", at: path, required: true) ?? "", scimManaged: try flag(entry, "scim_managed", at: path),
                members: try list(entry, "members", at: path), roles: try list(entry, "roles", at: path))
        }
        let models = try entries("models")?.map { path, entry in
            var limits: [String: Int] = [:]
            for field in RateLimits.Field.allCases {
                guard let value = value(entry, field.rawValue) else { continue }
                guard case .int(let number) = value else { throw ReadError(description: "'\(path).\(field.rawValue)' must be a whole number") }
                limits[field.rawValue] = number
            }
            return ModelEntry(id: try field(entry, "id", at: path, required: true) ?? "", limits: limits)
        }
        return OrganizationFile(roles: roles, users: users, groups: groups, models: models)
    }

    private static func checkMembers(_ members: [(String, JSON)], of kind: String, at path: String) throws {
        let allowed = Self.members[kind] ?? []
        for (name, _) in members where !allowed.contains(name) {
            let place = path.isEmpty ? name : "\(path).\(name)"
            throw ReadError(
                description: "'\(place)' is not part of an organization file; \(path.isEmpty ? "the file" : "an entry of '\(kind)'") "
                    + "may have \(allowed.sorted().map { "'\($0)'" }.joined(separator: ", "))")
        }
    }

    private static func value(_ entry: [(String, JSON)], _ name: String) -> JSON? {
        guard let value = entry.first(where: { $0.0 == name })?.1, value != .null else { return nil }
        return value
    }

    private static func field(_ entry: [(String, JSON)], _ name: String, at path: String, required: Bool = false) throws -> String? {
        guard let value = value(entry, name) else {
            if required { throw ReadError(description: "'\(path)' needs a '\(name)'") }
            return nil
        }
        guard let text = value.stringValue else { throw ReadError(description: "'\(path).\(name)' must be a string") }
        return text
    }

    private static func list(_ entry: [(String, JSON)], _ name: String, at path: String, required: Bool = false) throws -> [String]? {
        guard let value = value(entry, name) else {
            if required { throw ReadError(description: "'\(path)' needs a '\(name)' list") }
            return nil
        }
        guard let elements = value.arrayValue else { throw ReadError(description: "'\(path).\(name)' must be an array of strings") }
        return try elements.enumerated().map { index, element in
            guard let text = element.stringValue else { throw ReadError(description: "'\(path).\(name)[\(index)]' must be a string") }
            return text
        }
    }

    private static func flag(_ entry: [(String, JSON)], _ name: String, at path: String) throws -> Bool? {
        guard let value = value(entry, name) else { return nil }
        guard case .bool(let flag) = value else { throw ReadError(description: "'\(path).\(name)' must be true or false") }
        return flag
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    static func position(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let bytes = Array(data.prefix(offset))
        let line = bytes.filter { $0 == 0x0A }.count + 1
        let lineStart = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let column = String(decoding: bytes[lineStart...], as: UTF8.self).count + 1
        return (line, column)
    }
}
