import RosterModel

/// SCIM PATCH (RFC 7644 §3.5.2) over resource documents: core attributes at the top, extension attributes in an
/// object named by the extension's URN, `schemas` listing the URNs in use.
public enum SCIMPatch {
    /// The operations of a PatchOp request body. Throws `invalidSyntax` when the body is not an object, its
    /// `schemas` (when present) lacks `urn:ietf:params:scim:api:messages:2.0:PatchOp`, `Operations` (matched in
    /// any case) is missing or not an array, or an operation is malformed (see `SCIMPatchOperation.init(_:)`); throws
    /// `tooMany` past `maximumOperations` operations or `maximumValues` values.
    public static func operations(in body: JSON) throws(SCIMError) -> [SCIMPatchOperation] {
        guard body.objectValue != nil else { throw .invalidSyntax("a PATCH body must be a JSON object") }
        if let schemas = body[member: "schemas"] {
            let urns = schemas.arrayValue?.compactMap(\.stringValue) ?? []
            guard urns.contains(where: { $0.equalsIgnoringCase(SCIMSchemas.patchOpURN) }) else {
                throw .invalidSyntax("a PATCH body's schemas must include \(SCIMSchemas.patchOpURN)")
            }
        }
        guard let elements = body[member: "Operations"]?.arrayValue else {
            throw .invalidSyntax("a PATCH body needs an 'Operations' array")
        }
        guard elements.count <= maximumOperations else {
            throw .tooMany("a PATCH may carry at most \(maximumOperations) operations; this one has \(elements.count)")
        }
        var operations: [SCIMPatchOperation] = []
        var values = 0
        for element in elements {
            let operation = try SCIMPatchOperation(element)
            values += operation.value.map(Self.valueCount) ?? 0
            guard values <= maximumValues else {
                throw .tooMany("a PATCH may carry at most \(maximumValues) values in all; send the rest in another request")
            }
            operations.append(operation)
        }
        return operations
    }

    /// The most operations one PATCH may carry; the OpenAPI document's SCIM tag states it.
    public static let maximumOperations = 100

    /// The most values (an array's elements each, any other value one) one PATCH may carry in all its operations;
    /// the OpenAPI document's SCIM tag states it.
    public static let maximumValues = 1000

    private static func valueCount(_ value: JSON) -> Int {
        switch value {
        case .array(let elements): elements.count
        case .object(let members): max(1, members.reduce(0) { $0 + ($1.1.arrayValue?.count ?? 1) })
        default: 1
        }
    }

    /// `resource` after `operations`, applied in order; nothing is applied when one throws.
    ///
    /// - `add` with a path: a multi-valued attribute gains the values it lacks (a value naming an entry already
    ///   there, such as a member by its `value`, is merged into it); a complex attribute gains or changes the given
    ///   sub-attributes; a simple attribute is set. With a filter (`emails[type eq "work"].value`) the matching values
    ///   change, and when none matches a value is created from the filter's `eq` terms (`{"type": "work", "value": …}`).
    /// - `replace` with a path: as `add`, except that a multi-valued attribute's values are all replaced, and values
    ///   selected by a filter are replaced (or their sub-attribute set); a filter matching nothing throws `noTarget`.
    /// - `add` / `replace` without a path: the value is an object whose every member is applied as if its name were
    ///   the path; names may be dotted (`name.givenName`), URN-qualified (`urn:…:enterprise:2.0:User:department`),
    ///   filtered, or an extension URN whose object's members are applied in turn. `schemas` members are ignored.
    ///   A filtered name matching nothing creates the value from the filter even in a `replace` (Microsoft Entra).
    /// - `remove`: the attribute, sub-attribute or filter-selected values go; a filter matching nothing changes
    ///   nothing. Given a value, a multi-valued attribute loses only the entries the value names
    ///   (`{"op": "remove", "path": "members", "value": [{"value": "u1"}]}`). Without a path it throws `noTarget`.
    /// - A `null` value (RFC 7643 §2.5: unassigned) removes its target.
    /// - Values are coerced to the schema's types (see the quirks tolerated there: `"active": "False"` and the like),
    ///   and read-only sub-attributes in values (`members.display`, `manager.displayName`) are ignored.
    /// - `readOnly` attributes (`id`, `meta`, `groups`) throw `mutability` when a change would alter them; writing
    ///   the value they already have is ignored (Okta sends a group's `id` back in a path-less replace). `immutable`
    ///   values throw `mutability` once set, unless written unchanged.
    /// - When an operation sets `primary` true on a value, the attribute's other values lose it (RFC 7643 §2.4).
    /// - Afterwards `schemas` lists the core schema and exactly the extensions that hold a value; an extension left
    ///   empty is removed with its URN.
    ///
    /// Throws `invalidPath` for paths `SCIMPath` rejects (also for names in path-less values), `invalidValue` for
    /// values that cannot be read as their attribute's type or a missing value on `add`/`replace`, `noTarget` and
    /// `mutability` as above. Required attributes are not checked: the caller validates the result.
    public static func apply(_ operations: [SCIMPatchOperation], to resource: JSON, type: SCIMResourceType) throws(SCIMError) -> JSON {
        guard resource.objectValue != nil else { throw .invalidValue("a SCIM resource must be a JSON object") }
        var patcher = SCIMPatcher(type: type, resource: SCIMObject(resource))
        for operation in operations { try patcher.apply(operation) }
        patcher.reconcileSchemas()
        return patcher.resource.json
    }
}
