import Foundation
import RosterModel
import RosterSCIM
import Testing

/// Documents shaped as RFC 7643 §8's examples, and helpers to read JSON text and apply PATCH bodies.
enum SCIMFixtures {
    static let enterprise = SCIMSchemas.enterpriseUserURN

    /// Barbara Jensen (RFC 7643 §8.2-ish): a work and a home email, a group, the enterprise extension.
    static func user() throws -> JSON {
        try json(#"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "id": "2819c223-7f76-453a-919d-413861904646",
              "externalId": "701984",
              "userName": "bjensen@example.com",
              "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara"},
              "displayName": "Babs Jensen",
              "active": true,
              "emails": [
                {"value": "bjensen@example.com", "type": "work", "primary": true},
                {"value": "babs@jensen.org", "type": "home"}
              ],
              "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}],
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "701984",
                "department": "Tour Operations",
                "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}
              },
              "meta": {
                "resourceType": "User",
                "created": "2010-01-23T04:56:22Z",
                "lastModified": "2011-05-13T04:42:34Z",
                "version": "W/\"3694e05e9dff591\""
              }
            }
            """#)
    }

    /// A user with only the core schema and nothing optional.
    static func plainUser() throws -> JSON {
        try json(#"""
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-plain", "userName": "plain@example.com", "active": true}
            """#)
    }

    /// "Tour Guides" with two members.
    static func group() throws -> JSON {
        try json(#"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "displayName": "Tour Guides",
              "members": [
                {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen"},
                {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge"}
              ],
              "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"}
            }
            """#)
    }

    static func json(_ text: String) throws -> JSON {
        try JSON.parse(Data(text.utf8))
    }

    /// `resource` after the PatchOp request `body`, read as a server reads it.
    static func patch(_ resource: JSON, _ type: SCIMResourceType, _ body: String) throws -> JSON {
        try SCIMPatch.apply(SCIMPatch.operations(in: json(body)), to: resource, type: type)
    }

    /// The SCIM error type `body` throws, or nil when it throws none.
    static func scimType(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as SCIMError {
            return error.scimType
        } catch {
            return "not a SCIMError: \(error)"
        }
    }

    /// The URNs in a document's `schemas`.
    static func schemas(_ resource: JSON) -> [String] {
        resource[member: "schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The `value`s of a multi-valued attribute, in order.
    static func values(_ resource: JSON?, _ attribute: String) -> [String] {
        resource?[member: attribute]?.arrayValue?.compactMap { $0[member: "value"]?.stringValue } ?? []
    }

    /// `value` with object members sorted by name at every level, so documents compare regardless of member order.
    static func sorted(_ value: JSON) -> JSON {
        switch value {
        case .object(let members): .object(members.map { ($0.0, sorted($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let elements): .array(elements.map(sorted))
        default: value
        }
    }
}
