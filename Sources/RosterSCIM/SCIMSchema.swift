import Foundation

/// A SCIM schema (RFC 7643 §7): the attributes a resource may carry and how each behaves.
public struct SCIMSchema: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let attributes: [SCIMAttribute]

    public init(id: String, name: String, description: String, attributes: [SCIMAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute named `name`, compared case-insensitively.
    public func attribute(_ name: String) -> SCIMAttribute? {
        attributes.named(name)
    }
}

/// One attribute of a schema (RFC 7643 §2 and §7). Immutable; a class because schemas hand attributes out on every
/// lookup, and a reference is cheaper to pass around than its dozen fields.
public final class SCIMAttribute: Sendable {
    public enum DataType: String, Sendable {
        case string, boolean, decimal, integer, dateTime, reference, binary, complex
    }

    public enum Mutability: String, Sendable {
        case readOnly, readWrite, immutable, writeOnly
    }

    public enum Returned: String, Sendable {
        case always, never, `default`, request
    }

    public enum Uniqueness: String, Sendable {
        case none, server, global
    }

    public let name: String
    public let type: DataType
    public let multiValued: Bool
    public let description: String
    public let required: Bool
    public let caseExact: Bool
    public let mutability: Mutability
    public let returned: Returned
    public let uniqueness: Uniqueness
    public let canonicalValues: [String]
    /// For `reference` attributes: what they may refer to (`User`, `Group`, `external`, `uri`).
    public let referenceTypes: [String]
    /// For `complex` attributes.
    public let subAttributes: [SCIMAttribute]

    public init(
        _ name: String, _ type: DataType, multiValued: Bool = false, description: String = "", required: Bool = false,
        caseExact: Bool = false, mutability: Mutability = .readWrite, returned: Returned = .default,
        uniqueness: Uniqueness = .none, canonicalValues: [String] = [], referenceTypes: [String] = [],
        subAttributes: [SCIMAttribute] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
    }

    /// The sub-attribute named `name`, compared case-insensitively.
    public func subAttribute(_ name: String) -> SCIMAttribute? {
        subAttributes.named(name)
    }
}

/// A resource type (RFC 7643 §6): its endpoint, core schema and extensions.
public struct SCIMResourceType: Sendable {
    public let id: String
    public let name: String
    public let endpoint: String
    public let description: String
    public let schema: SCIMSchema
    /// Extension schemas, each with whether a resource must carry it.
    public let extensions: [(schema: SCIMSchema, required: Bool)]

    public init(id: String, name: String, endpoint: String, description: String, schema: SCIMSchema, extensions: [(schema: SCIMSchema, required: Bool)]) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
    }

    /// The attribute that a path's first part names: a core attribute by name, or an extension attribute by
    /// its schema URN (`urn:…:enterprise:2.0:User:department`), case-insensitively. The returned schema id is
    /// the URN the attribute lives under (nil for core attributes, which sit at the top of the resource).
    public func attribute(urn: String?, name: String) -> (attribute: SCIMAttribute, extensionURN: String?)? {
        if let urn {
            if urn.equalsIgnoringCase(schema.id) { return schema.attribute(name).map { ($0, nil) } }
            for (extensionSchema, _) in extensions where urn.equalsIgnoringCase(extensionSchema.id) {
                return extensionSchema.attribute(name).map { ($0, extensionSchema.id) }
            }
            return nil
        }
        return (schema.attribute(name) ?? SCIMResourceType.common.named(name)).map { ($0, nil) }
    }

    /// The extension schema with this URN, if the resource type has it.
    public func extensionSchema(_ urn: String) -> SCIMSchema? {
        extensions.first { $0.schema.id.equalsIgnoringCase(urn) }?.schema
    }

    /// The attributes every resource has (RFC 7643 §3.1): `id`, `externalId`, `meta`.
    public static let common: [SCIMAttribute] = [
        SCIMAttribute("id", .string, caseExact: true, mutability: .readOnly, returned: .always, uniqueness: .server),
        SCIMAttribute("externalId", .string, caseExact: true),
        SCIMAttribute(
            "meta", .complex, mutability: .readOnly,
            subAttributes: [
                SCIMAttribute("resourceType", .string, caseExact: true, mutability: .readOnly),
                SCIMAttribute("created", .dateTime, mutability: .readOnly),
                SCIMAttribute("lastModified", .dateTime, mutability: .readOnly),
                SCIMAttribute("location", .reference, mutability: .readOnly, referenceTypes: ["uri"]),
                SCIMAttribute("version", .string, caseExact: true, mutability: .readOnly),
            ]),
    ]
}

extension [SCIMAttribute] {
    /// The attribute named `name`, compared case-insensitively. Names mostly come as defined (Roster renders them
    /// so), so an exact match is tried first, being cheaper.
    func named(_ name: String) -> SCIMAttribute? {
        first { $0.name == name } ?? first { $0.name.equalsIgnoringCase(name) }
    }
}
