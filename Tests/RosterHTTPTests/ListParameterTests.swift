import Foundation
import RosterModel
import RosterService
import Testing

/// `limit`, `order` and `after` are checked as the reference bounds them, and `next` pages through a list.
@Suite struct ListParameterTests {
    static let groups = "/v1/organization/groups"
    static let users = "/v1/organization/users"
    static let fiveGroups = OrganizationFile(groups: (1...5).map { OrganizationFile.GroupEntry(name: "Group \($0)") })

    @Test("a group list limit outside 0...1000 or not an integer is a 400 whose param is limit", arguments: ["1001", "-1", "abc", "2.5"])
    func groupLimit(_ limit: String) async throws {
        try await Fixture.run { api in
            let error = try expectError(try await api.get("\(Self.groups)?limit=\(limit)"), .badRequest, param: "limit")
            #expect(message(error).contains("limit"))
        }
    }

    @Test("a user list limit outside 1...100 is a 400 whose param is limit", arguments: ["0", "101", "abc"])
    func userLimit(_ limit: String) async throws {
        try await Fixture.run { api in
            try expectError(try await api.get("\(Self.users)?limit=\(limit)"), .badRequest, param: "limit")
        }
    }

    @Test("the bounds of each list's limit are accepted")
    func limitBounds() async throws {
        try await Fixture.run { api in
            for uri in ["\(Self.groups)?limit=0", "\(Self.groups)?limit=1000", "\(Self.users)?limit=1", "\(Self.users)?limit=100"] {
                let reply = try await api.get(uri)
                #expect(reply.status == .ok, "\(uri): \(reply.text)")
            }
        }
    }

    @Test("an order other than asc or desc is a 400 whose param is order")
    func badOrder() async throws {
        try await Fixture.run { api in
            for uri in [
                "\(Self.groups)?order=sideways", "/v1/organization/roles?order=sideways",
                "\(Self.groups)/\(try await api.createGroup())/users?order=sideways",
            ] {
                try expectError(try await api.get(uri), .badRequest, param: "order")
            }
        }
    }

    @Test("an after cursor that is malformed or an id of another kind is a 400 whose param is after")
    func badAfter() async throws {
        try await Fixture.run { api in
            let uris = [
                "\(Self.groups)?after=nope",
                "\(Self.groups)?after=\(Identifier.make(.user))",
                "\(Self.users)?after=\(Identifier.make(.group))",
                "/v1/organization/roles?after=\(Identifier.make(.group))",
            ]
            for uri in uris {
                try expectError(try await api.get(uri), .badRequest, param: "after")
            }
        }
    }

    @Test("following next with limit=2 visits every group once, in creation order, and the last page's next is null")
    func pagingByNext() async throws {
        try await Fixture.run(seeding: Self.fiveGroups) { api in
            let all = try await api.get(Self.groups).ids()
            #expect(all.count == 5)
            var visited: [String] = []
            var uri = "\(Self.groups)?limit=2"
            var pages = 0
            while pages < 10 {
                pages += 1
                let page = try await api.get(uri).object()
                let ids = (page["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                visited += ids
                guard page["has_more"] as? Bool == true else {
                    expectNull(page, "next")
                    break
                }
                let next = try #require(page["next"] as? String, "has_more without next")
                #expect(next == ids.last)
                uri = "\(Self.groups)?limit=2&after=\(next)"
            }
            #expect(pages == 3)
            #expect(visited == all)
            #expect(try await api.get(Self.groups).items().compactMap { $0["name"] as? String } == (1...5).map { "Group \($0)" })
        }
    }

    @Test("order=desc lists groups newest first, and pages in that order too")
    func descending() async throws {
        try await Fixture.run(seeding: Self.fiveGroups) { api in
            let ascending = try await api.get("\(Self.groups)?order=asc").ids()
            let descending = try await api.get("\(Self.groups)?order=desc").ids()
            #expect(descending == Array(ascending.reversed()))
            let first = try await api.get("\(Self.groups)?order=desc&limit=2").object()
            let next = try #require(first["next"] as? String)
            let second = try await api.get("\(Self.groups)?order=desc&limit=2&after=\(next)").ids()
            #expect(second == Array(ascending.reversed()[2..<4]))
        }
    }

    @Test("limit=0 answers an empty page")
    func limitZero() async throws {
        try await Fixture.run(seeding: Self.fiveGroups) { api in
            let reply = try await api.get("\(Self.groups)?limit=0")
            #expect(reply.status == .ok)
            #expect(try reply.items().isEmpty)
        }
    }

    @Test("the users list filters by emails[] with percent-encoded brackets, repeated")
    func emailsFilter() async throws {
        let file = OrganizationFile(users: ["a", "b", "c"].map { OrganizationFile.UserEntry(email: "\($0)@example.com") })
        try await Fixture.run(seeding: file) { api in
            let reply = try await api.get("\(Self.users)?emails%5B%5D=b%40example.com&emails%5B%5D=c@example.com")
            #expect(reply.status == .ok)
            let emails = try reply.items().compactMap { $0["email"] as? String }
            #expect(emails.sorted() == ["b@example.com", "c@example.com"])
            let plain = try await api.get("\(Self.users)?emails=a@example.com").items().compactMap { $0["email"] as? String }
            #expect(plain == ["a@example.com"])
            #expect(try await api.get(Self.users).items().count == 4)
        }
    }
}
