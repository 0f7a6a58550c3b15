import RosterModel
import RosterSCIM
import Testing

/// PATCH requests shaped as Microsoft Entra ID and Okta send them (their public SCIM provisioning documentation),
/// including the ways they stray from RFC 7644.
@Suite struct SCIMPatchClientTests {
    let user = SCIMResourceTypes.user
    let group = SCIMResourceTypes.group
    let enterprise = SCIMSchemas.enterpriseUserURN

    // MARK: Microsoft Entra ID

    @Test("Entra's capitalised Replace updates a filtered email and the family name")
    func entraReplaceCapitalised() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.user(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [
               {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
               {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}
             ]}
            """#)
        #expect(SCIMFixtures.values(result, "emails") == ["updatedEmail@microsoft.com", "babs@jensen.org"])
        #expect(result[member: "name"]?[member: "familyName"] == "updatedFamilyName")
    }

    @Test("Entra's path-less replace of active with the string \"False\" sets the boolean false")
    func entraActiveString() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.user(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Replace", "value": {"active": "False"}}]}
            """#)
        #expect(result[member: "active"] == .bool(false))
    }

    @Test("Entra's replace of active by path with the string \"True\" sets the boolean true")
    func entraActiveStringWithPath() throws {
        let disabled = try SCIMPatch.apply([SCIMPatchOperation(op: .replace, path: "active", value: false)], to: SCIMFixtures.user(), type: user)
        let result = try SCIMFixtures.patch(disabled, user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Replace", "path": "active", "value": "True"}]}
            """#)
        #expect(result[member: "active"] == .bool(true))
    }

    @Test("Entra's path-less replace with dotted, URN-qualified and filtered names sets each, creating the value a filter describes")
    func entraDottedKeys() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.plainUser(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Replace", "value": {
               "displayName": "Ann Lee",
               "name.givenName": "Ann",
               "name.familyName": "Lee",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "X",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "A1234",
               "emails[type eq \"work\"].value": "ann@example.com"
             }}]}
            """#)
        #expect(result[member: "name"]?[member: "givenName"] == "Ann")
        #expect(result[member: "name"]?[member: "familyName"] == "Lee")
        #expect(result[member: enterprise]?[member: "department"] == "X")
        #expect(result[member: enterprise]?[member: "employeeNumber"] == "A1234")
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN, enterprise])
        #expect(result[member: "emails"] == .array([.object([("type", "work"), ("value", "ann@example.com")])]))
    }

    @Test("Entra's capitalised Add on a filtered email creates the work email when there is none")
    func entraAddCreatesFilteredValue() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.plainUser(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [
               {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "ann@example.com"},
               {"op": "Add", "path": "addresses[type eq \"work\"].locality", "value": "Redmond"}
             ]}
            """#)
        #expect(result[member: "emails"] == .array([.object([("type", "work"), ("value", "ann@example.com")])]))
        #expect(result[member: "addresses"]?.arrayValue?.first?[member: "locality"] == "Redmond")
    }

    @Test("Entra's Add of members with a value array adds them, ignoring the null $ref")
    func entraAddMembers() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "f648f8d5ea4e4cd38e9c"}]}]}
            """#)
        #expect(SCIMFixtures.values(result, "members").last == "f648f8d5ea4e4cd38e9c")
        #expect(result[member: "members"]?.arrayValue?.last == .object([("value", "f648f8d5ea4e4cd38e9c")]))
    }

    @Test("Entra's Remove of members with a value array removes only those members")
    func entraRemoveMembers() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Remove", "path": "members",
                             "value": [{"$ref": null, "value": "2819c223-7f76-453a-919d-413861904646"}]}]}
            """#)
        #expect(SCIMFixtures.values(result, "members") == ["902c246b-6245-4190-8e05-00816be7344a"])
    }

    @Test("Entra's manager sent as a bare id becomes the manager's value")
    func entraManagerString() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.plainUser(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                             "value": "2819c223-7f76-453a-919d-413861904646"}]}
            """#)
        #expect(result[member: enterprise]?[member: "manager"] == .object([("value", "2819c223-7f76-453a-919d-413861904646")]))
        #expect(SCIMFixtures.schemas(result).contains(enterprise))
    }

    @Test("Entra's removal of the manager removes the emptied extension and its URN")
    func entraRemoveManager() throws {
        let withManagerOnly = try SCIMFixtures.patch(SCIMFixtures.plainUser(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "m1"}]}
            """#)
        let result = try SCIMFixtures.patch(withManagerOnly, user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]}
            """#)
        #expect(result[member: enterprise] == nil)
        #expect(SCIMFixtures.schemas(result) == [SCIMSchemas.userURN])
    }

    // MARK: Okta

    @Test("Okta's path-less replace of active false deactivates the user")
    func oktaDeactivate() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.user(), user, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "value": {"active": false}}]}
            """#)
        #expect(result[member: "active"] == .bool(false))
    }

    @Test("Okta's group rename sends the unchanged id along, which is ignored")
    func oktaRenameGroup() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "value": {"id": "e9e30dba-f08f-4109-8486-d5c6a331660a", "displayName": "Test SCIMv2"}}]}
            """#)
        #expect(result[member: "displayName"] == "Test SCIMv2")
        #expect(result[member: "id"] == "e9e30dba-f08f-4109-8486-d5c6a331660a")
    }

    @Test("a group rename carrying a different id is a mutability error")
    func renameWithOtherID() throws {
        let group = try SCIMFixtures.group()
        #expect(
            SCIMFixtures.scimType {
                _ = try SCIMFixtures.patch(group, self.group, #"""
                    {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "replace", "value": {"id": "another-id", "displayName": "Test SCIMv2"}}]}
                    """#)
            } == "mutability")
    }

    @Test("Okta's add of members with a value array appends them, keeping members already there once")
    func oktaAddMembers() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "add", "path": "members", "value": [
               {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"},
               {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge"}
             ]}]}
            """#)
        #expect(
            SCIMFixtures.values(result, "members") == [
                "2819c223-7f76-453a-919d-413861904646", "902c246b-6245-4190-8e05-00816be7344a",
                "23a35c27-23d3-4c03-b4c5-6443c09e7173",
            ])
    }

    @Test("Okta's remove of one member by a value filter removes just that member")
    func oktaRemoveMember() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "remove", "path": "members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}]}
            """#)
        #expect(SCIMFixtures.values(result, "members") == ["2819c223-7f76-453a-919d-413861904646"])
    }

    @Test("a replace of the whole members list leaves exactly the listed members")
    func replaceWholeMembers() throws {
        let result = try SCIMFixtures.patch(SCIMFixtures.group(), group, #"""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "members", "value": [
               {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge"},
               {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173"}
             ]}]}
            """#)
        #expect(
            SCIMFixtures.values(result, "members") == [
                "902c246b-6245-4190-8e05-00816be7344a", "23a35c27-23d3-4c03-b4c5-6443c09e7173",
            ])
    }
}
