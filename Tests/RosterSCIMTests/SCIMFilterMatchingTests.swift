import RosterModel
import RosterSCIM
import Testing

@Suite struct SCIMFilterMatchingTests {
    let enterprise = SCIMSchemas.enterpriseUserURN

    /// Whether `text` matches Barbara Jensen.
    func matchesUser(_ text: String) throws -> Bool {
        try SCIMFilter(text, for: SCIMResourceTypes.user).matches(SCIMFixtures.user(), type: SCIMResourceTypes.user)
    }

    @Test("strings compare without regard to case unless the attribute is caseExact")
    func caseSensitivity() throws {
        #expect(try matchesUser(#"userName eq "BJENSEN@EXAMPLE.COM""#))
        #expect(try matchesUser(#"id eq "2819c223-7f76-453a-919d-413861904646""#))
        #expect(try !matchesUser(#"id eq "2819C223-7F76-453A-919D-413861904646""#))
    }

    @Test("co, sw and ew match substrings, prefixes and suffixes without regard to case")
    func substrings() throws {
        #expect(try matchesUser(#"userName co "JENSEN""#))
        #expect(try matchesUser(#"userName sw "BJ""#))
        #expect(try matchesUser(#"userName ew "@Example.com""#))
        #expect(try !matchesUser(#"userName sw "jensen""#))
    }

    @Test("gt, ge, lt and le order strings lexicographically")
    func stringOrdering() throws {
        #expect(try matchesUser(#"userName gt "a""#))
        #expect(try matchesUser(#"userName lt "C""#))
        #expect(try matchesUser(#"userName ge "bjensen@example.com""#))
        #expect(try !matchesUser(#"userName gt "bjensen@example.com""#))
    }

    @Test("dateTime attributes compare as instants across offsets and fractional seconds")
    func dateTimes() throws {
        #expect(try matchesUser(#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#))
        #expect(try matchesUser(#"meta.lastModified ge "2011-05-13T04:42:34.000Z""#))
        #expect(try !matchesUser(#"meta.lastModified gt "2011-05-13T04:42:34.000Z""#))
        #expect(try matchesUser(#"meta.lastModified gt "2011-05-13T04:42:33.999Z""#))
        #expect(try matchesUser(#"meta.lastModified lt "2011-05-13T00:42:35-04:00""#))
        #expect(try matchesUser(#"meta.created lt "2011-01-01T00:00:00Z" and meta.created gt "2009-12-31T23:59:59Z""#))
        // Lexicographically "2011-05-13T06…" sorts after the stored "2011-05-13T04…"; as an instant it is the same.
        #expect(try !matchesUser(#"meta.lastModified lt "2011-05-13T06:42:34+02:00""#))
    }

    @Test("a multi-valued attribute matches when any of its values does")
    func anyValue() throws {
        #expect(try matchesUser(#"emails.value eq "babs@jensen.org""#))
        #expect(try matchesUser(#"emails.type eq "home""#))
        #expect(try !matchesUser(#"emails.value eq "nobody@jensen.org""#))
    }

    @Test("a complex multi-valued attribute compared without a sub-attribute compares each value's value")
    func implicitValue() throws {
        #expect(try matchesUser(#"emails eq "babs@jensen.org""#))
        let group = try SCIMFixtures.group()
        let filter = try SCIMFilter(#"members eq "902c246b-6245-4190-8e05-00816be7344a""#, for: SCIMResourceTypes.group)
        #expect(filter.matches(group, type: SCIMResourceTypes.group))
    }

    @Test("a value path needs one value to satisfy every condition inside the brackets")
    func valuePathSameValue() throws {
        #expect(try matchesUser(#"emails[type eq "home" and value co "jensen.org"]"#))
        #expect(try !matchesUser(#"emails[type eq "work" and value co "jensen.org"]"#))
        #expect(try matchesUser(#"emails[type eq "work" and primary eq true]"#))
    }

    @Test("pr is false for an absent, null, empty-string or empty-array attribute")
    func presence() throws {
        let user = SCIMResourceTypes.user
        let document = try SCIMFixtures.json(#"{"userName": "a", "title": null, "nickName": "", "emails": [], "name": {"givenName": null}}"#)
        for name in ["title", "nickName", "emails", "name", "displayName", "name.givenName"] {
            #expect(try !SCIMFilter("\(name) pr", for: user).matches(document, type: user), "\(name)")
        }
        #expect(try SCIMFilter("userName pr", for: user).matches(document, type: user))
    }

    @Test("and, or and not combine matches as boolean logic")
    func logic() throws {
        #expect(try matchesUser(#"title pr or userName sw "b""#))
        #expect(try !matchesUser(#"title pr and userName sw "b""#))
        #expect(try matchesUser(#"not (title pr) and not (active eq false)"#))
        #expect(try matchesUser(#"(title pr or active eq true) and (emails.type eq "home")"#))
    }

    @Test("extension attributes are reached through their schema URN")
    func extensionAttributes() throws {
        #expect(try matchesUser(#"\#(enterprise):department eq "tour operations""#))
        #expect(try matchesUser(#"\#(enterprise):manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#))
        #expect(try !matchesUser(#"\#(enterprise):department eq "Finance""#))
    }

    @Test("booleans compare by eq, and a boolean sent as a string still compares")
    func booleans() throws {
        #expect(try matchesUser("active eq true"))
        #expect(try !matchesUser("active eq false"))
        #expect(try matchesUser(#"active eq "True""#))
    }

    @Test("ne holds when no value equals, including when the attribute is absent")
    func notEqual() throws {
        #expect(try matchesUser(#"userName ne "someone""#))
        #expect(try !matchesUser(#"emails.value ne "babs@jensen.org""#))
        #expect(try matchesUser(#"title ne "Boss""#))
    }

    @Test("eq null matches an absent attribute and ne null a present one")
    func nullComparison() throws {
        #expect(try matchesUser("title eq null"))
        #expect(try matchesUser("userName ne null"))
        #expect(try !matchesUser("userName eq null"))
    }

    @Test("a filter checked only for syntax still evaluates, treating unknown attributes as absent strings")
    func unvalidated() throws {
        let filter = try SCIMFilter(#"shoeSize eq "9" or userName eq "bjensen@example.com""#)
        #expect(filter.matches(try SCIMFixtures.user(), type: SCIMResourceTypes.user))
    }

    @Test("numbers compare as numbers, integers and decimals alike")
    func numbers() throws {
        let document = try SCIMFixtures.json(#"{"count": 7, "ratio": 0.5}"#)
        #expect(try SCIMFilter("count gt 5 and count le 7.0 and ratio lt 1").matches(document, type: SCIMResourceTypes.user))
        #expect(try !SCIMFilter("count gt 7").matches(document, type: SCIMResourceTypes.user))
    }
}
