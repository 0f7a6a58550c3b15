import Foundation
import RosterModel
import RosterService
import Testing

/// The role rules a client meets through the API: fixed predefined roles, unique names, recorded creators.
@Suite struct RoleRuleTests {
    @Test("the predefined owner and reader roles can be neither updated nor deleted: 409 predefined_role")
    func predefinedRolesAreFixed() async throws {
        try await Fixture.run { api in
            for name in ["owner", "reader"] {
                let id = try await api.roleID(name)
                let update = try await api.post("/v1/organization/roles/\(id)", #"{"description": "Changed"}"#)
                try expectError(update, .conflict, param: nil, code: "predefined_role")
                try expectError(try await api.delete("/v1/organization/roles/\(id)"), .conflict, param: nil, code: "predefined_role")
                let role = try await api.get("/v1/organization/roles/\(id)").object()
                #expect(role["name"] as? String == name)
                #expect(role["predefined_role"] as? Bool == true)
                #expect(role["description"] as? String != "Changed")
            }
        }
    }

    @Test("a role name already taken, in any letter case, is a 409 conflict")
    func duplicateRoleName() async throws {
        try await Fixture.run { api in
            _ = try await api.createRole("Auditor")
            for name in ["Auditor", "AUDITOR"] {
                let reply = try await api.post("/v1/organization/roles", #"{"role_name": "\#(name)", "permissions": []}"#)
                try expectError(reply, .conflict, param: nil, code: "conflict")
            }
            let other = try await api.createRole("Reviewer")
            let rename = try await api.post("/v1/organization/roles/\(other)", #"{"role_name": "auditor"}"#)
            try expectError(rename, .conflict, param: nil, code: "conflict")
            let names = try await api.get("/v1/organization/roles").items().compactMap { $0["name"] as? String }
            #expect(names.sorted() == ["Auditor", "Reviewer", "owner", "reader"])
        }
    }

    @Test("a role created with an admin key records the key's owner as created_by, with their email")
    func createdByIsTheKeysOwner() async throws {
        try await Fixture.run(seeding: OrganizationFile(groups: [.init(name: "Platform")])) { api in
            let group = try await api.groupID("Platform")
            let role = try await api.createRole("Auditor")
            #expect(try await api.post("/v1/organization/groups/\(group)/roles", #"{"role_id": "\#(role)"}"#).status == .ok)
            let listed = try #require(try await api.get("/v1/organization/groups/\(group)/roles").items().first)
            #expect(listed["created_by"] as? String == api.owner.id.rawValue)
            let creator = try #require(listed["created_by_user_obj"] as? [String: Any], "created_by_user_obj: \(listed)")
            #expect(creator["id"] as? String == api.owner.id.rawValue)
            #expect(creator["email"] as? String == Fixture.ownerEmail)
        }
    }
}
