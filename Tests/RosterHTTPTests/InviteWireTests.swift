import Foundation
import RosterModel
import RosterService
import Testing

/// Invites over `/v1/organization/invites`: every operation's 200 in the shape of OpenAI's reference, the errors of
/// the invite rules, and acceptance when the invited address is provisioned over SCIM.
@Suite struct InviteWireTests {
    static let invite = ["object", "id", "email", "role", "status", "created_at", "expires_at", "accepted_at", "projects"]
    static let rangeList = ["object", "data", "first_id", "last_id", "has_more"]

    @Test("the four invite operations answer 200 in the reference's shapes")
    func invites() async throws {
        try await Fixture.run { api in
            let project = try await api.organization.createProject(name: "Apollo").id.rawValue
            let created = try await api.post(
                "/v1/organization/invites",
                #"{"email": "dee@example.com", "role": "reader", "projects": [{"id": "\#(project)", "role": "member"}]}"#)
            #expect(created.status == .ok, "\(created.text)")
            let invite = try created.object()
            expectFields(invite, Self.invite, in: "inviteUser")
            let id = try #require(invite["id"] as? String)
            #expect(id.hasPrefix("invite-"))
            #expect(invite["object"] as? String == "organization.invite")
            #expect(invite["email"] as? String == "dee@example.com")
            #expect(invite["role"] as? String == "reader")
            #expect(invite["status"] as? String == "pending")
            let createdAt = try #require(invite["created_at"] as? Int)
            #expect(invite["expires_at"] as? Int == createdAt + 7 * 24 * 60 * 60)
            expectNull(invite, "accepted_at")
            let projects = try #require(invite["projects"] as? [[String: Any]])
            #expect(projects.map { $0["id"] as? String } == [project])
            #expect(projects.map { $0["role"] as? String } == ["member"])

            let list = try await api.get("/v1/organization/invites?limit=10")
            #expect(list.status == .ok)
            let page = try list.object()
            expectFields(page, Self.rangeList, in: "list-invites")
            #expect(page["first_id"] as? String == id)
            #expect(page["last_id"] as? String == id)
            #expect(page["has_more"] as? Bool == false)
            for item in try list.items() { expectFields(item, Self.invite, in: "a listed invite") }

            let retrieved = try await api.get("/v1/organization/invites/\(id)")
            #expect(retrieved.status == .ok)
            expectFields(try retrieved.object(), Self.invite, in: "retrieve-invite")

            let deleted = try await api.delete("/v1/organization/invites/\(id)")
            #expect(deleted.status == .ok)
            let body = try deleted.object()
            #expect(body["object"] as? String == "organization.invite.deleted")
            #expect(body["id"] as? String == id)
            #expect(body["deleted"] as? Bool == true)
            try expectError(try await api.get("/v1/organization/invites/\(id)"), .notFound, param: nil, code: "not_found")
            let empty = try await api.get("/v1/organization/invites").object()
            expectNull(empty, "first_id")
            expectNull(empty, "last_id")
        }
    }

    @Test("invites page by after and limit, oldest first, with limit from 1 to 100")
    func paging() async throws {
        try await Fixture.run { api in
            var ids: [String] = []
            for name in ["a", "b", "c"] {
                let reply = try await api.post("/v1/organization/invites", #"{"email": "\#(name)@example.com", "role": "reader"}"#)
                ids.append(try #require(try reply.object()["id"] as? String))
            }
            let first = try await api.get("/v1/organization/invites?limit=2")
            #expect(try first.ids() == Array(ids.prefix(2)))
            #expect(try first.object()["has_more"] as? Bool == true)
            let rest = try await api.get("/v1/organization/invites?limit=2&after=\(ids[1])")
            #expect(try rest.ids() == [ids[2]])
            #expect(try rest.object()["has_more"] as? Bool == false)
            try expectError(try await api.get("/v1/organization/invites?limit=0"), .badRequest, param: "limit")
            try expectError(try await api.get("/v1/organization/invites?after=user_x"), .badRequest, param: "after")
        }
    }

    @Test("a bad email or role answers 400 naming it, and a missing role names the field")
    func badRequests() async throws {
        try await Fixture.run { api in
            try expectError(
                try await api.post("/v1/organization/invites", #"{"email": "nobody", "role": "reader"}"#), .badRequest, param: "email")
            try expectError(
                try await api.post("/v1/organization/invites", #"{"email": "dee@example.com", "role": "admin"}"#), .badRequest, param: "role")
            try expectError(
                try await api.post("/v1/organization/invites", #"{"email": "dee@example.com"}"#), .badRequest, param: "role",
                code: "missing_required_parameter")
            try expectError(
                try await api.post(
                    "/v1/organization/invites",
                    #"{"email": "dee@example.com", "role": "reader", "projects": [{"id": "proj_x", "role": "viewer"}]}"#),
                .badRequest, param: "projects[0].role")
        }
    }

    @Test("inviting a member answers 409 already_member, a second pending invite 409 invite_exists, an unknown project 404")
    func conflicts() async throws {
        try await Fixture.run { api in
            let member = try await api.post("/v1/organization/invites", #"{"email": "\#(Fixture.ownerEmail)", "role": "reader"}"#)
            try expectError(member, .conflict, param: "email", code: "already_member")
            #expect(try await api.post("/v1/organization/invites", #"{"email": "dee@example.com", "role": "reader"}"#).status == .ok)
            let again = try await api.post("/v1/organization/invites", #"{"email": "DEE@example.com", "role": "owner"}"#)
            try expectError(again, .conflict, param: "email", code: "invite_exists")
            let unknown = try await api.post(
                "/v1/organization/invites",
                #"{"email": "eve@example.com", "role": "reader", "projects": [{"id": "\#(Identifier.make(.project))", "role": "member"}]}"#)
            try expectError(unknown, .notFound, param: nil, code: "not_found")
        }
    }

    @Test("provisioning the invited address over SCIM accepts the invite, which then cannot be deleted")
    func scimProvisioningAcceptsTheInvite() async throws {
        try await Fixture.run { api in
            let project = try await api.organization.createProject(name: "Apollo").id.rawValue
            let created = try await api.post(
                "/v1/organization/invites",
                #"{"email": "dee@example.com", "role": "owner", "projects": [{"id": "\#(project)", "role": "owner"}]}"#)
            let id = try #require(try created.object()["id"] as? String)
            let user = try await api.createSCIMUser(userName: "dee@example.com")

            let invite = try await api.get("/v1/organization/invites/\(id)").object()
            #expect(invite["status"] as? String == "accepted")
            #expect(invite["accepted_at"] is Int)
            let member = try await api.get("/v1/organization/users/\(user)?include[]=projects").object()
            #expect(member["role"] as? String == "owner")
            let projects = try #require((member["projects"] as? [String: Any])?["data"] as? [[String: Any]])
            #expect(projects.map { $0["id"] as? String } == [project])
            #expect(projects.map { $0["role"] as? String } == ["owner"])
            try expectError(try await api.delete("/v1/organization/invites/\(id)"), .conflict, param: nil, code: "invite_accepted")
        }
    }
}
