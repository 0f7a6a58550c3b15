import RosterModel

/// The documents a SCIM client reads to learn what Roster supports (RFC 7644 §4): `/ServiceProviderConfig`,
/// `/ResourceTypes` and `/Schemas`, plus the ListResponse envelope (RFC 7644 §3.4.2) that wraps any list.
///
/// Every `baseURL` is the SCIM root the client uses, such as `http://127.0.0.1:8080/scim/v2`. A trailing slash is
/// ignored. `meta.location` values are built from it.
public enum SCIMDiscovery {
    /// The most resources one list response returns. `serviceProviderConfig` announces it as `filter.maxResults`.
    public static let maxResults = 1000

    /// The `/ServiceProviderConfig` document (RFC 7643 §5). It claims only what Roster does: PATCH, filtering (up
    /// to `maxResults` resources a response) and ETags are supported. Bulk, sorting and password changes are not.
    /// Its `documentationUri` is Roster's OpenAPI document, which states the limits on requests (`SCIMFilter`'s and
    /// `SCIMPatch`'s caps).
    /// Authentication is a Roster admin API key sent as an OAuth bearer token.
    public static func serviceProviderConfig(baseURL: String) -> JSON {
        .object([
            ("schemas", .array([.string(SCIMSchemas.serviceProviderConfigURN)])),
            ("documentationUri", .string(documentationURI(baseURL))),
            ("patch", .object([("supported", true)])),
            ("bulk", .object([("supported", false), ("maxOperations", 0), ("maxPayloadSize", 0)])),
            ("filter", .object([("supported", true), ("maxResults", .int(maxResults))])),
            ("changePassword", .object([("supported", false)])),
            ("sort", .object([("supported", false)])),
            ("etag", .object([("supported", true)])),
            (
                "authenticationSchemes",
                .array([
                    .object([
                        ("type", "oauthbearertoken"),
                        ("name", "OAuth Bearer Token"),
                        ("description", "Authentication with a Roster admin API key sent as a bearer token"),
                        ("specUri", "https://www.rfc-editor.org/info/rfc6750"),
                        ("primary", true),
                    ])
                ])
            ),
            ("meta", meta(resourceType: "ServiceProviderConfig", location: root(baseURL) + "/ServiceProviderConfig")),
        ])
    }

    /// Where `ServiceProviderConfig`'s `documentationUri` points: Roster's OpenAPI document, served at the root, which
    /// lists the limits on SCIM requests. (RFC 7643 gives `ServiceProviderConfig` no place for them, and clients
    /// validating it strictly refuse extension attributes.)
    static func documentationURI(_ baseURL: String) -> String {
        var root = Substring(self.root(baseURL))
        if root.hasSuffix("/scim/v2") { root = root.dropLast("/scim/v2".count) }
        return root + "/openapi.yaml"
    }

    /// Every resource type's document (RFC 7643 §6), in `SCIMResourceTypes.all` order. The array is bare; the
    /// caller wraps it in `listResponse` when answering `GET /ResourceTypes`.
    public static func resourceTypes(baseURL: String) -> [JSON] {
        SCIMResourceTypes.all.map { resourceType($0, baseURL: baseURL) }
    }

    /// The document of the resource type with this id (`User` or `Group`, case-insensitive), for
    /// `GET /ResourceTypes/{id}`. Nil when Roster has no such resource type.
    public static func resourceType(id: String, baseURL: String) -> JSON? {
        SCIMResourceTypes.resourceType(id: id).map { resourceType($0, baseURL: baseURL) }
    }

    /// One resource type's document. `schemaExtensions` is written only when the type has extensions, as in
    /// RFC 7643 §8.6.
    public static func resourceType(_ type: SCIMResourceType, baseURL: String) -> JSON {
        var members: [(String, JSON)] = [
            ("schemas", .array([.string(SCIMSchemas.resourceTypeURN)])),
            ("id", .string(type.id)),
            ("name", .string(type.name)),
            ("endpoint", .string(type.endpoint)),
            ("description", .string(type.description)),
            ("schema", .string(type.schema.id)),
        ]
        if !type.extensions.isEmpty {
            members.append((
                "schemaExtensions",
                .array(type.extensions.map { .object([("schema", .string($0.schema.id)), ("required", .bool($0.required))]) })
            ))
        }
        members.append(("meta", meta(resourceType: "ResourceType", location: root(baseURL) + "/ResourceTypes/" + type.id)))
        return .object(members)
    }

    /// Every schema's document (RFC 7643 §7), in `SCIMSchemas.all` order. The array is bare; the caller wraps it
    /// in `listResponse` when answering `GET /Schemas`.
    public static func schemas(baseURL: String) -> [JSON] {
        SCIMSchemas.all.map { schema($0, baseURL: baseURL) }
    }

    /// The document of the schema with this URN (case-insensitive), for `GET /Schemas/{urn}`. Nil when Roster
    /// has no such schema.
    public static func schema(id: String, baseURL: String) -> JSON? {
        SCIMSchemas.schema(id: id).map { schema($0, baseURL: baseURL) }
    }

    /// One schema's document: its id, name, description and attribute definitions, and a `meta` whose location
    /// is `baseURL/Schemas/<urn>`.
    public static func schema(_ schema: SCIMSchema, baseURL: String) -> JSON {
        .object([
            ("schemas", .array([.string(SCIMSchemas.schemaURN)])),
            ("id", .string(schema.id)),
            ("name", .string(schema.name)),
            ("description", .string(schema.description)),
            ("attributes", .array(schema.attributes.map(attribute))),
            ("meta", meta(resourceType: "Schema", location: root(baseURL) + "/Schemas/" + schema.id)),
        ])
    }

    /// One attribute definition (RFC 7643 §7). It always has every characteristic. `canonicalValues` appears when
    /// there are any, `referenceTypes` on reference attributes, and `subAttributes` on complex ones.
    public static func attribute(_ attribute: SCIMAttribute) -> JSON {
        var members: [(String, JSON)] = [
            ("name", .string(attribute.name)),
            ("type", .string(attribute.type.rawValue)),
            ("multiValued", .bool(attribute.multiValued)),
            ("description", .string(attribute.description)),
            ("required", .bool(attribute.required)),
            ("caseExact", .bool(attribute.caseExact)),
            ("mutability", .string(attribute.mutability.rawValue)),
            ("returned", .string(attribute.returned.rawValue)),
            ("uniqueness", .string(attribute.uniqueness.rawValue)),
        ]
        if !attribute.canonicalValues.isEmpty {
            members.append(("canonicalValues", .array(attribute.canonicalValues.map(JSON.string))))
        }
        if attribute.type == .reference {
            members.append(("referenceTypes", .array(attribute.referenceTypes.map(JSON.string))))
        }
        if attribute.type == .complex {
            members.append(("subAttributes", .array(attribute.subAttributes.map(Self.attribute))))
        }
        return .object(members)
    }

    /// A ListResponse (RFC 7644 §3.4.2) carrying `resources` as `Resources`. `Resources` is always written, and is
    /// empty when there are no results. `startIndex` is 1-based; `itemsPerPage` is the number returned in this page.
    public static func listResponse(_ resources: [JSON], totalResults: Int, startIndex: Int, itemsPerPage: Int) -> JSON {
        .object([
            ("schemas", .array([.string(SCIMSchemas.listResponseURN)])),
            ("totalResults", .int(totalResults)),
            ("itemsPerPage", .int(itemsPerPage)),
            ("startIndex", .int(startIndex)),
            ("Resources", .array(resources)),
        ])
    }

    private static func meta(resourceType: String, location: String) -> JSON {
        .object([("resourceType", .string(resourceType)), ("location", .string(location))])
    }

    private static func root(_ baseURL: String) -> String {
        var root = Substring(baseURL)
        while root.hasSuffix("/") { root = root.dropLast() }
        return String(root)
    }
}
