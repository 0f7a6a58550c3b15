import Foundation
import HTTPTypes
import RosterModel
import RosterService
import Testing

/// RFC 7644's protocol as a SCIM client meets it: media type, status codes and errors, versions and preconditions,
/// listing, filtering, projection, search and discovery.
@Suite struct SCIMProtocolTests {
    // MARK: Media type, creation, meta

    @Test("every SCIM response, success or error, is application/scim+json")
    func mediaType() async throws {
        try await Fixture.run { api in
            let created = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com"}"#)
            let id = try #require(try created.object()["id"] as? String)
            let group = try await api.createSCIMGroup("Engineering", members: [id])
            let replies: [(String, Reply)] = [
                ("create", created),
                ("get", try await api.scim(.get, "/Users/\(id)")),
                ("list", try await api.scim(.get, "/Users")),
                ("patch", try await api.scim(.patch, "/Users/\(id)", SCIM.patch(#"{"op": "replace", "path": "displayName", "value": "Ann"}"#))),
                ("group", try await api.scim(.get, "/Groups/\(group)")),
                ("search", try await api.scim(.post, "/Users/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"]}"#)),
                ("service provider config", try await api.scim(.get, "/ServiceProviderConfig")),
                ("schemas", try await api.scim(.get, "/Schemas")),
                ("resource types", try await api.scim(.get, "/ResourceTypes")),
                ("not found", try await api.scim(.get, "/Users/\(Identifier.make(.user).rawValue)")),
                ("bad filter", try await api.scim(.get, SCIM.query("/Users", ["filter": "userName eq"]))),
            ]
            for (what, reply) in replies {
                #expect(reply.headers[.contentType] == SCIM.mediaType, "\(what): \(reply.headers[.contentType] ?? "no content type")")
            }
        }
    }

    @Test("creating a user or a group answers 201 with a Location and an ETag that match its meta")
    func createHeaders() async throws {
        try await Fixture.run { api in
            let user = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com"}"#)
            let ann = try #require(try user.object()["id"] as? String)
            let group = try await api.scim(
                .post, "/Groups", #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "Engineering", "members": [{"value": "\#(ann)"}]}"#)
            for (reply, endpoint) in [(user, "Users"), (group, "Groups")] {
                #expect(reply.status == .created, "\(reply.text)")
                let body = try reply.object()
                let id = try #require(body["id"] as? String)
                let meta = try #require(body["meta"] as? [String: Any], "\(reply.text)")
                let location = try #require(reply.headers[.location], "no Location on the 201 for \(endpoint)")
                #expect(location.hasSuffix("/scim/v2/\(endpoint)/\(id)"), "\(location)")
                #expect(location.hasPrefix("http"), "Location should be absolute: \(location)")
                #expect(meta["location"] as? String == location)
                let etag = try #require(reply.headers[.eTag], "no ETag on the 201 for \(endpoint)")
                #expect(etag.range(of: #"^W/"\d+"$"#, options: .regularExpression) != nil, "\(etag)")
                #expect(meta["version"] as? String == etag)
            }
        }
    }

    @Test("meta carries resourceType, created, lastModified, location and version, and the ETag of a read is meta.version")
    func meta() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann])
            for (path, type) in [("/Users/\(ann)", "User"), ("/Groups/\(group)", "Group")] {
                let reply = try await api.scim(.get, path)
                #expect(reply.status == .ok, "\(reply.text)")
                let meta = try #require(try reply.object()["meta"] as? [String: Any], "\(reply.text)")
                #expect(meta["resourceType"] as? String == type)
                for member in ["created", "lastModified"] {
                    let text = try #require(meta[member] as? String, "meta.\(member): \(reply.text)")
                    #expect((try? Date(text, strategy: .iso8601)) != nil, "meta.\(member) is not ISO 8601: \(text)")
                }
                #expect((meta["location"] as? String)?.hasSuffix(path) == true, "\(meta)")
                let version = try #require(meta["version"] as? String)
                #expect(reply.headers[.eTag] == version)
            }
        }
    }

    // MARK: Errors

    /// A userName that another user already has, and how.
    struct Duplicate: CustomTestStringConvertible, Sendable {
        let label: String
        let userName: String
        var testDescription: String { label }
    }

    @Test(
        "creating a user with a taken userName is 409 uniqueness in SCIM's error shape, when the name is",
        arguments: [
            Duplicate(label: "the same", userName: "ann@example.com"),
            Duplicate(label: "the same in another case", userName: "ANN@Example.COM"),
            Duplicate(label: "an imported user's email", userName: Fixture.ownerEmail),
        ])
    func duplicateUserName(_ duplicate: Duplicate) async throws {
        try await Fixture.run { api in
            _ = try await api.createSCIMUser(userName: "ann@example.com")
            let before = try await api.scim(.get, "/Users").resources().count
            let reply = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "\#(duplicate.userName)"}"#)
            let body = try expectSCIMError(reply, .conflict, scimType: "uniqueness")
            #expect(Set(body.keys) == ["schemas", "status", "scimType", "detail"])
            #expect(try await api.scim(.get, "/Users").resources().count == before)
        }
    }

    @Test("renaming a user to a taken userName with PUT or PATCH is 409 uniqueness, and the user keeps its name")
    func renameToTakenUserName() async throws {
        try await Fixture.run { api in
            _ = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            let patch = try await api.scim(.patch, "/Users/\(bob)", SCIM.patch(#"{"op": "replace", "path": "userName", "value": "ann@example.com"}"#))
            try expectSCIMError(patch, .conflict, scimType: "uniqueness")
            let put = try await api.scim(.put, "/Users/\(bob)", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com"}"#)
            try expectSCIMError(put, .conflict, scimType: "uniqueness")
            #expect(try await api.scim(.get, "/Users/\(bob)").object()["userName"] as? String == "bob@example.com")
        }
    }

    @Test("creating a SCIM user whose email another user has is a 409 in SCIM's error shape")
    func duplicateEmail() async throws {
        try await Fixture.run { api in
            let reply = try await api.scim(
                .post, "/Users",
                #"{"schemas": ["\#(SCIM.userURN)"], "userName": "someone-else", "emails": [{"value": "\#(Fixture.ownerEmail)", "type": "work", "primary": true}]}"#)
            try expectSCIMError(reply, .conflict, scimType: "uniqueness")
            #expect(try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "someone-else""#])).resources().isEmpty)
        }
    }

    @Test("creating or renaming a group to a taken displayName is 409 uniqueness in SCIM's error shape")
    func duplicateDisplayName() async throws {
        try await Fixture.run { api in
            _ = try await api.createSCIMGroup("Engineering")
            _ = try await api.createGroup("Platform")
            let sales = try await api.createSCIMGroup("Sales")
            for name in ["Engineering", "engineering", "Platform"] {
                let reply = try await api.scim(.post, "/Groups", #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "\#(name)"}"#)
                let body = try expectSCIMError(reply, .conflict, scimType: "uniqueness")
                #expect(Set(body.keys) == ["schemas", "status", "scimType", "detail"], "\(name)")
            }
            let rename = try await api.scim(.patch, "/Groups/\(sales)", SCIM.patch(#"{"op": "replace", "path": "displayName", "value": "Engineering"}"#))
            try expectSCIMError(rename, .conflict, scimType: "uniqueness")
            #expect(try await api.scim(.get, "/Groups/\(sales)").object()["displayName"] as? String == "Sales")
            #expect(try await api.scim(.get, "/Groups").resources().count == 3)
        }
    }

    @Test("a body that is not JSON, or a PATCH without Operations, is 400 invalidSyntax")
    func malformedJSON() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let group = try await api.createSCIMGroup("Engineering")
            let attempts: [(String, Reply)] = [
                ("POST /Users", try await api.scim(.post, "/Users", #"{"userName": "bob@example.com""#)),
                ("POST /Groups", try await api.scim(.post, "/Groups", "displayName=Sales")),
                ("PUT /Users", try await api.scim(.put, "/Users/\(ann)", #"{"userName": }"#)),
                ("PATCH /Users", try await api.scim(.patch, "/Users/\(ann)", #"{"Operations": [{"op": "replace",]}"#)),
                ("PATCH /Groups", try await api.scim(.patch, "/Groups/\(group)", "[")),
                ("PATCH without Operations", try await api.scim(.patch, "/Users/\(ann)", #"{"schemas": ["\#(SCIM.patchOpURN)"]}"#)),
                ("POST /.search", try await api.scim(.post, "/.search", "{filter}")),
            ]
            for (what, reply) in attempts {
                try expectSCIMError(reply, .badRequest, scimType: "invalidSyntax")
                #expect(reply.status == .badRequest, "\(what)")
            }
            #expect(try await api.scim(.get, "/Users").resources().count == 2)
        }
    }

    @Test(
        "a filter that does not parse, or names an attribute the resource does not have, is 400 invalidFilter",
        arguments: [
            "userName eq", #"userName xx "a""#, #"(userName eq "a""#, #"userName eq "a" and"#, "userName eq bare",
            #"shoeSize eq "9""#, #"emails[type eq "work""#, #"not userName eq "a""#,
        ])
    func badFilter(_ filter: String) async throws {
        try await Fixture.run { api in
            try expectSCIMError(try await api.scim(.get, SCIM.query("/Users", ["filter": filter])), .badRequest, scimType: "invalidFilter")
            try expectSCIMError(
                try await api.scim(.post, "/Users/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"], "filter": \#(SCIM.quoted(filter))}"#),
                .badRequest, scimType: "invalidFilter")
            let groupFilter = filter.replacingOccurrences(of: "userName", with: "displayName")
            try expectSCIMError(try await api.scim(.get, SCIM.query("/Groups", ["filter": groupFilter])), .badRequest, scimType: "invalidFilter")
        }
    }

    @Test("an unknown or malformed id is 404 in SCIM's error shape for every method on Users and Groups")
    func unknownID() async throws {
        try await Fixture.run { api in
            let ids = [
                ("Users", Identifier.make(.user).rawValue), ("Users", "not-an-id"), ("Users", Identifier.make(.group).rawValue),
                ("Groups", Identifier.make(.group).rawValue), ("Groups", "not-an-id"),
            ]
            for (endpoint, id) in ids {
                let body =
                    endpoint == "Users"
                    ? #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ghost@example.com"}"#
                    : #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "Ghosts"}"#
                let replies = [
                    try await api.scim(.get, "/\(endpoint)/\(id)"),
                    try await api.scim(.put, "/\(endpoint)/\(id)", body),
                    try await api.scim(.patch, "/\(endpoint)/\(id)", SCIM.patch(#"{"op": "replace", "path": "externalId", "value": "x"}"#)),
                    try await api.scim(.delete, "/\(endpoint)/\(id)"),
                ]
                for reply in replies { try expectSCIMError(reply, .notFound, scimType: .some(nil)) }
            }
            #expect(try await api.scim(.get, "/Users").resources().count == 1, "nothing was created")
            #expect(try await api.scim(.get, "/Groups").resources().isEmpty, "nothing was created")
        }
    }

    @Test("a missing, unknown or non-bearer key is 401 in SCIM's error shape")
    func unauthenticated() async throws {
        try await Fixture.run { api in
            let missing = try await api.scim(.get, "/Users", key: nil)
            try expectSCIMError(missing, .unauthorized)
            let unknown = try await api.scim(.get, "/Users", key: "sk-not-a-key")
            try expectSCIMError(unknown, .unauthorized)
            let basic = try await api.send(.get, "/scim/v2/Groups", key: nil, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            try expectSCIMError(basic, .unauthorized)
            let create = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "x@example.com"}"#, key: "sk-not-a-key")
            try expectSCIMError(create, .unauthorized)
            #expect(try await api.scim(.get, "/Users").resources().count == 1, "the unauthenticated create made nothing")
        }
    }

    @Test("an unknown SCIM endpoint is 404 in SCIM's error shape")
    func unknownEndpoint() async throws {
        try await Fixture.run { api in
            try expectSCIMError(try await api.scim(.get, "/Bulk"), .notFound)
            try expectSCIMError(try await api.scim(.get, "/Widgets/1"), .notFound)
        }
    }

    // MARK: Versions and preconditions

    /// The number inside a weak ETag such as `W/"3"`.
    static func versionNumber(_ etag: String?) -> Int? {
        guard let etag, etag.hasPrefix("W/\""), etag.hasSuffix("\"") else { return nil }
        return Int(etag.dropFirst(3).dropLast())
    }

    @Test("If-Match with a stale version is 412 for PUT, PATCH and DELETE of a user, and nothing changes")
    func staleIfMatchOnUser() async throws {
        try await Fixture.run { api in
            let created = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com", "displayName": "Ann"}"#)
            let ann = try #require(try created.object()["id"] as? String)
            let stale = try #require(created.headers[.eTag])
            let renamed = try await api.scim(.patch, "/Users/\(ann)", SCIM.patch(#"{"op": "replace", "path": "displayName", "value": "Ann B"}"#))
            let current = try #require(renamed.headers[.eTag])
            #expect(current != stale)

            let attempts = [
                try await api.scim(.patch, "/Users/\(ann)", SCIM.patch(#"{"op": "replace", "path": "displayName", "value": "Stale"}"#), ifMatch: stale),
                try await api.scim(.put, "/Users/\(ann)", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com", "displayName": "Stale"}"#, ifMatch: stale),
                try await api.scim(.delete, "/Users/\(ann)", ifMatch: stale),
            ]
            for reply in attempts { try expectSCIMError(reply, .preconditionFailed) }
            let after = try await api.scim(.get, "/Users/\(ann)")
            #expect(after.status == .ok)
            #expect(try after.object()["displayName"] as? String == "Ann B")
            #expect(after.headers[.eTag] == current)
            #expect(try await api.get("/v1/organization/users/\(ann)").object()["name"] as? String == "Ann B")
        }
    }

    @Test("If-Match with the current ETag lets PATCH, PUT and DELETE through, each write raising the version")
    func currentIfMatch() async throws {
        try await Fixture.run { api in
            let created = try await api.scim(.post, "/Users", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com"}"#)
            let ann = try #require(try created.object()["id"] as? String)
            var etag = try #require(created.headers[.eTag])

            let patched = try await api.scim(.patch, "/Users/\(ann)", SCIM.patch(#"{"op": "replace", "path": "displayName", "value": "Ann"}"#), ifMatch: etag)
            #expect(patched.status == .ok, "\(patched.text)")
            let afterPatch = try #require(Self.versionNumber(patched.headers[.eTag]), "\(patched.headers)")
            #expect(afterPatch > (try #require(Self.versionNumber(etag))))
            #expect((try patched.object()["meta"] as? [String: Any])?["version"] as? String == patched.headers[.eTag])
            etag = try #require(patched.headers[.eTag])

            let put = try await api.scim(.put, "/Users/\(ann)", #"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com", "displayName": "Ann C"}"#, ifMatch: etag)
            #expect(put.status == .ok, "\(put.text)")
            #expect(try #require(Self.versionNumber(put.headers[.eTag])) > afterPatch)
            etag = try #require(put.headers[.eTag])

            let deleted = try await api.scim(.delete, "/Users/\(ann)", ifMatch: etag)
            #expect(deleted.status == .noContent, "\(deleted.text)")
            try expectSCIMError(try await api.scim(.get, "/Users/\(ann)"), .notFound)
        }
    }

    @Test("If-Match on a group: a stale version is 412 and keeps the members; the current one applies the PATCH")
    func ifMatchOnGroup() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            let group = try await api.createSCIMGroup("Engineering", members: [ann])
            let first = try #require(try await api.scim(.get, "/Groups/\(group)").headers[.eTag])
            let add = SCIM.patch(#"{"op": "add", "path": "members", "value": [{"value": "\#(bob)"}]}"#)
            let applied = try await api.scim(.patch, "/Groups/\(group)", add, ifMatch: first)
            #expect(applied.status == .ok, "\(applied.text)")
            let second = try #require(applied.headers[.eTag])
            #expect(try #require(Self.versionNumber(second)) > (try #require(Self.versionNumber(first))))

            let remove = SCIM.patch(#"{"op": "remove", "path": "members[value eq \"\#(ann)\"]"}"#)
            try expectSCIMError(try await api.scim(.patch, "/Groups/\(group)", remove, ifMatch: first), .preconditionFailed)
            try expectSCIMError(try await api.scim(.delete, "/Groups/\(group)", ifMatch: first), .preconditionFailed)
            #expect(try await api.scimMemberIDs(group).sorted() == [ann, bob].sorted())
            #expect(try await api.scim(.get, "/Groups/\(group)").headers[.eTag] == second)
        }
    }

    // MARK: Listing

    @Test("startIndex and count page through users in a stable id order, with integer totalResults, itemsPerPage and startIndex")
    func paging() async throws {
        try await Fixture.run { api in
            for index in 0..<5 { _ = try await api.createSCIMUser(userName: "pager\(index)@example.com") }
            let all = try await api.scim(.get, "/Users").resources().compactMap { $0["id"] as? String }
            #expect(all.count == 6)
            #expect(all == all.sorted(), "users are not listed in id order: \(all)")

            var paged: [String] = []
            for (start, expected) in [(1, 2), (3, 2), (5, 2), (7, 0)] {
                let reply = try await api.scim(.get, "/Users?startIndex=\(start)&count=2")
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(try reply.object()["schemas"] as? [String] == [SCIM.listResponseURN])
                #expect(reply.hasInteger("totalResults", 6), "\(reply.text)")
                #expect(reply.hasInteger("itemsPerPage", expected), "\(reply.text)")
                #expect(reply.hasInteger("startIndex", start), "\(reply.text)")
                paged += try reply.resources().compactMap { $0["id"] as? String }
            }
            #expect(paged == all)

            var filtered: [String] = []
            for start in [1, 3, 5] {
                let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName sw "pager""#, "startIndex": "\(start)", "count": "2"]))
                #expect(reply.hasInteger("totalResults", 5), "\(reply.text)")
                filtered += try reply.resources().compactMap { $0["id"] as? String }
            }
            #expect(filtered == all.filter { filtered.contains($0) } && filtered.count == 5, "\(filtered) against \(all)")

            let countOnly = try await api.scim(.get, "/Users?count=0")
            #expect(countOnly.hasInteger("totalResults", 6), "\(countOnly.text)")
            #expect(try countOnly.resources().isEmpty)
        }
    }

    @Test("attributes=userName returns only schemas, id and userName; excludedAttributes=emails returns all but the emails")
    func projections() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(
                userName: "ann@example.com",
                #""displayName": "Ann", "name": {"givenName": "Ann", "familyName": "Archer"}, "emails": [{"value": "ann@work.example", "type": "work"}]"#)
            let single = try await api.scim(.get, "/Users/\(ann)?attributes=userName").object()
            #expect(Set(single.keys) == ["schemas", "id", "userName"], "\(single)")
            let listed = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "ann@example.com""#, "attributes": "userName"]))
            #expect(try listed.resources().map { Set($0.keys) } == [["schemas", "id", "userName"]], "\(listed.text)")

            let excluded = try await api.scim(.get, "/Users/\(ann)?excludedAttributes=emails").object()
            #expect(excluded["emails"] == nil, "\(excluded)")
            for member in ["schemas", "id", "userName", "displayName", "name", "meta"] {
                #expect(excluded[member] != nil, "excludedAttributes=emails dropped \(member): \(excluded)")
            }
            let excludedList = try await api.scim(.get, SCIM.query("/Users", ["excludedAttributes": "emails"])).resources()
            #expect(excludedList.allSatisfy { $0["emails"] == nil && $0["userName"] != nil })

            let sub = try await api.scim(.get, "/Users/\(ann)?attributes=name.givenName").object()
            #expect(sub["name"] as? [String: String] == ["givenName": "Ann"], "\(sub)")
            #expect(sub["displayName"] == nil)
        }
    }

    @Test("POST /Users/.search and POST /.search filter, page and project like GET, answering 200 with a ListResponse")
    func search() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com", #""externalId": "shared""#)
            _ = try await api.createSCIMUser(userName: "bob@example.com")
            let group = try await api.scim(.post, "/Groups", #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "Engineering", "externalId": "shared"}"#)
            let groupID = try #require(try group.object()["id"] as? String)

            let users = try await api.scim(
                .post, "/Users/.search",
                #"{"schemas": ["\#(SCIM.searchRequestURN)"], "filter": "userName sw \"ann\"", "attributes": ["userName"], "startIndex": 1, "count": 10}"#)
            #expect(users.status == .ok, "\(users.text)")
            #expect(try users.object()["schemas"] as? [String] == [SCIM.listResponseURN])
            #expect(try users.resources().map { Set($0.keys) } == [["schemas", "id", "userName"]], "\(users.text)")
            #expect(try users.resources().first?["id"] as? String == ann)

            let both = try await api.scim(.post, "/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"], "filter": "externalId eq \"shared\""}"#)
            #expect(both.status == .ok, "\(both.text)")
            #expect(both.hasInteger("totalResults", 2), "\(both.text)")
            let found = try both.resources()
            #expect(found.map { $0["id"] as? String } == [ann, groupID])
            #expect(found.map { ($0["meta"] as? [String: Any])?["resourceType"] as? String } == ["User", "Group"])

            let second = try await api.scim(
                .post, "/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"], "filter": "externalId eq \"shared\"", "startIndex": 2, "count": 1}"#)
            #expect(second.hasInteger("totalResults", 2), "\(second.text)")
            #expect(try second.resources().map { $0["id"] as? String } == [groupID], "\(second.text)")

            let everything = try await api.scim(.post, "/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"]}"#)
            #expect(everything.hasInteger("totalResults", 4), "3 users and 1 group: \(everything.text)")
        }
    }

    @Test("POST /.search with a filter naming an attribute only Users have finds those users (RFC 7644 §3.4.2: the Groups lack it, so it does not match them)")
    func rootSearchWithUserAttribute() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            _ = try await api.createSCIMGroup("Engineering", members: [ann])
            let reply = try await api.scim(.post, "/.search", #"{"schemas": ["\#(SCIM.searchRequestURN)"], "filter": "userName sw \"ann\""}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.resources().map { $0["id"] as? String } == [ann], "\(reply.text)")
            #expect(reply.hasInteger("totalResults", 1), "\(reply.text)")
        }
    }

    // MARK: Filters

    /// Users with known attributes, beside the owner (`owner@example.com`, imported, with a primary work email).
    static func makePeople(_ api: Fixture) async throws {
        _ = try await api.createSCIMUser(
            userName: "ann@example.com",
            #""displayName": "Ann Archer", "name": {"givenName": "Ann", "familyName": "Archer"}, "title": "Engineer", "active": true, "externalId": "ext-ann", "emails": [{"value": "ann@work.example", "type": "work", "primary": true}]"#
        )
        _ = try await api.createSCIMUser(
            userName: "bob@example.org",
            #""displayName": "Bob Baker", "active": false, "externalId": "ext-bob", "emails": [{"value": "bob@home.example", "type": "home"}, {"value": "bob@work.example", "type": "work"}]"#
        )
        _ = try await api.createSCIMUser(userName: "cy", #""displayName": "Cy Young", "active": true, "externalId": "ext-cy""#)
    }

    /// A filter and the userNames it selects.
    struct FilterCase: CustomTestStringConvertible, Sendable {
        let filter: String
        let userNames: [String]
        var testDescription: String { filter }
    }

    static let owner = Fixture.ownerEmail
    static let filterCases: [FilterCase] = [
        FilterCase(filter: #"userName eq "ann@example.com""#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"userName eq "ANN@Example.com""#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"USERNAME SW "ANN""#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"userName sw "ann" or userName sw "bob""#, userNames: ["ann@example.com", "bob@example.org"]),
        FilterCase(filter: #"userName ew "@example.com" and not (userName sw "owner")"#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"(userName sw "ann" or userName sw "bob") and active eq true"#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"active eq false"#, userNames: ["bob@example.org"]),
        FilterCase(filter: #"name.familyName pr"#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"title pr and displayName co "archer""#, userNames: ["ann@example.com"]),
        FilterCase(filter: #"displayName co "young""#, userNames: ["cy"]),
        FilterCase(filter: #"not (emails pr)"#, userNames: ["cy"]),
        FilterCase(filter: #"emails[type eq "work" and value ew "@work.example"]"#, userNames: ["ann@example.com", "bob@example.org"]),
        FilterCase(filter: #"emails[type eq "work" and value eq "bob@work.example"]"#, userNames: ["bob@example.org"]),
        FilterCase(filter: #"emails.value ew "@home.example""#, userNames: ["bob@example.org"]),
        FilterCase(filter: #"externalId eq "ext-cy""#, userNames: ["cy"]),
        FilterCase(filter: #"externalId eq "EXT-CY""#, userNames: []),
        FilterCase(filter: #"externalId sw "ext-" and not (externalId eq "ext-bob")"#, userNames: ["ann@example.com", "cy"]),
        FilterCase(filter: #"meta.lastModified gt "2000-01-01T00:00:00Z""#, userNames: ["ann@example.com", "bob@example.org", "cy", owner]),
        FilterCase(filter: #"meta.lastModified lt "2000-01-01T01:00:00+01:00""#, userNames: []),
        FilterCase(filter: #"meta.resourceType eq "User" and active eq false"#, userNames: ["bob@example.org"]),
    ]

    @Test("a user filter selects exactly the users it describes:", arguments: filterCases)
    func userFilter(_ example: FilterCase) async throws {
        try await Fixture.run { api in
            try await Self.makePeople(api)
            let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": example.filter]))
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.userNames().sorted() == example.userNames.sorted(), "\(reply.text)")
            #expect(reply.hasInteger("totalResults", example.userNames.count), "\(reply.text)")
        }
    }

    @Test("Entra's filter emails[type eq \"work\"].value eq \"…\" finds the user with that work email")
    func entraWorkEmailFilter() async throws {
        try await Fixture.run { api in
            try await Self.makePeople(api)
            let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": #"emails[type eq "work"].value eq "bob@work.example""#]))
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.userNames() == ["bob@example.org"], "\(reply.text)")
        }
    }

    @Test("a user created without active is active, and filter active eq true finds it")
    func activeByDefault() async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            #expect(try await api.adminUserIDs().contains(ann))
            let reply = try await api.scim(.get, SCIM.query("/Users", ["filter": #"userName eq "ann@example.com" and active eq true"#]))
            #expect(try reply.resources().map { $0["id"] as? String } == [ann], "\(reply.text)")
        }
    }

    @Test("meta.lastModified ge a user's own lastModified finds it, and gt does not")
    func lastModifiedBoundary() async throws {
        try await Fixture.run { api in
            let created = try await api.createSCIMUser(#"{"schemas": ["\#(SCIM.userURN)"], "userName": "ann@example.com"}"#)
            let lastModified = try #require((created["meta"] as? [String: Any])?["lastModified"] as? String)
            let ge = try await api.scim(
                .get, SCIM.query("/Users", ["filter": #"userName eq "ann@example.com" and meta.lastModified ge "\#(lastModified)""#]))
            #expect(try ge.userNames() == ["ann@example.com"], "\(ge.text)")
            let gt = try await api.scim(
                .get, SCIM.query("/Users", ["filter": #"userName eq "ann@example.com" and meta.lastModified gt "\#(lastModified)""#]))
            #expect(try gt.userNames().isEmpty, "\(gt.text)")
        }
    }

    /// A group filter (with `{ann}` and `{bob}` standing for those users' ids) and the displayNames it selects.
    struct GroupFilterCase: CustomTestStringConvertible, Sendable {
        let filter: String
        let displayNames: [String]
        var testDescription: String { filter }
    }

    @Test(
        "a group filter selects exactly the groups it describes:",
        arguments: [
            GroupFilterCase(filter: #"displayName eq "engineering""#, displayNames: ["Engineering"]),
            GroupFilterCase(filter: #"members[value eq "{ann}"]"#, displayNames: ["Engineering"]),
            GroupFilterCase(filter: #"members.value eq "{bob}""#, displayNames: ["Engineering", "Sales"]),
            GroupFilterCase(filter: #"members eq "{bob}" and not (displayName eq "Sales")"#, displayNames: ["Engineering"]),
            GroupFilterCase(filter: #"not (members pr)"#, displayNames: ["Empty"]),
            GroupFilterCase(filter: #"displayName sw "e" and members pr"#, displayNames: ["Engineering"]),
            GroupFilterCase(filter: #"externalId eq "g-ext-1""#, displayNames: ["Engineering"]),
        ])
    func groupFilter(_ example: GroupFilterCase) async throws {
        try await Fixture.run { api in
            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let bob = try await api.createSCIMUser(userName: "bob@example.com")
            let engineering = try await api.scim(
                .post, "/Groups",
                #"{"schemas": ["\#(SCIM.groupURN)"], "displayName": "Engineering", "externalId": "g-ext-1", "members": [{"value": "\#(ann)"}, {"value": "\#(bob)"}]}"#)
            #expect(engineering.status == .created, "\(engineering.text)")
            _ = try await api.createSCIMGroup("Sales", members: [bob])
            _ = try await api.createSCIMGroup("Empty")
            let filter = example.filter.replacingOccurrences(of: "{ann}", with: ann).replacingOccurrences(of: "{bob}", with: bob)
            for excluded in [nil, "members"] as [String?] {
                let uri =
                    excluded.map { SCIM.query("/Groups", ["filter": filter, "excludedAttributes": $0]) } ?? SCIM.query("/Groups", ["filter": filter])
                let reply = try await api.scim(.get, uri)
                #expect(reply.status == .ok, "\(reply.text)")
                let resources = try reply.resources()
                #expect(resources.compactMap { $0["displayName"] as? String }.sorted() == example.displayNames.sorted(), "\(uri): \(reply.text)")
                if excluded != nil { #expect(resources.allSatisfy { $0["members"] == nil }, "\(reply.text)") }
            }
        }
    }

    // MARK: Discovery

    @Test("ServiceProviderConfig announces PATCH, filtering and ETags as supported, and bulk, sorting and password changes as not")
    func serviceProviderConfig() async throws {
        try await Fixture.run { api in
            let reply = try await api.scim(.get, "/ServiceProviderConfig")
            #expect(reply.status == .ok, "\(reply.text)")
            let config = try reply.object()
            #expect(config["schemas"] as? [String] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
            #expect((config["documentationUri"] as? String)?.hasSuffix("/openapi.yaml") == true)
            func supported(_ feature: String) -> Bool? { (config[feature] as? [String: Any])?["supported"] as? Bool }
            #expect(supported("patch") == true)
            #expect(supported("bulk") == false)
            #expect(supported("filter") == true)
            #expect(supported("etag") == true)
            #expect(supported("sort") == false)
            #expect(supported("changePassword") == false)
            #expect(((config["filter"] as? [String: Any])?["maxResults"] as? Int ?? 0) > 0)
            let schemes = config["authenticationSchemes"] as? [[String: Any]] ?? []
            #expect(schemes.contains { $0["type"] as? String == "oauthbearertoken" }, "\(reply.text)")
        }
    }

    @Test("/Schemas lists the User, EnterpriseUser and Group schemas, each also readable by its URN")
    func schemas() async throws {
        try await Fixture.run { api in
            let reply = try await api.scim(.get, "/Schemas")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.hasInteger("totalResults", 3), "\(reply.text)")
            let ids = try reply.resources().compactMap { $0["id"] as? String }
            #expect(Set(ids) == [SCIM.userURN, SCIM.enterpriseURN, SCIM.groupURN])
            for urn in [SCIM.userURN, SCIM.enterpriseURN, SCIM.groupURN] {
                let schema = try await api.scim(.get, "/Schemas/\(urn)")
                #expect(schema.status == .ok, "\(urn): \(schema.text)")
                #expect(try schema.object()["id"] as? String == urn)
                #expect((try schema.object()["attributes"] as? [[String: Any]])?.isEmpty == false)
            }
            let user = try await api.scim(.get, "/Schemas/\(SCIM.userURN)").object()
            let userName = (user["attributes"] as? [[String: Any]])?.first { $0["name"] as? String == "userName" }
            #expect(userName?["uniqueness"] as? String == "server")
            #expect(userName?["required"] as? Bool == true)
            try expectSCIMError(try await api.scim(.get, "/Schemas/urn:example:no-such-schema"), .notFound)
        }
    }

    @Test("/ResourceTypes lists User and Group, and the User type carries the enterprise extension")
    func resourceTypes() async throws {
        try await Fixture.run { api in
            let list = try await api.scim(.get, "/ResourceTypes")
            #expect(list.status == .ok, "\(list.text)")
            #expect(list.hasInteger("totalResults", 2), "\(list.text)")
            #expect(Set(try list.resources().compactMap { $0["id"] as? String }) == ["User", "Group"])

            let user = try await api.scim(.get, "/ResourceTypes/User").object()
            #expect(user["endpoint"] as? String == "/Users")
            #expect(user["schema"] as? String == SCIM.userURN)
            let extensions = user["schemaExtensions"] as? [[String: Any]] ?? []
            #expect(extensions.count == 1)
            #expect(extensions.first?["schema"] as? String == SCIM.enterpriseURN)
            #expect(extensions.first?["required"] as? Bool == false)

            let group = try await api.scim(.get, "/ResourceTypes/Group").object()
            #expect(group["endpoint"] as? String == "/Groups")
            #expect(group["schema"] as? String == SCIM.groupURN)
            try expectSCIMError(try await api.scim(.get, "/ResourceTypes/Widget"), .notFound)
        }
    }

    @Test("a method a SCIM path does not serve is 405 in SCIM's error shape with an Allow header, as PUT /ServiceProviderConfig")
    func methodNotAllowed() async throws {
        try await Fixture.run { api in
            let put = try await api.scim(.put, "/ServiceProviderConfig", #"{"patch": {"supported": false}}"#)
            try expectSCIMError(put, .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, HEAD", "\(put.headers)")
            let config = try await api.scim(.get, "/ServiceProviderConfig").object()
            #expect((config["patch"] as? [String: Any])?["supported"] as? Bool == true)

            let ann = try await api.createSCIMUser(userName: "ann@example.com")
            let post = try await api.scim(.post, "/Users/\(ann)", #"{"userName": "x"}"#)
            try expectSCIMError(post, .methodNotAllowed)
            let allowed = Set((post.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(allowed == ["GET", "HEAD", "PUT", "PATCH", "DELETE"], "\(post.headers)")
        }
    }
}
