import RosterModel
import RosterSCIM
import Testing

@Suite struct SCIMProjectionTests {
    let user = SCIMResourceTypes.user
    let enterprise = SCIMSchemas.enterpriseUserURN

    /// Barbara Jensen with a password, as a careless caller might hold her.
    func userWithPassword() throws -> JSON {
        guard case .object(var members) = try SCIMFixtures.user() else { return .null }
        members.append(("password", "t1meMa$heen"))
        return .object(members)
    }

    /// The member names of a document (decoded documents do not keep member order, so as a set).
    func names(_ resource: JSON) -> Set<String> {
        Set(resource.objectValue?.map(\.0) ?? [])
    }

    @Test("password is never returned, not even when asked for")
    func passwordNeverReturned() throws {
        let resource = try userWithPassword()
        #expect(SCIMProjection.project(resource, type: user, attributes: nil, excludedAttributes: nil)[member: "password"] == nil)
        #expect(SCIMProjection.project(resource, type: user, attributes: ["password"], excludedAttributes: nil)[member: "password"] == nil)
    }

    @Test("without lists every attribute returned by default comes back")
    func defaults() throws {
        let resource = try SCIMFixtures.user()
        #expect(
            SCIMFixtures.sorted(SCIMProjection.project(resource, type: user, attributes: nil, excludedAttributes: nil))
                == SCIMFixtures.sorted(resource))
    }

    @Test("attributes keeps only the listed attributes, plus id and schemas")
    func attributesList() throws {
        let projected = SCIMProjection.project(try SCIMFixtures.user(), type: user, attributes: ["userName", "emails"], excludedAttributes: nil)
        #expect(names(projected) == ["schemas", "id", "userName", "emails"])
        #expect(projected[member: "emails"]?.arrayValue?.count == 2)
    }

    @Test("a listed sub-attribute keeps just that sub-attribute of its attribute")
    func subAttributeList() throws {
        let projected = SCIMProjection.project(try SCIMFixtures.user(), type: user, attributes: ["name.givenName", "emails.value"], excludedAttributes: nil)
        #expect(projected[member: "name"] == .object([("givenName", "Barbara")]))
        #expect(projected[member: "emails"] == .array([.object([("value", "bjensen@example.com")]), .object([("value", "babs@jensen.org")])]))
    }

    @Test("a URN-qualified attribute keeps that extension attribute alone")
    func extensionAttributeList() throws {
        let projected = SCIMProjection.project(
            try SCIMFixtures.user(), type: user, attributes: [enterprise + ":department"], excludedAttributes: nil)
        #expect(projected[member: enterprise] == .object([("department", "Tour Operations")]))
        #expect(projected[member: "userName"] == nil)
    }

    @Test("an extension URN alone keeps the whole extension")
    func wholeExtensionList() throws {
        let resource = try SCIMFixtures.user()
        let projected = SCIMProjection.project(resource, type: user, attributes: [enterprise], excludedAttributes: nil)
        #expect(projected[member: enterprise].map(SCIMFixtures.sorted) == resource[member: enterprise].map(SCIMFixtures.sorted))
        #expect(names(projected) == ["schemas", "id", enterprise])
    }

    @Test("excludedAttributes removes the listed attributes and sub-attributes")
    func excluded() throws {
        let projected = SCIMProjection.project(
            try SCIMFixtures.user(), type: user, attributes: nil, excludedAttributes: ["emails", "name.formatted", "meta"])
        #expect(projected[member: "emails"] == nil && projected[member: "meta"] == nil)
        #expect(projected[member: "name"]?[member: "formatted"] == nil)
        #expect(projected[member: "name"]?[member: "givenName"] == "Barbara")
        #expect(projected[member: "userName"] == "bjensen@example.com")
    }

    @Test("id and schemas are returned even when excluded")
    func alwaysReturned() throws {
        let projected = SCIMProjection.project(try SCIMFixtures.user(), type: user, attributes: nil, excludedAttributes: ["id", "schemas"])
        #expect(projected[member: "id"] == "2819c223-7f76-453a-919d-413861904646")
        #expect(projected[member: "schemas"] != nil)
    }

    @Test("excluding every attribute of an extension drops the extension object")
    func excludedExtension() throws {
        let projected = SCIMProjection.project(
            try SCIMFixtures.user(), type: user, attributes: nil,
            excludedAttributes: ["\(enterprise):employeeNumber", "\(enterprise):department", "\(enterprise):manager"])
        #expect(projected[member: enterprise] == nil)
        let whole = SCIMProjection.project(try SCIMFixtures.user(), type: user, attributes: nil, excludedAttributes: [enterprise])
        #expect(whole[member: enterprise] == nil)
    }

    @Test("list entries match case-insensitively and may hold comma-separated paths")
    func listSpelling() throws {
        let projected = SCIMProjection.project(try SCIMFixtures.user(), type: user, attributes: ["USERNAME,Name.FamilyName"], excludedAttributes: nil)
        #expect(names(projected) == ["schemas", "id", "userName", "name"])
        #expect(projected[member: "name"] == .object([("familyName", "Jensen")]))
    }

    @Test("a list naming only unknown attributes returns just the always-returned ones, and a blank list is no list")
    func unknownAndBlankLists() throws {
        let resource = try SCIMFixtures.user()
        #expect(names(SCIMProjection.project(resource, type: user, attributes: ["shoeSize"], excludedAttributes: nil)) == ["schemas", "id"])
        #expect(SCIMProjection.project(resource, type: user, attributes: [""], excludedAttributes: nil)[member: "userName"] != nil)
    }

    @Test("group members can be projected to their values")
    func groupMembers() throws {
        let projected = SCIMProjection.project(
            try SCIMFixtures.group(), type: SCIMResourceTypes.group, attributes: ["members.value"], excludedAttributes: nil)
        #expect(SCIMFixtures.values(projected, "members").count == 2)
        #expect(projected[member: "members"]?.arrayValue?.first?[member: "display"] == nil)
        #expect(projected[member: "displayName"] == nil)
    }
}
