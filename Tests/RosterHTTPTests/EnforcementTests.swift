import Foundation
import HTTPTypes
import RosterHTTP
import RosterModel
import RosterSQLite
import RosterService
import Testing

/// Every operation is authorized against the effective permissions of the key's owner, by the one table, and the
/// permission check endpoint answers from the same decision.
@Suite struct EnforcementTests {
    /// `path` with its parameters filled: `project_id` with `projectID`, every other one with an id that names nothing.
    static func concrete(_ path: String, projectID: String) -> String {
        let fillers: [(String, String)] = [
            ("{project_id}", projectID), ("{group_id}", Identifier.make(.group).rawValue),
            ("{user_id}", Identifier.make(.user).rawValue), ("{role_id}", Identifier.make(.role).rawValue),
            ("{invite_id}", Identifier.make(.invite).rawValue), ("{key_id}", Identifier.make(.adminKey).rawValue),
            ("{service_account_id}", Identifier.make(.serviceAccount).rawValue), ("{id}", Identifier.make(.user).rawValue),
        ]
        return fillers.reduce(path) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    @Test("every route the router serves behind a key has exactly one entry in the permission table, and every entry is served")
    func tableCoversTheRouter() async throws {
        let store = try await SQLiteDatastore.open(.init(path: ":memory:"))
        let router = buildRouter(organization: Organization(store: store), answerWrongMethods: false)
        let served = Set(
            router.routes.map { "\($0.method.rawValue) \($0.path.description)" }
                .filter { !["GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml"].contains($0) }
                // The gateway endpoint checks the client's project key, not an admin key (GatewayWireTests).
                .filter { !$0.contains(" /v1/gateway/authorize") })
        try await store.close()
        let operations = OperationPermissions.entries.map(\.operation)
        #expect(Set(operations).count == operations.count, "the table lists an operation twice")
        let missing = served.subtracting(operations).sorted()
        let stale = Set(operations).subtracting(served).sorted()
        #expect(missing.isEmpty, "served without a permission: \(missing)")
        #expect(stale.isEmpty, "in the table but not served: \(stale)")
        for entry in OperationPermissions.entries {
            #expect(Permission.organizationNames.contains(entry.requirement.organization), "\(entry.operation)")
            if let project = entry.requirement.project { #expect(Permission.projectNames.contains(project), "\(entry.operation)") }
        }
    }

    @Test("the OpenAPI document gives every operation the permissions the table gives it")
    func documentedPermissions() {
        var documented: [String: PermissionRequirement] = [:]
        var path = ""
        var method = ""
        for line in OpenAPIDocument.text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("  /") {
                path = String(line.dropFirst(2).prefix { $0 != ":" })
            } else if let verb = ["get", "post", "put", "patch", "delete"].first(where: { line.hasPrefix("    \($0):") }) {
                method = verb.uppercased()
            } else if line.hasPrefix("      x-roster-permission: ") {
                documented["\(method) \(path)"] = PermissionRequirement(String(line.dropFirst("      x-roster-permission: ".count)))
            } else if line.hasPrefix("      x-roster-project-permission: ") {
                documented["\(method) \(path)"]?.project = String(line.dropFirst("      x-roster-project-permission: ".count))
            }
        }
        let table = Dictionary(uniqueKeysWithValues: OperationPermissions.entries.map { ($0.operation, $0.requirement) })
        let differing = Set(documented.keys).union(table.keys).filter { documented[$0] != table[$0] }.sorted()
        #expect(differing.isEmpty, "the document and the table differ at: \(differing)")
    }

    @Test("for every operation, a key whose owner lacks the permission gets a 403 naming it and the check says not allowed; one that holds it (directly or through a group) gets through")
    func enforcementMatrix() async throws {
        try await Fixture.run { api in
            let projectID = try await api.createProject("Apollo")
            let nobody = try await api.holder("nobody")
            var holders: [String: KeyHolder] = [:]
            for (index, permission) in Set(OperationPermissions.entries.map(\.requirement.organization)).sorted().enumerated() {
                holders[permission] = try await api.holder(
                    "holder\(index)", holding: [permission], throughGroup: index.isMultiple(of: 2))
            }
            for entry in OperationPermissions.entries {
                let path = Self.concrete(entry.path, projectID: projectID)
                let body: String? = [.post, .put, .patch].contains(entry.method) ? "{}" : nil
                let isSCIM = entry.path.hasPrefix("/scim/")
                let permission = entry.requirement.organization

                let denied = try await api.send(entry.method, path, json: body, key: nobody.key)
                try expectMissingPermission(denied, permission, scim: isSCIM)
                #expect(try await api.permissionCheck(nobody.userID, permission)["allowed"] as? Bool == false, "\(entry.operation)")
                if let projectPermission = entry.requirement.project {
                    #expect(message(try expectError(denied, .forbidden, param: nil)).contains("'\(projectPermission)'"))
                    let check = try await api.permissionCheck(nobody.userID, projectPermission, projectID: projectID)
                    #expect(check["allowed"] as? Bool == false, "\(entry.operation)")
                }

                let holder = try #require(holders[permission])
                let allowed = try await api.send(entry.method, path, json: body, key: holder.key)
                #expect(allowed.status != .forbidden, "\(entry.operation) refused \(permission)'s holder: \(allowed.text)")
                #expect(try await api.permissionCheck(holder.userID, permission)["allowed"] as? Bool == true, "\(entry.operation)")
            }
        }
    }

    @Test("reader reads the directory and writes nothing; owner holds everything")
    func predefinedRoles() async throws {
        try await Fixture.run { api in
            let reader = try await api.holder("reader", role: .reader)
            try await api.expectOK(api.send(.get, "/v1/organization/groups", key: reader.key))
            try expectMissingPermission(try await api.send(.get, "/scim/v2/Users", key: reader.key), "api.scim.read", scim: true)
            try expectMissingPermission(try await api.send(.get, "/v1/organization/admin_api_keys", key: reader.key), "api.admin_keys.read")
            try expectMissingPermission(try await api.send(.get, "/v1/organization/audit_logs", key: reader.key), "api.audit_logs.read")
            try expectMissingPermission(
                try await api.send(.post, "/v1/organization/groups", json: #"{"name": "X"}"#, key: reader.key), "api.groups.write")
            try expectMissingPermission(
                try await api.send(.post, "/scim/v2/Groups", json: #"{"displayName": "X"}"#, key: reader.key), "api.scim.write", scim: true)
            for permission in Permission.organization.map(\.name) {
                let check = try await api.permissionCheck(reader.userID, permission)
                #expect(check["allowed"] as? Bool == PredefinedRole.reader.permissions.contains(permission), "\(permission)")
                let ownerCheck = try await api.permissionCheck(api.owner.id.rawValue, permission)
                #expect(ownerCheck["allowed"] as? Bool == true, "\(permission)")
            }
        }
    }

    @Test("a project role granting api.project.users.write in P lets its holder manage P's users, and nothing of Q's")
    func projectScope() async throws {
        try await Fixture.run { api in
            let (apollo, gemini) = (try await api.createProject("Apollo"), try await api.createProject("Gemini"))
            let manager = try await api.holder("manager", role: .reader)
            let newcomer = try await api.holder("newcomer", role: .reader)
            try await api.expectOK(api.post("/v1/organization/projects/\(apollo)/users", #"{"user_id": "\#(manager.userID)", "role": "member"}"#))
            let roleReply = try await api.expectOK(
                api.post("/v1/projects/\(apollo)/roles", #"{"role_name": "User Admin", "permissions": ["api.project.users.write"]}"#))
            let roleID = try #require(try roleReply.object()["id"] as? String)
            try await api.expectOK(api.post("/v1/projects/\(apollo)/users/\(manager.userID)/roles", #"{"role_id": "\#(roleID)"}"#))

            let add = #"{"user_id": "\#(newcomer.userID)", "role": "member"}"#
            try await api.expectOK(api.send(.post, "/v1/organization/projects/\(apollo)/users", json: add, key: manager.key))
            try await api.expectOK(
                api.send(.post, "/v1/organization/projects/\(apollo)/users/\(newcomer.userID)", json: #"{"role": "member"}"#, key: manager.key))
            try await api.expectOK(api.send(.delete, "/v1/organization/projects/\(apollo)/users/\(newcomer.userID)", key: manager.key))

            let outside = try await api.send(.post, "/v1/organization/projects/\(gemini)/users", json: add, key: manager.key)
            try expectMissingPermission(outside, "api.project.users.write")
            try expectMissingPermission(outside, "api.projects.write")
            try expectMissingPermission(
                try await api.send(.post, "/v1/organization/projects/\(apollo)/groups", json: #"{"group_id": "x", "role": "member"}"#, key: manager.key),
                "api.project.groups.write")
            try expectMissingPermission(
                try await api.send(.post, "/v1/organization/projects", json: #"{"name": "Mine"}"#, key: manager.key), "api.projects.write")

            #expect(try await api.permissionCheck(manager.userID, "api.project.users.write", projectID: apollo)["allowed"] as? Bool == true)
            #expect(try await api.permissionCheck(manager.userID, "api.project.users.write", projectID: gemini)["allowed"] as? Bool == false)
            #expect(try await api.permissionCheck(manager.userID, "api.projects.write")["allowed"] as? Bool == false)
        }
    }

    @Test("a deactivated user is denied everything, and its key no longer authenticates")
    func deactivatedUsersAreDenied() async throws {
        try await Fixture.run { api in
            let gone = try await api.holder("gone", role: .owner)
            try await api.expectOK(api.send(.get, "/v1/organization/groups", key: gone.key))
            try await api.expectOK(
                api.scim(.patch, "/Users/\(gone.userID)", SCIM.patch(#"{"op": "replace", "path": "active", "value": false}"#)))
            let check = try await api.permissionCheck(gone.userID, "api.groups.read")
            #expect(check["allowed"] as? Bool == false)
            #expect((check["reason"] as? String)?.contains("deactivated") == true, "\(check)")
            #expect((check["closest_roles"] as? [Any])?.isEmpty == true)
            let permissions = try await api.expectOK(api.get("/v1/organization/users/\(gone.userID)/permissions"))
            #expect(try permissions.items().isEmpty)
            try expectError(try await api.send(.get, "/v1/organization/groups", key: gone.key), .unauthorized, param: nil, code: "invalid_api_key")
        }
    }

    @Test("the organization keeps an active owner: demoting, deleting or deactivating the last one is a 409 last_owner")
    func lastOwner() async throws {
        try await Fixture.run { api in
            let owner = api.owner.id.rawValue
            let readerID = try await api.roleID("reader")
            try expectError(try await api.post("/v1/organization/users/\(owner)", #"{"role": "reader"}"#), .conflict, param: nil, code: "last_owner")
            try expectError(
                try await api.post("/v1/organization/users/\(owner)/roles", #"{"role_id": "\#(readerID)"}"#), .conflict, param: nil,
                code: "last_owner")
            try expectError(try await api.delete("/v1/organization/users/\(owner)"), .conflict, param: nil, code: "last_owner")
            try expectSCIMError(
                try await api.scim(.patch, "/Users/\(owner)", SCIM.patch(#"{"op": "replace", "path": "active", "value": false}"#)),
                .conflict, scimType: .some(nil))
            try expectSCIMError(try await api.scim(.delete, "/Users/\(owner)"), .conflict, scimType: .some(nil))
            #expect(try await api.get("/v1/organization/users/\(owner)").object()["role"] as? String == "owner")

            // With a second owner, the first may step down.
            let second = try await api.holder("second", role: .reader)
            try await api.expectOK(api.post("/v1/organization/users/\(second.userID)", #"{"role": "owner"}"#))
            try await api.expectOK(api.send(.post, "/v1/organization/users/\(owner)", json: #"{"role": "reader"}"#, key: second.key))
            try expectError(
                try await api.send(.delete, "/v1/organization/users/\(second.userID)", key: second.key), .conflict, param: nil,
                code: "last_owner")
        }
    }

    @Test("a caller cannot give a role holding permissions it does not hold, to a user or a group, in the organization or a project")
    func grantGuardrail() async throws {
        try await Fixture.run { api in
            let assigner = try await api.holder(
                "assigner", holding: ["api.role_assignments.write", "api.groups.read", "api.users.write", "api.users.read"])
            let target = try await api.holder("target", role: .reader)
            let groupID = try await api.createGroup("Team")
            try await api.expectOK(api.post("/v1/organization/groups/\(groupID)/users", #"{"user_id": "\#(target.userID)"}"#))
            let small = try await api.createRole("Small", permissions: ["api.groups.read"])
            let big = try await api.createRole("Big", permissions: ["api.groups.read", "api.groups.write", "api.invites.write"])

            try await api.expectOK(
                api.send(.post, "/v1/organization/users/\(target.userID)/roles", json: #"{"role_id": "\#(small)"}"#, key: assigner.key))
            let refused = try await api.send(
                .post, "/v1/organization/users/\(target.userID)/roles", json: #"{"role_id": "\#(big)"}"#, key: assigner.key)
            let error = try expectError(refused, .forbidden, param: nil, code: "permission_not_held")
            #expect(message(error).contains("'api.groups.write'") && message(error).contains("'api.invites.write'"), "\(message(error))")
            #expect(!message(error).contains("'api.groups.read'"), "\(message(error))")
            try expectError(
                try await api.send(.post, "/v1/organization/groups/\(groupID)/roles", json: #"{"role_id": "\#(big)"}"#, key: assigner.key),
                .forbidden, param: nil, code: "permission_not_held")
            try expectError(
                try await api.send(.post, "/v1/organization/users/\(target.userID)", json: #"{"role": "owner"}"#, key: assigner.key),
                .forbidden, param: nil, code: "permission_not_held")
            #expect(try await api.get("/v1/organization/users/\(target.userID)/roles").ids().contains(big) == false)

            // Inside a project: an organization-level project manager who holds no project permission there.
            let projectID = try await api.createProject("Apollo")
            let projectManager = try await api.holder("pm", holding: ["api.projects.write"])
            try expectError(
                try await api.send(
                    .post, "/v1/organization/projects/\(projectID)/users", json: #"{"user_id": "\#(target.userID)", "role": "owner"}"#,
                    key: projectManager.key),
                .forbidden, param: nil, code: "permission_not_held")
        }
    }

    @Test("the permissions endpoint explains each permission by its chain: the role, the group it comes through, and the scope")
    func explanations() async throws {
        try await Fixture.run { api in
            let ada = try await api.holder("ada", role: .reader)
            let direct = try await api.createRole("Group Writer", permissions: ["api.groups.write"])
            try await api.expectOK(api.post("/v1/organization/users/\(ada.userID)/roles", #"{"role_id": "\#(direct)"}"#))
            let teamID = try await api.createGroup("Support")
            let inherited = try await api.createRole("Inviter", permissions: ["api.invites.write", "api.groups.write"])
            try await api.expectOK(api.post("/v1/organization/groups/\(teamID)/users", #"{"user_id": "\#(ada.userID)"}"#))
            try await api.expectOK(api.post("/v1/organization/groups/\(teamID)/roles", #"{"role_id": "\#(inherited)"}"#))
            let projectID = try await api.createProject("Apollo")
            try await api.expectOK(api.post("/v1/organization/projects/\(projectID)/groups", #"{"group_id": "\#(teamID)", "role": "viewer"}"#))

            let list = try await api.expectOK(api.get("/v1/organization/users/\(ada.userID)/permissions"))
            let grants = Dictionary(uniqueKeysWithValues: try list.items().map { ($0["permission"] as? String ?? "", $0) })
            #expect(grants["api.roles.write"] == nil)
            #expect(grants.keys.allSatisfy { Permission.organizationNames.contains($0) }, "no project permission without project_id")
            let groupWrite = try #require(grants["api.groups.write"]?["sources"] as? [[String: Any]])
            #expect(groupWrite.count == 2)
            let byRole = Dictionary(uniqueKeysWithValues: groupWrite.map { (($0["role"] as? [String: Any])?["id"] as? String ?? "", $0) })
            #expect(byRole[direct]?["principal_type"] as? String == "user")
            #expect(byRole[direct]?["group"] is NSNull)
            #expect(byRole[inherited]?["principal_type"] as? String == "group")
            #expect((byRole[inherited]?["group"] as? [String: Any])?["name"] as? String == "Support")
            #expect(byRole[inherited]?["scope"] as? String == "organization")
            let read = try #require(grants["api.users.read"]?["sources"] as? [[String: Any]])
            #expect((read.first?["role"] as? [String: Any])?["name"] as? String == "reader")

            let inProject = try await api.expectOK(api.get("/v1/organization/users/\(ada.userID)/permissions?project_id=\(projectID)"))
            let projectGrant = try #require(try inProject.items().first { $0["permission"] as? String == "api.project.users.read" })
            #expect(projectGrant["scope"] as? String == "project")
            #expect(projectGrant["project_id"] as? String == projectID)
            let source = try #require((projectGrant["sources"] as? [[String: Any]])?.first)
            #expect((source["role"] as? [String: Any])?["name"] as? String == "viewer")
            #expect((source["group"] as? [String: Any])?["id"] as? String == teamID)
            #expect(source["project_id"] as? String == projectID)
            #expect(source["scope"] as? String == "project")
            #expect(source["description"] as? String == "role 'viewer' through group 'Support' (\(teamID)), in project '\(projectID)'")
            #expect(try inProject.items().contains { $0["permission"] as? String == "api.project.users.write" } == false)

            let owner = try await api.expectOK(api.get("/v1/organization/users/\(api.owner.id.rawValue)/permissions?project_id=\(projectID)"))
            let ownerProject = try #require(try owner.items().first { $0["permission"] as? String == "api.project.users.write" })
            let ownerSource = try #require((ownerProject["sources"] as? [[String: Any]])?.first)
            #expect(ownerSource["organization_owner"] as? Bool == true)
            #expect(ownerSource["scope"] as? String == "organization")
            #expect(ownerSource["principal_type"] as? String == "user")
            #expect(
                ownerSource["description"] as? String
                    == "role 'owner' assigned directly, in the organization; organization owners hold every project permission in every project")
        }
    }

    @Test("a role held directly and through several groups is explained once per principal, the user first, each naming the whole role")
    func checkWithManySourcesOfOneRole() async throws {
        try await Fixture.run { api in
            let ada = try await api.holder("ada", role: .reader)
            // Names that JSON must escape: the explanation writes them once and copies them into every source.
            let role = try await api.createRole(#"Group \"Manager\" \\ all"#, permissions: ["api.groups.write"])
            try await api.expectOK(api.post("/v1/organization/users/\(ada.userID)/roles", #"{"role_id": "\#(role)"}"#))
            let names = ["Support", #"Platform \"Core\""#, #"Billing \\ EU"#]
            var teams: [String] = []
            for name in names {
                let team = try await api.createGroup(name)
                try await api.expectOK(api.post("/v1/organization/groups/\(team)/users", #"{"user_id": "\#(ada.userID)"}"#))
                try await api.expectOK(api.post("/v1/organization/groups/\(team)/roles", #"{"role_id": "\#(role)"}"#))
                teams.append(team)
            }
            let allowed = try await api.permissionCheck(ada.userID, "api.groups.write")
            let sources = try #require(allowed["sources"] as? [[String: Any]])
            #expect(sources.map { $0["principal_type"] as? String } == ["user", "group", "group", "group"])
            #expect(sources.dropFirst().map { ($0["group"] as? [String: Any])?["id"] as? String } == teams.sorted())
            let roleName = #"Group "Manager" \ all"#
            let groupNames = Dictionary(uniqueKeysWithValues: zip(teams, [#"Support"#, #"Platform "Core""#, #"Billing \ EU"#]))
            for source in sources {
                let described = try #require(source["role"] as? [String: Any])
                #expect(described["id"] as? String == role)
                #expect(described["name"] as? String == roleName)
                #expect(described["resource_type"] as? String == "api.organization")
                #expect(described["predefined_role"] as? Bool == false)
                #expect(source["scope"] as? String == "organization")
                #expect(source["project_id"] is NSNull)
                #expect(source["organization_owner"] as? Bool == false)
                if let group = source["group"] as? [String: Any], let id = group["id"] as? String {
                    #expect(group["name"] as? String == groupNames[id])
                    #expect(source["description"] as? String == "role '\(roleName)' through group '\(groupNames[id] ?? "")' (\(id)), in the organization")
                } else {
                    #expect(source["group"] is NSNull)
                    #expect(source["description"] as? String == "role '\(roleName)' assigned directly, in the organization")
                }
            }
        }
    }

    @Test("a denied check names the closest roles that would grant the permission, allowed ones their sources")
    func checks() async throws {
        try await Fixture.run { api in
            let ada = try await api.holder("ada", role: .reader)
            let wide = try await api.createRole("Wide", permissions: ["api.groups.write", "api.users.write", "api.roles.write"])
            let narrow = try await api.createRole("Narrow", permissions: ["api.groups.write", "api.groups.read"])
            let denied = try await api.permissionCheck(ada.userID, "api.groups.write")
            #expect(denied["object"] as? String == "permission_check")
            #expect(denied["allowed"] as? Bool == false)
            #expect((denied["sources"] as? [Any])?.isEmpty == true)
            let closest = try #require(denied["closest_roles"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(closest.prefix(2) == [narrow, wide], "\(closest)")
            #expect(closest.last == (try await api.roleID("owner")))

            try await api.expectOK(api.post("/v1/organization/users/\(ada.userID)/roles", #"{"role_id": "\#(narrow)"}"#))
            let allowed = try await api.permissionCheck(ada.userID, "api.groups.write")
            #expect(allowed["allowed"] as? Bool == true)
            #expect((allowed["closest_roles"] as? [Any])?.isEmpty == true)
            #expect(((allowed["sources"] as? [[String: Any]])?.first?["role"] as? [String: Any])?["id"] as? String == narrow)

            try expectError(
                try await api.post("/v1/organization/permission_checks", #"{"user_id": "\#(ada.userID)", "permission": "api.nothing"}"#),
                .badRequest, param: "permission", code: "unknown_permission")
            try expectError(
                try await api.post(
                    "/v1/organization/permission_checks", #"{"user_id": "\#(ada.userID)", "permission": "api.project.users.read"}"#),
                .badRequest, param: "project_id")
            try expectError(
                try await api.post(
                    "/v1/organization/permission_checks", #"{"user_id": "\#(Identifier.make(.user).rawValue)", "permission": "api.groups.read"}"#),
                .notFound, param: nil, code: "not_found")
        }
    }
    @Test("a check's body, read without Decodable, is refused with the errors a Decodable body gets: a missing field, another type, null, not an object")
    func checkBodyErrors() async throws {
        try await Fixture.run { api in
            let path = "/v1/organization/permission_checks"
            let userID = try await api.holder("ada", role: .reader).userID
            func message(_ reply: Reply) throws -> String? { (try reply.object()["error"] as? [String: Any])?["message"] as? String }
            // What the Decodable path answers (an admin key's `name`), with the field's name swapped.
            let missing = try message(try await api.post("/v1/organization/admin_api_keys", "{}"))
            let mistyped = try message(try await api.post("/v1/organization/admin_api_keys", #"{"name": 7}"#))
            let nulled = try message(try await api.post("/v1/organization/admin_api_keys", #"{"name": null}"#))
            let notObject = try message(try await api.post("/v1/organization/admin_api_keys", "[]"))

            let cases: [(body: String, param: String, code: String, like: String?)] = [
                ("{}", "user_id", "missing_required_parameter", missing),
                (#"{"permission": "api.groups.read"}"#, "user_id", "missing_required_parameter", missing),
                (#"{"user_id": 7, "permission": "api.groups.read"}"#, "user_id", "invalid_type", mistyped),
                (#"{"user_id": null, "permission": "api.groups.read"}"#, "user_id", "invalid_type", nulled),
                (#"{"user_id": "\#(userID)"}"#, "permission", "missing_required_parameter", missing),
                (#"{"user_id": "\#(userID)", "permission": ["api.groups.read"]}"#, "permission", "invalid_type", mistyped),
                (#"{"user_id": "\#(userID)", "permission": "api.groups.read", "project_id": 5}"#, "project_id", "invalid_type", mistyped),
            ]
            for (body, param, code, like) in cases {
                let error = try expectError(try await api.post(path, body), .badRequest, param: param, code: code)
                #expect(error["message"] as? String == like?.replacingOccurrences(of: "'name'", with: "'\(param)'"), "\(body)")
            }
            let error = try expectError(try await api.post(path, "[]"), .badRequest, param: nil, code: "invalid_json")
            #expect(error["message"] as? String == notObject)
            try expectError(try await api.post(path, ""), .badRequest, param: nil, code: "invalid_json")

            // `project_id` may be null or absent; of a repeated field, the last counts.
            let nullProject = try await api.post(path, #"{"user_id": "\#(userID)", "permission": "api.groups.read", "project_id": null}"#)
            #expect(try nullProject.object()["allowed"] as? Bool == true, "\(nullProject.text)")
            let repeated = try await api.post(path, #"{"user_id": "x", "permission": "api.groups.read", "user_id": "\#(userID)"}"#)
            #expect(try repeated.object()["user_id"] as? String == userID, "\(repeated.text)")
        }
    }
}
