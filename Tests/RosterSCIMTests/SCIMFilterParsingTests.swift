import RosterModel
import RosterSCIM
import Testing

@Suite struct SCIMFilterParsingTests {
    let userName = SCIMAttributePath("userName")

    @Test("every comparison operator parses, written in any case", arguments: SCIMFilter.ComparisonOperator.allCases)
    func operators(_ comparison: SCIMFilter.ComparisonOperator) throws {
        #expect(try SCIMFilter("userName \(comparison.rawValue) \"x\"") == .comparison(userName, comparison, "x"))
        #expect(try SCIMFilter("userName \(comparison.rawValue.uppercased()) \"x\"") == .comparison(userName, comparison, "x"))
    }

    @Test("pr parses as a presence test, in any case")
    func present() throws {
        #expect(try SCIMFilter("title PR") == .present(SCIMAttributePath("title")))
    }

    @Test("and binds tighter than or")
    func precedence() throws {
        let filter = try SCIMFilter(#"title pr or userName eq "a" AND active eq true"#)
        #expect(
            filter == .or([
                .present(SCIMAttributePath("title")),
                .and([.comparison(userName, .eq, "a"), .comparison(SCIMAttributePath("active"), .eq, true)]),
            ]))
    }

    @Test("parentheses group an or inside an and")
    func parentheses() throws {
        let filter = try SCIMFilter(#"(title pr or userName eq "a") and active eq true"#)
        #expect(
            filter == .and([
                .or([.present(SCIMAttributePath("title")), .comparison(userName, .eq, "a")]),
                .comparison(SCIMAttributePath("active"), .eq, true),
            ]))
    }

    @Test("not negates a parenthesised filter, with or without a space before the parenthesis")
    func not() throws {
        #expect(try SCIMFilter("not (title pr)") == .not(.present(SCIMAttributePath("title"))))
        #expect(try SCIMFilter("NOT(title pr)") == .not(.present(SCIMAttributePath("title"))))
    }

    @Test("a value path holds a filter over the attribute's sub-attributes")
    func valuePath() throws {
        let filter = try SCIMFilter(#"emails[type eq "work" and value co "@example.com"]"#)
        #expect(
            filter == .valuePath(
                SCIMAttributePath("emails"),
                .and([
                    .comparison(SCIMAttributePath("type"), .eq, "work"),
                    .comparison(SCIMAttributePath("value"), .co, "@example.com"),
                ])))
    }

    @Test("sub-attribute and URN-qualified attribute paths keep their parts")
    func attributePaths() throws {
        #expect(
            try SCIMFilter(#"name.familyName co "O'Malley""#)
                == .comparison(SCIMAttributePath("name", subAttribute: "familyName"), .co, "O'Malley"))
        let urn = SCIMSchemas.enterpriseUserURN
        #expect(
            try SCIMFilter(#"\#(urn):manager.value eq "26118915""#)
                == .comparison(SCIMAttributePath(urn: urn, "manager", subAttribute: "value"), .eq, "26118915"))
    }

    @Test("strings decode JSON escapes, including surrogate pairs")
    func escapes() throws {
        let filter = try SCIMFilter(#"displayName eq "a\"b\\c\/d\u00e9\ud83d\ude00\n""#)
        #expect(filter == .comparison(SCIMAttributePath("displayName"), .eq, .string("a\"b\\c/dé😀\n")))
    }

    @Test("single-quoted strings are tolerated")
    func singleQuotes() throws {
        #expect(try SCIMFilter("userName eq 'ann'") == .comparison(userName, .eq, "ann"))
    }

    @Test("true, false, null and numbers are read as JSON values, keywords in any case")
    func literals() throws {
        let active = SCIMAttributePath("active")
        #expect(try SCIMFilter("active eq TRUE") == .comparison(active, .eq, true))
        #expect(try SCIMFilter("active eq false") == .comparison(active, .eq, false))
        #expect(try SCIMFilter("title eq Null") == .comparison(SCIMAttributePath("title"), .eq, .null))
        #expect(try SCIMFilter("count gt -12") == .comparison(SCIMAttributePath("count"), .gt, .int(-12)))
        #expect(try SCIMFilter("count le 1.5e2") == .comparison(SCIMAttributePath("count"), .le, .double(150)))
    }

    @Test(
        "malformed filters are invalidFilter",
        arguments: [
            "", "   ", "userName", "userName eq", #"userName xx "a""#, #"(userName eq "a""#, #"userName eq "a")"#,
            #"userName eq "unclosed"#, #"not userName eq "a""#, #"emails[type eq "work""#,
            #"emails[type eq "work" and x[y eq 1]]"#, #"userName eq "a" or"#, "userName eq bareword",
            #"userName eq "\q""#, #"and userName eq "a""#, "userName eq 01x", #"bad.path.name eq "a""#,
            #"notaurn:userName eq "a""#, "title pr pr",
        ])
    func malformed(_ text: String) {
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(text) } == "invalidFilter")
    }

    @Test("deeply nested parentheses are refused instead of recursed into")
    func depthLimit() {
        let deep = String(repeating: "(", count: 10_000) + "title pr" + String(repeating: ")", count: 10_000)
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(deep) } == "invalidFilter")
        let shallow = String(repeating: "(", count: 20) + "title pr" + String(repeating: ")", count: 20)
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(shallow) } == nil)
    }

    @Test("a long chain of ands stays flat")
    func longChain() throws {
        let text = Array(repeating: #"userName eq "a""#, count: SCIMFilter.maximumConditions).joined(separator: " and ")
        guard case .and(let terms) = try SCIMFilter(text) else {
            Issue.record("expected an and")
            return
        }
        #expect(terms.count == SCIMFilter.maximumConditions)
    }

    @Test("a filter past the caps on conditions or length is invalidFilter, however it is built")
    func caps() {
        let tooMany = Array(repeating: #"userName eq "a""#, count: SCIMFilter.maximumConditions + 1).joined(separator: " or ")
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(tooMany) } == "invalidFilter")
        let nested = Array(repeating: #"emails[value eq "a" or type pr]"#, count: 30).joined(separator: " or ")
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(nested) } == "invalidFilter")
        let long = #"userName eq ""# + String(repeating: "a", count: SCIMFilter.maximumLength) + #"""#
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(long) } == "invalidFilter")
    }

    @Test(
        "checking against the resource type refuses unknown attributes and meaningless comparisons",
        arguments: [
            #"shoeSize eq "9""#, #"name.nickName eq "x""#, #"emails[display eq "x" and primary gt true]"#,
            "active gt true", #"active co "t""#, "userName gt null", "userName co 5", #"name eq "x""#,
            #"emails[urn:x:y:type eq "work"]"#, #"userName[value eq "x"]"#, #"x509Certificates.value sw "MII""#,
        ])
    func validation(_ text: String) {
        #expect(SCIMFixtures.scimType { _ = try SCIMFilter(text, for: SCIMResourceTypes.user) } == "invalidFilter")
    }

    @Test("filters over defined attributes pass the type check")
    func validFilters() throws {
        let user = SCIMResourceTypes.user
        _ = try SCIMFilter(#"emails[type eq "work" and value co "@example.com"] or name.familyName sw "J""#, for: user)
        _ = try SCIMFilter(#"meta.lastModified gt "2011-05-13T04:42:34Z" and not (active eq false)"#, for: user)
        _ = try SCIMFilter(#"\#(SCIMSchemas.enterpriseUserURN):department eq "R&D" and emails pr"#, for: user)
        _ = try SCIMFilter(#"members[value eq "x"] and displayName eq "y""#, for: SCIMResourceTypes.group)
    }

    @Test(
        "equality lookups are recognised for the shapes a store indexes",
        arguments: [
            (#"userName eq "bjensen""#, "userName"), (#"USERNAME Eq "bjensen""#, "userName"),
            (#"externalId eq "bjensen""#, "externalId"), (#"id eq "bjensen""#, "id"),
            (#"displayName eq "bjensen""#, "displayName"), (#"emails.value eq "bjensen""#, "emails.value"),
            (#"emails[value eq "bjensen"]"#, "emails.value"), (#"members[value eq "bjensen"]"#, "members.value"),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen""#, "userName"),
            (#"userName eq "bjensen" and active eq true"#, "userName"),
        ])
    func equalityLookup(_ text: String, _ attribute: String) throws {
        let lookup = try SCIMFilter(text).equalityLookup
        #expect(lookup?.attribute == attribute)
        #expect(lookup?.value == "bjensen")
    }

    @Test(
        "other filters offer no equality lookup",
        arguments: [
            #"userName ne "a""#, #"userName co "a""#, #"title eq "a""#, #"userName eq "a" or id eq "b""#,
            "userName eq 5", #"not (userName eq "a")"#, #"emails[type eq "work"]"#, #"name.givenName eq "a""#,
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "a""#,
        ])
    func noEqualityLookup(_ text: String) throws {
        #expect(try SCIMFilter(text).equalityLookup == nil)
    }
}
