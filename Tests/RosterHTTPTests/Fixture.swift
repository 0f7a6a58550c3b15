import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import NIOCore
import RosterHTTP
import RosterModel
import RosterSQLite
import RosterService
import RosterStore
import Testing

/// One handler test's world: a fresh organization in an in-memory SQLite store, bootstrapped with an owner whose
/// admin key is `Fixture.key`, and a client that talks to Roster's router without a socket.
struct Fixture: Sendable {
    static let key = "sk-test-key"
    static let ownerEmail = "owner@example.com"

    let organization: Organization
    /// The store behind `organization`, for checking what a request left behind that no endpoint shows.
    let store: any Datastore
    /// The owner made by the bootstrap: the user behind `Fixture.key`.
    let owner: User
    let client: any TestClientProtocol

    /// Runs `test` against a new organization seeded with `file`, on the clock `now` when given (Unix seconds); the
    /// store is closed afterwards, even on failure.
    static func run(
        seeding file: OrganizationFile? = nil, now: (@Sendable () -> Int)? = nil, settings: HTTPSettings = HTTPSettings(),
        _ test: @Sendable (Fixture) async throws -> Void
    ) async throws {
        let store = try await SQLiteDatastore.open(.init(path: ":memory:"))
        do {
            let organization = now.map { Organization(store: store, now: $0) } ?? Organization(store: store)
            let owner = try await organization.bootstrap(adminKey: key, ownerEmail: ownerEmail).owner
            if let file { _ = try await organization.importFile(file) }
            let app = Application(responder: buildResponder(organization: organization, settings: settings), logger: quietLogger)
            try await app.test(.router) { client in
                try await test(Fixture(organization: organization, store: store, owner: owner, client: client))
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// Logs only what went wrong on the server (500s), so the test output is not one line per request.
    static let quietLogger: Logger = {
        var logger = Logger(label: "roster.http-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Sends a request, by default with `Authorization: Bearer <Fixture.key>`; `json` is sent as the body as is,
    /// as `application/json` unless `headers` name another content type.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, key: String? = Fixture.key,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// Sends `bytes` as the body exactly as given (invalid UTF-8 included), with the start-up owner's key.
    func sendBytes(
        _ method: HTTPRequest.Method, _ uri: String, _ bytes: [UInt8], contentType: String = "application/json"
    ) async throws -> Reply {
        let headers: HTTPFields = [.authorization: "Bearer \(Fixture.key)", .contentType: contentType]
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func get(_ uri: String) async throws -> Reply { try await send(.get, uri) }
    func post(_ uri: String, _ json: String) async throws -> Reply { try await send(.post, uri, json: json) }
    func delete(_ uri: String) async throws -> Reply { try await send(.delete, uri) }
    func put(_ uri: String, _ json: String) async throws -> Reply { try await send(.put, uri, json: json) }
    func patch(_ uri: String, _ json: String) async throws -> Reply { try await send(.patch, uri, json: json) }

    // MARK: Looking up what the seed file made

    /// The id of the user with `email`.
    func userID(_ email: String) async throws -> String {
        let page = try await organization.users(emails: [email], page: PageRequest(limit: 1))
        guard let user = page.items.first else { throw FixtureError("no user has email \(email)") }
        return user.id.rawValue
    }

    /// The id of the group named `name`.
    func groupID(_ name: String) async throws -> String {
        let page = try await organization.groups(page: PageRequest(limit: 1000))
        guard let group = page.items.first(where: { $0.name == name }) else { throw FixtureError("no group is named \(name)") }
        return group.id.rawValue
    }

    /// The id of the organization role named `name` (predefined roles included).
    func roleID(_ name: String) async throws -> String {
        let page = try await organization.roles(page: PageRequest(limit: 1000))
        guard let role = page.items.first(where: { $0.name == name }) else { throw FixtureError("no role is named \(name)") }
        return role.id.rawValue
    }

    /// Creates a group through the API and returns its id.
    func createGroup(_ name: String = "Platform") async throws -> String {
        let reply = try await post("/v1/organization/groups", #"{"name": "\#(name)"}"#)
        guard reply.status == .ok, let id = try reply.object()["id"] as? String else {
            throw FixtureError("creating group \(name) answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// Creates a custom role through the API and returns its id.
    func createRole(_ name: String, permissions: [String] = ["api.groups.read"]) async throws -> String {
        let list = permissions.map { "\"\($0)\"" }.joined(separator: ",")
        let reply = try await post("/v1/organization/roles", #"{"role_name": "\#(name)", "permissions": [\#(list)]}"#)
        guard reply.status == .ok, let id = try reply.object()["id"] as? String else {
            throw FixtureError("creating role \(name) answered \(reply.status): \(reply.text)")
        }
        return id
    }
}

/// A fixture step that could not be carried out (a precondition of the test, not what it checks).
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
