import Foundation
import HTTPTypes
import RosterModel
import Testing

/// Every failure reaches the client as OpenAI's error envelope, with the status and `param` a client can act on.
@Suite struct ErrorEnvelopeTests {
    static let groups = "/v1/organization/groups"

    @Test("a body that is not JSON is a 400 envelope with a null param")
    func malformedJSON() async throws {
        try await Fixture.run { api in
            let reply = try await api.post(Self.groups, #"{"name": "Platform""#)
            try expectError(reply, .badRequest, param: nil, code: "invalid_json")
        }
    }

    @Test("a body that is a JSON array, not an object, is a 400 envelope")
    func arrayBody() async throws {
        try await Fixture.run { api in
            let reply = try await api.post(Self.groups, #"[{"name": "Platform"}]"#)
            try expectError(reply, .badRequest, param: nil)
        }
    }

    @Test("a group name that is missing, not a string or blank is a 400 whose param is name")
    func badName() async throws {
        try await Fixture.run { api in
            for body in [#"{}"#, #"{"name": 5}"#, #"{"name": "   "}"#, #"{"name": null}"#] {
                let reply = try await api.post(Self.groups, body)
                let error = try expectError(reply, .badRequest, param: "name")
                #expect(message(error).contains("name"), "for \(body): \(reply.text)")
            }
            #expect(try await api.get(Self.groups).items().isEmpty, "a refused create made a group")
        }
    }

    @Test("a role with a permission outside the catalogue is a 400 whose param is permissions")
    func unknownPermission() async throws {
        try await Fixture.run { api in
            let reply = try await api.post(
                "/v1/organization/roles", #"{"role_name": "Auditor", "permissions": ["api.groups.read", "api.everything"]}"#)
            let error = try expectError(reply, .badRequest, param: "permissions")
            #expect(message(error).contains("api.everything"))
        }
    }

    @Test("permissions that are not an array of strings are a 400 whose param is permissions and whose message asks for an array")
    func permissionsOfWrongType() async throws {
        try await Fixture.run { api in
            let reply = try await api.post("/v1/organization/roles", #"{"role_name": "Auditor", "permissions": "api.groups.read"}"#)
            let error = try expectError(reply, .badRequest, param: "permissions")
            #expect(message(error).contains("array"), "the message should say an array is expected: \(reply.text)")
        }
    }

    @Test("a request without an Authorization header is a 401 envelope with the documented code missing_api_key")
    func missingKey() async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.get, Self.groups, key: nil)
            try expectError(reply, .unauthorized, param: nil, code: "missing_api_key")
        }
    }

    @Test("an admin key Roster does not know is a 401 envelope with code invalid_api_key")
    func unknownKey() async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.get, Self.groups, key: "sk-admin-not-a-key-roster-knows")
            try expectError(reply, .unauthorized, param: nil, code: "invalid_api_key")
        }
    }

    @Test("an Authorization header that is not 'Bearer <key>' is a 401 envelope", arguments: ["Basic c2stdGVzdC1rZXk=", "Bearer", "Bearer ", "sk-test-key"])
    func malformedBearer(_ header: String) async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.get, Self.groups, key: nil, headers: [.authorization: header])
            try expectError(reply, .unauthorized, param: nil, code: "invalid_api_key")
        }
    }

    @Test("an unknown group id and a malformed one are both 404 envelopes")
    func unknownGroup() async throws {
        try await Fixture.run { api in
            for id in [Identifier.make(.group).rawValue, "group_nope", Identifier.make(.user).rawValue] {
                let reply = try await api.get("\(Self.groups)/\(id)")
                let error = try expectError(reply, .notFound, param: nil)
                #expect(message(error).contains(id), "the message should name '\(id)': \(reply.text)")
            }
        }
    }

    @Test("a known path asked with a method it does not serve is a 405 naming the allowed methods in Allow")
    func wrongMethod() async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.put, Self.groups, json: #"{"name": "Platform"}"#)
            try expectError(reply, .methodNotAllowed, param: nil, code: "method_not_allowed")
            let allow = try #require(reply.headers[.allow])
            #expect(Set(allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) == ["GET", "HEAD", "POST"])

            let onItem = try await api.send(.patch, "\(Self.groups)/\(Identifier.make(.group))")
            try expectError(onItem, .methodNotAllowed, param: nil, code: "method_not_allowed")
            let itemAllow = try #require(onItem.headers[.allow])
            #expect(Set(itemAllow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) == ["GET", "HEAD", "POST", "DELETE"])
        }
    }

    @Test("a path Roster does not serve is a 404 envelope with code unknown_url")
    func unknownPath() async throws {
        try await Fixture.run { api in
            for path in ["/v1/organization/teams", "/v2/organization/groups", "/nothing-here"] {
                try expectError(try await api.get(path), .notFound, param: nil, code: "unknown_url")
            }
        }
    }

    @Test("a body over 1 MiB is a 413 envelope and creates nothing")
    func oversizedBody() async throws {
        try await Fixture.run { api in
            let name = String(repeating: "x", count: 1 << 20)
            let reply = try await api.post(Self.groups, #"{"name": "\#(name)"}"#)
            try expectError(reply, .contentTooLarge, param: nil)
            #expect(try await api.get(Self.groups).items().isEmpty)
        }
    }

    @Test("every response, success or error, carries its own x-request-id")
    func requestIDs() async throws {
        try await Fixture.run { api in
            let replies = [
                try await api.send(.get, "/healthz", key: nil),
                try await api.send(.get, "/openapi.yaml", key: nil),
                try await api.get(Self.groups),
                try await api.post(Self.groups, #"{"name": "Platform"}"#),
                try await api.post(Self.groups, "not json"),
                try await api.send(.get, Self.groups, key: nil),
                try await api.get("\(Self.groups)/group_nope"),
                try await api.send(.put, Self.groups),
                try await api.get("/nowhere"),
            ]
            let ids = replies.map(\.requestID)
            for (reply, id) in zip(replies, ids) {
                #expect(id?.isEmpty == false, "a \(reply.status.code) has no x-request-id")
            }
            #expect(Set(ids.compactMap { $0 }).count == replies.count, "request ids repeat: \(ids)")
        }
    }
}
