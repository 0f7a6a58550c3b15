/// The schemas Roster serves: RFC 7643's core User (§4.1), its enterprise extension (§4.3) and core Group (§4.2).
/// Each lists every attribute and sub-attribute the RFC defines. Their characteristics come from §8.7.1, with four
/// changes, each noted where it is made:
/// - `Group.displayName` is required, as §4.2's text says (the §8.7.1 listing says it is not).
/// - `addresses.primary` is present, as §4.1.2 says (the §8.7.1 listing leaves it out).
/// - `User.groups.$ref` refers to `Group` only. Roster's groups hold users, so a user's group is never a user.
/// - `Group.members` holds users only: `$ref` refers to `User` and `type` has the one canonical value `User`. The
///   `display` sub-attribute is left out, as §8.7.1 leaves it out.
///
/// The common attributes `id`, `externalId` and `meta` (§3.1) are not listed here: they are in
/// `SCIMResourceType.common`, and RFC 7643's own schema listings leave them out too.
public enum SCIMSchemas {
    // MARK: Schema URNs

    /// The core User schema, `urn:ietf:params:scim:schemas:core:2.0:User`.
    public static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// The enterprise User extension, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    public static let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The core Group schema, `urn:ietf:params:scim:schemas:core:2.0:Group`.
    public static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
    /// The schema of the `/ServiceProviderConfig` document (RFC 7643 §5).
    public static let serviceProviderConfigURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    /// The schema of each `/ResourceTypes` document (RFC 7643 §6).
    public static let resourceTypeURN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    /// The schema of each `/Schemas` document (RFC 7643 §7).
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:Schema"

    // MARK: Message URNs (RFC 7644 §3.1)

    /// The `schemas` value of a list or query response (RFC 7644 §3.4.2).
    public static let listResponseURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    /// The `schemas` value a PATCH request body must carry (RFC 7644 §3.5.2).
    public static let patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    /// The `schemas` value of an error response (RFC 7644 §3.12).
    public static let errorURN = "urn:ietf:params:scim:api:messages:2.0:Error"
    /// The `schemas` value a `POST …/.search` request body must carry (RFC 7644 §3.4.3).
    public static let searchRequestURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

    // MARK: Schemas

    /// The core User schema (RFC 7643 §4.1). `userName` is required and unique across the server. `password` can be
    /// written but is never returned. `groups` is read-only: a user's groups change through the Group resource.
    public static let user = SCIMSchema(
        id: userURN, name: "User", description: "User Account",
        attributes: [
            SCIMAttribute(
                "userName", .string, description: "The user's unique name, used to identify them to Roster.",
                required: true, uniqueness: .server),
            SCIMAttribute(
                "name", .complex, description: "The parts of the user's real name.",
                subAttributes: [
                    SCIMAttribute("formatted", .string, description: "The whole name, formatted for display."),
                    SCIMAttribute("familyName", .string, description: "The family name, or last name."),
                    SCIMAttribute("givenName", .string, description: "The given name, or first name."),
                    SCIMAttribute("middleName", .string, description: "The middle name or names."),
                    SCIMAttribute("honorificPrefix", .string, description: "A title before the name, such as 'Dr.'."),
                    SCIMAttribute("honorificSuffix", .string, description: "A suffix after the name, such as 'Jr.'."),
                ]),
            SCIMAttribute("displayName", .string, description: "The name to show people for this user."),
            SCIMAttribute("nickName", .string, description: "The casual name the user goes by."),
            SCIMAttribute(
                "profileUrl", .reference, description: "The URL of the user's online profile.",
                referenceTypes: ["external"]),
            SCIMAttribute("title", .string, description: "The user's job title."),
            SCIMAttribute("userType", .string, description: "How the user relates to the organization, such as 'Employee'."),
            SCIMAttribute("preferredLanguage", .string, description: "The language the user prefers, such as 'en-US'."),
            SCIMAttribute("locale", .string, description: "The user's locale for formatting dates, numbers and currency."),
            SCIMAttribute("timezone", .string, description: "The user's time zone, in IANA form such as 'Europe/Paris'."),
            SCIMAttribute("active", .boolean, description: "Whether the user may use the organization."),
            SCIMAttribute(
                "password", .string, description: "The user's password. Accepted on write, never returned.",
                mutability: .writeOnly, returned: .never),
            multiValued(
                "emails", description: "The user's email addresses.",
                valueDescription: "An email address.", typeValues: ["work", "home", "other"]),
            multiValued(
                "phoneNumbers", description: "The user's telephone numbers.",
                valueDescription: "A telephone number, ideally as a 'tel:' URI.",
                typeValues: ["work", "home", "mobile", "fax", "pager", "other"]),
            multiValued(
                "ims", description: "The user's instant messaging addresses.",
                valueDescription: "An instant messaging address.",
                typeValues: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
            multiValued(
                "photos", description: "URLs of pictures of the user.",
                value: SCIMAttribute(
                    "value", .reference, description: "The URL of a picture of the user.", referenceTypes: ["external"]),
                typeValues: ["photo", "thumbnail"]),
            SCIMAttribute(
                "addresses", .complex, multiValued: true, description: "The user's postal addresses.",
                subAttributes: [
                    SCIMAttribute("formatted", .string, description: "The whole address, formatted for a label."),
                    SCIMAttribute("streetAddress", .string, description: "The street, house number and any further lines."),
                    SCIMAttribute("locality", .string, description: "The city or town."),
                    SCIMAttribute("region", .string, description: "The state, province or region."),
                    SCIMAttribute("postalCode", .string, description: "The postal or zip code."),
                    SCIMAttribute("country", .string, description: "The country, as an ISO 3166-1 alpha-2 code."),
                    SCIMAttribute(
                        "type", .string, description: "What the address is for.",
                        canonicalValues: ["work", "home", "other"]),
                    // Not in §8.7.1's listing, but §4.1.2 gives every multi-valued attribute a `primary`.
                    primary,
                ]),
            SCIMAttribute(
                "groups", .complex, multiValued: true,
                description: "The groups the user belongs to. Read-only: membership changes through the group.",
                mutability: .readOnly,
                subAttributes: [
                    SCIMAttribute("value", .string, description: "The id of the group.", mutability: .readOnly),
                    // §8.7.1 also lists `User`; a Roster user's group is always a Group.
                    SCIMAttribute(
                        "$ref", .reference, description: "The URI of the group.", mutability: .readOnly,
                        referenceTypes: ["Group"]),
                    SCIMAttribute("display", .string, description: "The group's name.", mutability: .readOnly),
                    SCIMAttribute(
                        "type", .string, description: "How the user belongs to the group.", mutability: .readOnly,
                        canonicalValues: ["direct", "indirect"]),
                ]),
            multiValued(
                "entitlements", description: "Things the user is entitled to.",
                valueDescription: "An entitlement."),
            multiValued(
                "roles", description: "Roles that together describe who the user is.",
                valueDescription: "A role."),
            multiValued(
                "x509Certificates", description: "Certificates issued to the user.",
                value: SCIMAttribute("value", .binary, description: "A DER-encoded X.509 certificate, in base64.")),
        ])

    /// The enterprise User extension (RFC 7643 §4.3): the user's place in the organization.
    public static let enterpriseUser = SCIMSchema(
        id: enterpriseUserURN, name: "EnterpriseUser", description: "Enterprise User",
        attributes: [
            SCIMAttribute("employeeNumber", .string, description: "The identifier the organization gives the user."),
            SCIMAttribute("costCenter", .string, description: "The user's cost center."),
            SCIMAttribute("organization", .string, description: "The user's organization."),
            SCIMAttribute("division", .string, description: "The user's division."),
            SCIMAttribute("department", .string, description: "The user's department."),
            SCIMAttribute(
                "manager", .complex, description: "The user's manager, another user.",
                subAttributes: [
                    // §4.3's text calls `value` and `$ref` required; §8.7.1 lists them as optional, and clients
                    // commonly send only `value`, so they stay optional here.
                    SCIMAttribute("value", .string, description: "The id of the manager's User resource."),
                    SCIMAttribute(
                        "$ref", .reference, description: "The URI of the manager's User resource.",
                        referenceTypes: ["User"]),
                    SCIMAttribute(
                        "displayName", .string, description: "The manager's display name.", mutability: .readOnly),
                ]),
        ])

    /// The core Group schema (RFC 7643 §4.2). In Roster a group contains users, never groups, and `members`
    /// entries cannot be edited once added; they can only be added or removed.
    public static let group = SCIMSchema(
        id: groupURN, name: "Group", description: "Group",
        attributes: [
            // §4.2 calls displayName required; §8.7.1's listing marks it optional. Roster needs a name.
            SCIMAttribute("displayName", .string, description: "The group's name.", required: true),
            SCIMAttribute(
                "members", .complex, multiValued: true, description: "The users in the group.",
                subAttributes: [
                    SCIMAttribute("value", .string, description: "The id of a member user.", mutability: .immutable),
                    SCIMAttribute(
                        "$ref", .reference, description: "The URI of the member user.", mutability: .immutable,
                        referenceTypes: ["User"]),
                    SCIMAttribute(
                        "type", .string, description: "The member's resource type. Always 'User' in Roster.",
                        mutability: .immutable, canonicalValues: ["User"]),
                ]),
        ])

    /// The three schemas above, in the order `/Schemas` lists them.
    public static let all: [SCIMSchema] = [user, enterpriseUser, group]

    /// The schema whose URN is `id`, compared case-insensitively as RFC 7643 §10.2 requires for URNs, or nil.
    public static func schema(id: String) -> SCIMSchema? {
        all.first { $0.id.equalsIgnoringCase(id) }
    }

    // MARK: Building blocks

    /// The `primary` sub-attribute shared by multi-valued attributes (RFC 7643 §2.4).
    private static let primary = SCIMAttribute(
        "primary", .boolean, description: "Whether this is the preferred value. At most one value may be primary.")

    /// A multi-valued complex attribute with the standard sub-attributes `value`, `display`, `type` and `primary`
    /// (RFC 7643 §2.4).
    private static func multiValued(
        _ name: String, description: String, valueDescription: String, typeValues: [String] = []
    ) -> SCIMAttribute {
        multiValued(
            name, description: description, value: SCIMAttribute("value", .string, description: valueDescription),
            typeValues: typeValues)
    }

    private static func multiValued(
        _ name: String, description: String, value: SCIMAttribute, typeValues: [String] = []
    ) -> SCIMAttribute {
        SCIMAttribute(
            name, .complex, multiValued: true, description: description,
            subAttributes: [
                value,
                SCIMAttribute("display", .string, description: "A name for the value, for display."),
                SCIMAttribute("type", .string, description: "What the value is for.", canonicalValues: typeValues),
                primary,
            ])
    }
}
