import RosterModel
import RosterSCIM
import Testing

@Suite struct SCIMPathTests {
    let user = SCIMResourceTypes.user
    let group = SCIMResourceTypes.group
    let enterprise = SCIMSchemas.enterpriseUserURN

    @Test("a plain attribute name resolves to the schema's spelling, in any case")
    func plainAttribute() throws {
        let path = try SCIMPath("USERNAME", type: user)
        #expect(path.attribute == "userName")
        #expect(path.extensionURN == nil && path.subAttribute == nil && path.valueFilter == nil)
    }

    @Test("a dotted path names a sub-attribute of a complex attribute")
    func subAttribute() throws {
        let path = try SCIMPath("name.givenName", type: user)
        #expect(path.attribute == "name" && path.subAttribute == "givenName")
    }

    @Test("a value path keeps its filter and the sub-attribute after it")
    func valuePathWithSubAttribute() throws {
        let path = try SCIMPath(#"emails[type eq "work"].value"#, type: user)
        #expect(path.attribute == "emails" && path.subAttribute == "value")
        #expect(path.valueFilter == .comparison(SCIMAttributePath("type"), .eq, "work"))
    }

    @Test("a value path without a sub-attribute selects whole values")
    func valuePathOnMembers() throws {
        let path = try SCIMPath(#"members[value eq "2819c223"]"#, type: group)
        #expect(path.attribute == "members" && path.subAttribute == nil)
        #expect(path.valueFilter == .comparison(SCIMAttributePath("value"), .eq, "2819c223"))
    }

    @Test("an extension attribute is split from its URN at the schema id, whatever dots and colons the URN holds")
    func extensionAttribute() throws {
        let path = try SCIMPath(enterprise + ":department", type: user)
        #expect(path.extensionURN == enterprise && path.attribute == "department" && path.subAttribute == nil)
    }

    @Test("an extension path may name a sub-attribute")
    func extensionSubAttribute() throws {
        let path = try SCIMPath(enterprise + ":manager.value", type: user)
        #expect(path.extensionURN == enterprise && path.attribute == "manager" && path.subAttribute == "value")
    }

    @Test("an extension URN alone names the whole extension object")
    func wholeExtension() throws {
        let path = try SCIMPath(enterprise, type: user)
        #expect(path.extensionURN == enterprise && path.attribute == nil)
    }

    @Test("URNs match case-insensitively and come back in the schema's spelling")
    func urnCase() throws {
        let path = try SCIMPath(enterprise.uppercased() + ":DEPARTMENT", type: user)
        #expect(path.extensionURN == enterprise && path.attribute == "department")
    }

    @Test("a core attribute may carry the core schema URN, and the common attributes are reachable through it")
    func coreURN() throws {
        #expect(try SCIMPath(SCIMSchemas.userURN + ":userName", type: user).attribute == "userName")
        #expect(try SCIMPath(SCIMSchemas.userURN + ":id", type: user).attribute == "id")
        #expect(try SCIMPath(SCIMSchemas.userURN + ":name.familyName", type: user).subAttribute == "familyName")
    }

    @Test("an extension attribute named without its URN is still found")
    func unqualifiedExtension() throws {
        #expect(try SCIMPath("department", type: user).extensionURN == enterprise)
    }

    @Test(
        "paths naming what the type does not have, or not shaped as paths, are invalidPath",
        arguments: [
            "", "nickname.first", "shoeSize", "name.nickName", "urn:example:unknown:2.0:User:department",
            SCIMSchemas.userURN, "name..givenName", "emails.value.type", "emails[type eq \"work\"", "emails[type eq \"work\"]value",
            "1userName", "emails[type eq \"work\"].nope", "name.givenName[value eq \"x\"]",
        ])
    func invalidPaths(_ text: String) {
        #expect(SCIMFixtures.scimType { _ = try SCIMPath(text, type: user) } == "invalidPath")
    }

    @Test("a filter on an attribute that is not multi-valued and complex is invalidPath")
    func filterOnSingleValued() {
        #expect(SCIMFixtures.scimType { _ = try SCIMPath(#"name[givenName eq "x"]"#, type: user) } == "invalidPath")
        #expect(SCIMFixtures.scimType { _ = try SCIMPath(#"userName[value eq "x"]"#, type: user) } == "invalidPath")
    }

    @Test("a filter that is malformed or names something other than a sub-attribute is invalidPath")
    func badFilterInPath() {
        #expect(SCIMFixtures.scimType { _ = try SCIMPath(#"emails[type eq]"#, type: user) } == "invalidPath")
        #expect(SCIMFixtures.scimType { _ = try SCIMPath(#"emails[userName eq "x"]"#, type: user) } == "invalidPath")
    }

    @Test("a bracket inside a quoted filter value does not end the filter")
    func bracketInString() throws {
        let path = try SCIMPath(#"emails[value eq "a]b@example.com"].type"#, type: user)
        #expect(path.valueFilter == .comparison(SCIMAttributePath("value"), .eq, "a]b@example.com"))
        #expect(path.subAttribute == "type")
    }
}
