import Foundation
import RosterModel
import RosterSCIM
import Testing

@Suite struct SCIMPatchTests {
    let user = SCIMResourceTypes.user
    let group = SCIMResourceTypes.group
    let enterprise = SCIMSchemas.enterpriseUserURN

    func patchUser(_ operations: [SCIMPatchOperation], _ resource: JSON? = nil) throws -> JSON {
        try SCIMPatch.apply(operations, to: resource ?? SCIMFixtures.user(), type: user)
    }

    func patchGroup(_ operations: [SCIMPatchOperation]) throws -> JSON {
        try SCIMPatch.apply(operations, to: SCIMFixtures.group(), type: group)
    }

    // MARK: add

    @Test("add without a path sets simple attributes, merges complex ones and appends to multi-valued ones")
    func addWithoutPath() throws {
        let value = try SCIMFixtures.json(#"""
            {"title": "Tour Guide", "name": {"middleName": "Jane"},
             "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "b@x.org", "type": "other"}]}
            """#)
        let result = try patchUser([SCIMPatchOperation(op: .add, value: value)])
        #expect(result[member: "title"] == "Tour Guide")
        #expect(result[member: "name"]?[member: "middleName"] == "Jane")
        #expect(result[member: "name"]?[member: "givenName"] == "Barbara")
        #expect(SCIMFixtures.values(result, "emails") == ["bjensen@example.com", "babs@jensen.org", "b@x.org"])
    }

    @Test("add with a path appends new values and merges a value already there instead of duplicating it")
    func addToMultiValued() throws {
        let value = try SCIMFixtures.json(#"[{"value": "babs@jensen.org", "type": "home", "display": "Home"}, {"value": "new@x.org"}]"#)
        let result = try patchUser([SCIMPatchOperation(op: .add, path: "emails", value: value)])
        #expect(SCIMFixtures.values(result, "emails") == ["bjensen@example.com", "babs@jensen.org", "new@x.org"])
        #expect(result[member: "emails"]?.arrayValue?[1][member: "display"] == "Home")
    }

    @Test("add with a path to a multi-valued attribute accepts a single value")
    func addSingleValue() throws {
        let result = try patchUser([SCIMPatchOperation(op: .add, path: "phoneNumbers", value: .object([("value", "+1 555"), ("type", "work")]))])
        #expect(SCIMFixtures.values(result, "phoneNumbers") == ["+1 555"])
    }

    @Test("add on a complex attribute sets the given sub-attributes and keeps the others")
    func addComplex() throws {
        let result = try patchUser([SCIMPatchOperation(op: .add, path: "name", value: .object([("givenName", "Babs")]))])
        #expect(result[member: "name"]?[member: "givenName"] == "Babs")
        #expect(result[member: "name"]?[member: "familyName"] == "Jensen")
    }

    @Test("add of an attribute the resource lacks creates it, spelt as the schema spells it")
    func addCreates() throws {
        let result = try patchUser([SCIMPatchOperation(op: .add, path: "NICKNAME", value: "Babs")])
        #expect(result.objectValue?.contains { $0.0 == "nickName" && $0.1 == "Babs" } == true)
    }

    @Test("add or replace without a value is invalidValue")
    func missingValue() {
        #expect(SCIMFixtures.scimType { _ = try patchUser([SCIMPatchOperation(op: .add, path: "title")]) } == "invalidValue")
        #expect(SCIMFixtures.scimType { _ = try patchUser([SCIMPatchOperation(op: .replace, value: "x")]) } == "invalidValue")
    }

    // MARK: replace

    @Test("replace without a path replaces each attribute the value names")
    func replaceWithoutPath() throws {
        let value = try SCIMFixtures.json(#"{"displayName": "Barbara", "emails": [{"value": "only@x.org", "type": "work"}]}"#)
        let result = try patchUser([SCIMPatchOperation(op: .replace, value: value)])
        #expect(result[member: "displayName"] == "Barbara")
        #expect(SCIMFixtures.values(result, "emails") == ["only@x.org"])
        #expect(result[member: "userName"] == "bjensen@example.com")
    }

    @Test("replace of a complex attribute changes the sub-attributes given and keeps the rest")
    func replaceComplex() throws {
        let result = try patchUser([SCIMPatchOperation(op: .replace, path: "name", value: .object([("familyName", "Smith")]))])
        #expect(result[member: "name"]?[member: "familyName"] == "Smith")
        #expect(result[member: "name"]?[member: "givenName"] == "Barbara")
    }

    @Test("replace with a value filter sets the sub-attribute of the matching values only")
    func replaceFiltered() throws {
        let result = try patchUser([SCIMPatchOperation(op: .replace, path: #"emails[type eq "work"].value"#, value: "babs@example.com")])
        #expect(SCIMFixtures.values(result, "emails") == ["babs@example.com", "babs@jensen.org"])
    }

    @Test("replace with a value filter and no sub-attribute replaces the matching values whole")
    func replaceFilteredWhole() throws {
        let value = JSON.object([("value", "h@x.org"), ("type", "home")])
        let result = try patchUser([SCIMPatchOperation(op: .replace, path: #"emails[type eq "home"]"#, value: value)])
        #expect(result[member: "emails"]?.arrayValue?.last.map(SCIMFixtures.sorted) == SCIMFixtures.sorted(value))
    }

    @Test("replace with a value filter that matches nothing is noTarget")
    func replaceNoTarget() {
        let operation = SCIMPatchOperation(op: .replace, path: #"emails[type eq "other"].value"#, value: "x@x.org")
        #expect(SCIMFixtures.scimType { _ = try patchUser([operation]) } == "noTarget")
    }

    @Test("replace of a whole multi-valued attribute replaces every value")
    func replaceMembers() throws {
        let members = try SCIMFixtures.json(#"[{"value": "a1"}, {"value": "a2"}]"#)
        let result = try patchGroup([SCIMPatchOperation(op: .replace, path: "members", value: members)])
        #expect(SCIMFixtures.values(result, "members") == ["a1", "a2"])
    }

    @Test("a sub-attribute of a multi-valued attribute must be selected with a filter to be written")
    func subAttributeWithoutFilter() {
        let operation = SCIMPatchOperation(op: .replace, path: "emails.value", value: "x@x.org")
        #expect(SCIMFixtures.scimType { _ = try patchUser([operation]) } == "invalidPath")
    }

    // MARK: remove

    @Test("remove deletes an attribute")
    func removeAttribute() throws {
        let result = try patchUser([SCIMPatchOperation(op: .remove, path: "displayName")])
        #expect(result[member: "displayName"] == nil)
    }

    @Test("remove deletes a sub-attribute and leaves its siblings")
    func removeSubAttribute() throws {
        let result = try patchUser([SCIMPatchOperation(op: .remove, path: "name.formatted")])
        #expect(result[member: "name"]?[member: "formatted"] == nil)
        #expect(result[member: "name"]?[member: "givenName"] == "Barbara")
    }

    @Test("remove with a value filter deletes only the matching values")
    func removeFiltered() throws {
        let result = try patchUser([SCIMPatchOperation(op: .remove, path: #"emails[type eq "home"]"#)])
        #expect(SCIMFixtures.values(result, "emails") == ["bjensen@example.com"])
    }

    @Test("removing the last value of a multi-valued attribute removes the attribute")
    func removeLastValue() throws {
        let result = try patchUser([SCIMPatchOperation(op: .remove, path: #"emails[value co "@"]"#)])
        #expect(result[member: "emails"] == nil)
    }

    @Test("remove of a member by filter keeps the other members")
    func removeMemberByFilter() throws {
        let result = try patchGroup([SCIMPatchOperation(op: .remove, path: #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#)])
        #expect(SCIMFixtures.values(result, "members") == ["902c246b-6245-4190-8e05-00816be7344a"])
    }

    @Test("remove with a filter that matches nothing, or of an absent attribute, changes nothing")
    func removeNothing() throws {
        let original = try SCIMFixtures.group()
        let result = try patchGroup([
            SCIMPatchOperation(op: .remove, path: #"members[value eq "nobody"]"#),
            SCIMPatchOperation(op: .remove, path: "externalId"),
        ])
        #expect(SCIMFixtures.sorted(result) == SCIMFixtures.sorted(original))
    }

    @Test("remove of all members without a value empties the group")
    func removeAllMembers() throws {
        let result = try patchGroup([SCIMPatchOperation(op: .remove, path: "members")])
        #expect(result[member: "members"] == nil)
    }

    @Test("remove without a path is noTarget")
    func removeWithoutPath() {
        #expect(SCIMFixtures.scimType { _ = try patchUser([SCIMPatchOperation(op: .remove)]) } == "noTarget")
    }

    @Test("a null value removes its target")
    func nullRemoves() throws {
        let result = try patchUser([
            SCIMPatchOperation(op: .replace, path: "displayName", value: .null),
            SCIMPatchOperation(op: .replace, value: .object([("name", .null)])),
        ])
        #expect(result[member: "displayName"] == nil && result[member: "name"] == nil)
    }

    // MARK: mutability

    @Test(
        "read-only attributes cannot be changed",
        arguments: [
            SCIMPatchOperation(op: .replace, path: "id", value: "other"),
            SCIMPatchOperation(op: .replace, value: .object([("id", "other")])),
            SCIMPatchOperation(op: .replace, path: "meta.created", value: "2020-01-01T00:00:00Z"),
            SCIMPatchOperation(op: .add, path: "groups", value: .array([.object([("value", "g2")])])),
            SCIMPatchOperation(op: .remove, path: "groups"),
            SCIMPatchOperation(op: .remove, path: "id"),
            SCIMPatchOperation(op: .replace, path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", value: "Boss"),
        ])
    func readOnly(_ operation: SCIMPatchOperation) {
        #expect(SCIMFixtures.scimType { _ = try patchUser([operation]) } == "mutability")
    }

    @Test("writing a read-only attribute's current value changes nothing")
    func readOnlyUnchanged() throws {
        let original = try SCIMFixtures.user()
        let result = try patchUser([
            SCIMPatchOperation(op: .replace, path: "id", value: "2819c223-7f76-453a-919d-413861904646"),
            SCIMPatchOperation(op: .replace, value: .object([("meta", original[member: "meta"] ?? .null)])),
        ])
        #expect(SCIMFixtures.sorted(result) == SCIMFixtures.sorted(original))
    }

    @Test("a member's immutable value cannot be edited once set")
    func immutableMemberValue() {
        let operation = SCIMPatchOperation(
            op: .replace, path: #"members[value eq "2819c223-7f76-453a-919d-413861904646"].value"#, value: "someone-else")
        #expect(SCIMFixtures.scimType { _ = try patchGroup([operation]) } == "mutability")
    }

    @Test("read-only sub-attributes inside a value are ignored rather than stored")
    func readOnlySubAttributesIgnored() throws {
        let value = try SCIMFixtures.json(#"[{"value": "a1", "display": "Ann"}]"#)
        let result = try patchGroup([SCIMPatchOperation(op: .add, path: "members", value: value)])
        #expect(result[member: "members"]?.arrayValue?.last == .object([("value", "a1")]))
    }

    // MARK: schemas and primary

    @Test("setting an extension attribute adds the extension's URN to schemas")
    func extensionAddsURN() throws {
        let result = try patchUser(
            [SCIMPatchOperation(op: .add, path: enterprise + ":department", value: "R&D")], SCIMFixtures.plainUser())
        #expect(result[member: enterprise]?[member: "department"] == "R&D")
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN, enterprise])
    }

    @Test("emptying an extension removes its object and its URN from schemas")
    func emptyExtensionRemoved() throws {
        let result = try patchUser([
            SCIMPatchOperation(op: .remove, path: enterprise + ":employeeNumber"),
            SCIMPatchOperation(op: .remove, path: enterprise + ":department"),
            SCIMPatchOperation(op: .remove, path: enterprise + ":manager"),
        ])
        #expect(result[member: enterprise] == nil)
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN])
    }

    @Test("removing an extension URN path removes the whole extension")
    func removeWholeExtension() throws {
        let result = try patchUser([SCIMPatchOperation(op: .remove, path: enterprise)])
        #expect(result[member: enterprise] == nil)
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN])
    }

    @Test("adding an extension object by its URN merges its attributes")
    func addWholeExtension() throws {
        let result = try patchUser([SCIMPatchOperation(op: .add, path: enterprise, value: .object([("costCenter", "4130")]))])
        #expect(result[member: enterprise]?[member: "costCenter"] == "4130")
        #expect(result[member: enterprise]?[member: "department"] == "Tour Operations")
    }

    @Test("making one value primary makes the others not primary")
    func singlePrimary() throws {
        let result = try patchUser([SCIMPatchOperation(op: .replace, path: #"emails[type eq "home"].primary"#, value: true)])
        let primaries = result[member: "emails"]?.arrayValue?.map { $0[member: "primary"] }
        #expect(primaries == [.bool(false), .bool(true)])
    }

    // MARK: values and errors

    @Test("a value that cannot be read as the attribute's type is invalidValue")
    func wrongType() {
        for operation in [
            SCIMPatchOperation(op: .replace, path: "active", value: "maybe"),
            SCIMPatchOperation(op: .replace, path: "name", value: .int(5)),
            SCIMPatchOperation(op: .replace, path: "displayName", value: .bool(true)),
            SCIMPatchOperation(op: .add, path: "emails", value: .array([.array([])])),
        ] {
            #expect(SCIMFixtures.scimType { _ = try patchUser([operation]) } == "invalidValue", "\(operation)")
        }
    }

    @Test("a path-less value naming an attribute the type lacks is invalidPath")
    func unknownAttributeInValue() {
        let operation = SCIMPatchOperation(op: .replace, value: .object([("shoeSize", "9")]))
        #expect(SCIMFixtures.scimType { _ = try patchUser([operation]) } == "invalidPath")
    }

    @Test("operations apply in order, each seeing the previous one's result")
    func order() throws {
        let result = try patchUser([
            SCIMPatchOperation(op: .add, path: "title", value: "First"),
            SCIMPatchOperation(op: .replace, path: "title", value: "Second"),
            SCIMPatchOperation(op: .remove, path: "nickName"),
        ])
        #expect(result[member: "title"] == "Second")
    }

    @Test("a PatchOp body is read into its operations, and a body of another schema is invalidSyntax")
    func readingBodies() throws {
        let body = try SCIMFixtures.json(#"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "add", "path": "title", "value": "x"}, {"op": "remove", "path": null}]}
            """#)
        #expect(
            try SCIMPatch.operations(in: body)
                == [SCIMPatchOperation(op: .add, path: "title", value: "x"), SCIMPatchOperation(op: .remove)])
        let wrong = try SCIMFixtures.json(#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "Operations": []}"#)
        #expect(SCIMFixtures.scimType { _ = try SCIMPatch.operations(in: wrong) } == "invalidSyntax")
        let badOp = try SCIMFixtures.json(#"{"Operations": [{"op": "move", "path": "title"}]}"#)
        #expect(SCIMFixtures.scimType { _ = try SCIMPatch.operations(in: badOp) } == "invalidSyntax")
    }

    @Test("a schemas member in a path-less value is ignored, and schemas still lists what the resource holds")
    func schemasInValue() throws {
        let value = JSON.object([("schemas", .array([.string(SCIMSchemas.userURN)])), ("title", "Guide")])
        let result = try patchUser([SCIMPatchOperation(op: .replace, value: value)])
        #expect(result[member: "title"] == "Guide")
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN, enterprise])
    }

    @Test("an operation decodes from JSON with its op in any case")
    func decoding() throws {
        let data = Data(#"{"op": "Remove", "path": "members[value eq \"u1\"]"}"#.utf8)
        let operation = try JSONDecoder().decode(SCIMPatchOperation.self, from: data)
        #expect(operation == SCIMPatchOperation(op: .remove, path: #"members[value eq "u1"]"#))
        #expect(throws: SCIMError.self) { try JSONDecoder().decode(SCIMPatchOperation.self, from: Data(#"{"op": "patch"}"#.utf8)) }
    }
}
