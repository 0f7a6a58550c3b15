import Foundation
import HTTPTypes
import RosterModel
import RosterService
import Testing

/// A user made for an enforcement test, with an admin key of its own.
struct KeyHolder: Sendable {
    let userID: String
    let key: String
}

extension Fixture {
    /// A new user holding `role` directly (`nil`: no predefined role, so it holds only what a test gives it — the
    /// Admin API cannot make such a user, since every user it knows is an owner or a reader, so it goes straight into
    /// the store), with an admin key of its own.
    func holder(_ name: String, role: PredefinedRole? = nil) async throws -> KeyHolder {
        let user = User(id: .make(.user), email: "\(name)@example.com", name: name, addedAt: 0, role: role)
        try await store.withTransaction { try await $0.insertUser(user) }
        let created = try await organization.createAdminKey(
            name: "\(name)'s key", expiresInSeconds: nil, by: Caller(userID: user.id, keyID: .make(.adminKey)))
        return KeyHolder(userID: user.id.rawValue, key: created.secret)
    }

    /// A new user without a predefined role holding exactly `permissions` through a custom role, assigned to it
    /// directly or (with `throughGroup`) to a new group it belongs to.
    func holder(_ name: String, holding permissions: [String], throughGroup: Bool = false) async throws -> KeyHolder {
        let holder = try await holder(name)
        let roleID = try await createRole("\(name) role", permissions: permissions)
        if throughGroup {
            let groupID = try await createGroup("\(name) group")
            try await expectOK(post("/v1/organization/groups/\(groupID)/users", #"{"user_id": "\#(holder.userID)"}"#))
            try await expectOK(post("/v1/organization/groups/\(groupID)/roles", #"{"role_id": "\#(roleID)"}"#))
        } else {
            try await expectOK(post("/v1/organization/users/\(holder.userID)/roles", #"{"role_id": "\#(roleID)"}"#))
        }
        return holder
    }

    /// The caller presenting the start-up owner's key.
    func ownerCaller() async throws -> Caller {
        try await organization.authenticate(secret: Fixture.key)
    }

    /// Creates a project through the API and returns its id.
    func createProject(_ name: String) async throws -> String {
        let reply = try await post("/v1/organization/projects", #"{"name": "\#(name)"}"#)
        guard reply.status == .ok, let id = try reply.object()["id"] as? String else {
            throw FixtureError("creating project \(name) answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// `POST /v1/organization/permission_checks`, asked with the start-up owner's key.
    func permissionCheck(_ userID: String, _ permission: String, projectID: String? = nil) async throws -> [String: Any] {
        let project = projectID.map { #", "project_id": "\#($0)""# } ?? ""
        let reply = try await post(
            "/v1/organization/permission_checks", #"{"user_id": "\#(userID)", "permission": "\#(permission)"\#(project)}"#)
        guard reply.status == .ok else { throw FixtureError("the permission check answered \(reply.status): \(reply.text)") }
        return try reply.object()
    }

    /// Fails the test unless `reply` is a 200.
    @discardableResult
    func expectOK(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> Reply {
        #expect(reply.status == .ok, "expected 200, got \(reply.status.code): \(reply.text)", sourceLocation: sourceLocation)
        return reply
    }
}

/// Checks that `reply` is the 403 enforcement answers — OpenAI's envelope with code `missing_permission`, or under
/// `/scim/v2` SCIM's error body — and that its message names `permission`.
func expectMissingPermission(
    _ reply: Reply, _ permission: String, scim: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let text: String
    if scim {
        text = try expectSCIMError(reply, .forbidden, sourceLocation: sourceLocation)["detail"] as? String ?? ""
    } else {
        text = message(try expectError(reply, .forbidden, param: nil, code: "missing_permission", sourceLocation: sourceLocation))
    }
    #expect(text.contains("'\(permission)'"), "the message does not name \(permission): \(text)", sourceLocation: sourceLocation)
}
