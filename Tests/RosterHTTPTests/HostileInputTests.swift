import Foundation
import HTTPTypes
import RosterModel
import Testing

/// Hostile input is bounded: every filter, PATCH and string has a cap, and what is past it is a 400 that changes
/// nothing.
@Suite("Hostile input")
struct HostileInputTests {
    @Test("a SCIM PATCH of more operations or values than the caps is 400 tooMany and changes nothing")
    func patchCaps() async throws {
        try await Fixture.run { api in
            let groupID = try await api.createGroup("Big")
            let operation = #"{"op": "replace", "path": "displayName", "value": "X"}"#
            let many = Array(repeating: operation, count: 101).joined(separator: ", ")
            let body = #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [\#(many)]}"#
            try expectSCIMError(try await api.scim(.patch, "/Groups/\(groupID)", body), .badRequest, scimType: "tooMany")
            let members = (0..<1001).map { #"{"value": "user_\#($0)"}"# }.joined(separator: ", ")
            let values = SCIM.patch(#"{"op": "add", "path": "members", "value": [\#(members)]}"#)
            try expectSCIMError(try await api.scim(.patch, "/Groups/\(groupID)", values), .badRequest, scimType: "tooMany")
            #expect(try await api.get("/v1/organization/groups/\(groupID)").object()["name"] as? String == "Big")
        }
    }

    @Test("a PATCH adding hundreds of members to a large group, and removing them, is answered")
    func patchIsLinear() async throws {
        try await Fixture.run { api in
            var ids: [String] = []
            for index in 0..<300 { ids.append(try await api.createSCIMUser(userName: "member\(index)@example.com")) }
            let group = try await api.scim(.post, "/Groups", #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Large"}"#)
            let groupID = try #require(try group.object()["id"] as? String)
            let values = ids.map { #"{"value": "\#($0)"}"# }.joined(separator: ", ")
            try await api.expectOK(api.scim(.patch, "/Groups/\(groupID)", SCIM.patch(#"{"op": "add", "path": "members", "value": [\#(values), \#(values)]}"#)))
            #expect(try await api.scimMemberIDs(groupID).count == 300)
            let half = ids.prefix(150).map { #"{"value": "\#($0)"}"# }.joined(separator: ", ")
            try await api.expectOK(api.scim(.patch, "/Groups/\(groupID)", SCIM.patch(#"{"op": "remove", "path": "members", "value": [\#(half)]}"#)))
            #expect(Set(try await api.scimMemberIDs(groupID)) == Set(ids.dropFirst(150)))
        }
    }

    @Test("a SCIM .search body that is not an object, or whose filter is not a string, is 400, never an unfiltered list")
    func searchBodies() async throws {
        try await Fixture.run { api in
            _ = try await api.createSCIMUser(userName: "sam@example.com")
            for body in [#"["filter"]"#, #""userName eq \"sam@example.com\"""#, #"{"filter": 7}"#, #"{"filter": ["userName pr"]}"#, #"{"count": "ten"}"#] {
                let reply = try await api.scim(.post, "/Users/.search", body)
                try expectSCIMError(reply, .badRequest)
            }
            let filter = Array(repeating: #"userName eq \"x\""#, count: 21).joined(separator: " or ")
            try expectSCIMError(try await api.scim(.post, "/Users/.search", #"{"filter": "\#(filter)"}"#), .badRequest, scimType: "invalidFilter")
        }
    }

    @Test("invalid UTF-8 in a SCIM body is 400, as in the Admin API")
    func invalidUTF8() async throws {
        try await Fixture.run { api in
            var bytes = Array(#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bad"#.utf8)
            bytes += [0xC3, 0x28]
            bytes += Array(#""}"#.utf8)
            let scim = try await api.sendBytes(.post, "/scim/v2/Users", bytes, contentType: SCIM.mediaType)
            try expectSCIMError(scim, .badRequest, scimType: "invalidSyntax")
            let v1 = try await api.sendBytes(.post, "/v1/organization/groups", Array(#"{"name": "bad"#.utf8) + [0xFF] + Array(#""}"#.utf8))
            try expectError(v1, .badRequest, param: nil, code: "invalid_json")
        }
    }

    @Test("JSON is parsed strictly: a trailing comma or a comment is 400 invalid_json, in the Admin API and in SCIM")
    func strictJSON() async throws {
        try await Fixture.run { api in
            try expectError(try await api.post("/v1/organization/groups", #"{"name": "Trailing",}"#), .badRequest, param: nil, code: "invalid_json")
            try expectError(try await api.post("/v1/organization/groups", #"{"name": "X" /* c */}"#), .badRequest, param: nil, code: "invalid_json")
            let scim = #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Trailing",}"#
            try expectSCIMError(try await api.scim(.post, "/Groups", scim), .badRequest, scimType: "invalidSyntax")
            #expect(try await api.get("/v1/organization/groups").items().isEmpty)
        }
    }

    @Test("names with control characters, or longer than 255 Unicode scalars however they render, are 400")
    func hostileNames() async throws {
        try await Fixture.run { api in
            for name in ["nul\\u0000byte", "line\\nbreak", "bell\\u0007", "A" + String(repeating: "\\u0301", count: 5000), String(repeating: "x", count: 256)] {
                try expectError(try await api.post("/v1/organization/groups", #"{"name": "\#(name)"}"#), .badRequest, param: "name")
                try expectError(try await api.post("/v1/organization/roles", #"{"role_name": "\#(name)", "permissions": []}"#), .badRequest, param: "role_name")
                let scim = #"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "\#(name)"}"#
                try expectSCIMError(try await api.scim(.post, "/Users", scim), .badRequest)
            }
            try expectError(try await api.post("/v1/organization/invites", #"{"email": "a\u0000@example.com", "role": "reader"}"#), .badRequest, param: "email")
            let longEmail = String(repeating: "a", count: 250) + "@example.com"
            try expectError(try await api.post("/v1/organization/invites", #"{"email": "\#(longEmail)", "role": "reader"}"#), .badRequest, param: "email")
            let description = String(repeating: "d", count: 1025)
            try expectError(
                try await api.post("/v1/organization/roles", #"{"role_name": "Long", "permissions": [], "description": "\#(description)"}"#),
                .badRequest, param: "description")
            #expect(try await api.get("/v1/organization/groups").items().isEmpty)
        }
    }

    @Test("names compare after NFC normalization: café composed and decomposed are one name")
    func normalizedNames() async throws {
        try await Fixture.run { api in
            try await api.expectOK(api.post("/v1/organization/groups", #"{"name": "Caf\u00e9"}"#))
            let decomposed = try await api.post("/v1/organization/groups", #"{"name": "Cafe\u0301"}"#)
            try expectError(decomposed, .conflict, param: nil)
            let scim = try await api.scim(.get, "/Groups?filter=" + "displayName eq \"cafe\u{0301}\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(try scim.object()["totalResults"] as? Int == 1, "\(scim.text)")
        }
    }
}
