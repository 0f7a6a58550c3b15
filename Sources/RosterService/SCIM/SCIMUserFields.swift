import Foundation
import RosterModel
import RosterSCIM

/// How a SCIM User maps onto an organization user: what Roster reads out of a SCIM document, and how it writes
/// the user back as one.
struct SCIMUserFields {
    var userName: String
    /// The organization email: the primary email, else the work email, else the first, else `userName` when it
    /// is an address; nil when none is.
    var email: String?
    /// The organization name: `displayName`, else `name.formatted`, else given and family names, else `userName`.
    var name: String
    /// Nil when the document leaves `active` out: a new user is active, an existing one stays as it is.
    var active: Bool?
    var externalID: String?
    /// Every other attribute the document carries (name, emails, phone numbers, the enterprise extension…),
    /// kept as sent so the identity provider reads back what it wrote. Never the password.
    var attributes: JSON

    /// The attributes Roster keeps in columns or derives, and so does not store among `attributes`. (`active` is
    /// kept in both: its column decides, and the stored copy remembers whether the identity provider sent it.)
    static let managed: Set<String> = ["id", "externalid", "username", "meta", "groups", "schemas", "password"]

    init(_ document: JSON) throws {
        guard let members = document.objectValue else { throw SCIMError.invalidSyntax("A User must be a JSON object.") }
        guard let userName = document[member: "userName"]?.stringValue.flatMap(Validation.name) else {
            throw SCIMError.invalidValue(
                "A User needs a 'userName' of 1 to \(Validation.maximumNameLength) characters with no control characters.")
        }
        self.userName = userName
        let emails = document[member: "emails"]?.arrayValue ?? []
        let primary = emails.first { Self.bool($0[member: "primary"]) == true }
        let work = emails.first { $0[member: "type"]?.stringValue?.lowercased() == "work" }
        let email = (primary ?? work ?? emails.first)?[member: "value"]?.stringValue ?? userName
        self.email = Validation.isEmail(email) ? email : nil
        let givenAndFamily = [document[member: "name"]?[member: "givenName"], document[member: "name"]?[member: "familyName"]]
            .compactMap { $0?.stringValue }.filter { !$0.isEmpty }.joined(separator: " ")
        let candidates = [
            document[member: "displayName"]?.stringValue, document[member: "name"]?[member: "formatted"]?.stringValue,
            givenAndFamily, userName,
        ]
        let name = candidates.compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty } ?? userName
        guard let validName = Validation.name(name) else {
            throw SCIMError.invalidValue(
                "A User's name ('displayName', 'name.formatted' or given and family names) must be at most "
                    + "\(Validation.maximumNameLength) characters with no control characters.")
        }
        self.name = validName
        if let sent = document[member: "active"], sent != .null {
            guard let active = Self.bool(sent) else { throw SCIMError.invalidValue("'active' must be a boolean.") }
            self.active = active
        } else {
            self.active = nil
        }
        self.externalID = try SCIMUserFields.externalID(document)
        self.attributes = .object(members.filter { !Self.managed.contains($0.0.lowercased()) && $0.1 != .null })
    }

    /// The document's `externalId`: at most `Validation.maximumNameLength` characters with no control characters.
    static func externalID(_ document: JSON) throws -> String? {
        guard let raw = document[member: "externalId"]?.stringValue else { return nil }
        guard raw.unicodeScalars.count <= Validation.maximumNameLength, !Validation.hasControlCharacter(raw) else {
            throw SCIMError.invalidValue("'externalId' must be at most \(Validation.maximumNameLength) characters with no control characters.")
        }
        return raw
    }

    /// A boolean, accepting the strings `"True"`/`"False"` some identity providers send; nil for anything else.
    static func bool(_ value: JSON?) -> Bool? {
        switch value {
        case .bool(let flag)?: flag
        case .string(let text)? where text.lowercased() == "true": true
        case .string(let text)? where text.lowercased() == "false": false
        default: nil
        }
    }

    /// The user as a SCIM resource. Users Roster did not receive over SCIM get `displayName` and a primary
    /// work email from the organization.
    static func render(_ user: User, attributes: JSON?, groups: [Group], baseURL: String) -> JSON {
        var stored = attributes?.objectValue ?? [("displayName", .string(user.name))]
        if attributes == nil, let email = user.email {
            stored.append(("emails", .array([.object([("value", .string(email)), ("type", "work"), ("primary", true)])])))
        }
        stored.removeAll { managed.contains($0.0.lowercased()) }
        var schemas: [JSON] = [.string(SCIMSchemas.userURN)]
        if stored.contains(where: { $0.0.equalsIgnoringCase(SCIMSchemas.enterpriseUserURN) }) {
            schemas.append(.string(SCIMSchemas.enterpriseUserURN))
        }
        var members: [(String, JSON)] = [("schemas", .array(schemas)), ("id", .string(user.id.rawValue))]
        if let externalID = user.externalID { members.append(("externalId", .string(externalID))) }
        members.append(("userName", .string(user.userName)))
        stored.removeAll { $0.0.equalsIgnoringCase("active") }
        members += stored
        members.append(("active", .bool(user.isActive)))
        if !groups.isEmpty {
            members.append((
                "groups",
                .array(
                    groups.map {
                        .object([
                            ("value", .string($0.id.rawValue)), ("$ref", .string("\(baseURL)/Groups/\($0.id)")),
                            ("display", .string($0.name)), ("type", "direct"),
                        ])
                    })
            ))
        }
        members.append(("meta", meta("User", id: user.id, created: user.addedAt, modified: user.updatedAt, version: user.version, baseURL: baseURL)))
        return .object(members)
    }

    /// The user as the identity provider reads it back: `active` only when it sent it (and kept it: a `PUT` without
    /// it, or a `PATCH` removing it, leaves the user as active or deactivated as it was but unsent), or for users
    /// Roster did not receive over SCIM. (Filters see `active` always: `render`.)
    static func response(_ rendered: JSON, attributes: JSON?) -> JSON {
        let sentActive = attributes?[member: "active"] != nil
        guard !(sentActive || attributes == nil), let members = rendered.objectValue else { return rendered }
        return .object(members.filter { $0.0 != "active" })
    }

    static func meta(_ resourceType: String, id: Identifier, created: Int, modified: Int, version: Int, baseURL: String) -> JSON {
        .object([
            ("resourceType", .string(resourceType)), ("created", .string(timestamp(created))),
            ("lastModified", .string(timestamp(modified))), ("location", .string("\(baseURL)/\(resourceType)s/\(id)")),
            ("version", .string(SCIMRequest.etag(version))),
        ])
    }

    static func timestamp(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }
}
