/// The resource types Roster serves over SCIM (RFC 7643 §6), each with the schemas of `SCIMSchemas`.
public enum SCIMResourceTypes {
    /// Users at `/Users`: the core User schema plus the enterprise extension, which a user may omit.
    public static let user = SCIMResourceType(
        id: "User", name: "User", endpoint: "/Users", description: "A member of the organization",
        schema: SCIMSchemas.user, extensions: [(schema: SCIMSchemas.enterpriseUser, required: false)])

    /// Groups at `/Groups`: the core Group schema, with no extensions.
    public static let group = SCIMResourceType(
        id: "Group", name: "Group", endpoint: "/Groups", description: "A named set of users",
        schema: SCIMSchemas.group, extensions: [])

    /// Both resource types, in the order `/ResourceTypes` lists them.
    public static let all: [SCIMResourceType] = [user, group]

    /// The resource type whose id is `id` (`User` or `Group`), compared case-insensitively, or nil.
    public static func resourceType(id: String) -> SCIMResourceType? {
        all.first { $0.id.equalsIgnoringCase(id) }
    }
}
