import Foundation
import Hummingbird
import RosterHTTP
import RosterSQLite
import RosterService
import Testing

/// The served OpenAPI document describes exactly what the router serves.
@Suite struct OpenAPIDocumentTests {
    /// One operation: an upper-case method and a path written as OpenAPI writes it (`/v1/…/{group_id}`).
    struct Operation: Hashable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method) \(path)" }
    }

    /// The operations listed under `paths:`, read line by line: a path is a two-space-indented key starting with
    /// `/`, an operation a four-space-indented HTTP method under it.
    static func documentedOperations(_ text: String) -> Set<Operation> {
        var operations: Set<Operation> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if let first = line.first, !first.isWhitespace, first != "#" {
                inPaths = false  // the next top-level key ends `paths:`
            } else if line.hasPrefix("  /") {
                path = String(line.dropFirst(2).prefix { $0 != ":" })
            } else if let path,
                let method = ["get", "post", "delete", "put", "patch", "options"].first(where: { line.hasPrefix("    \($0):") })
            {
                operations.insert(Operation(method: method.uppercased(), path: path))
            }
        }
        return operations
    }

    /// A router path (`v1/organization/groups/:group_id`) written as OpenAPI writes it.
    static func openAPIPath(_ routerPath: String) -> String {
        "/"
            + routerPath.split(separator: "/").map { component in
                component == "**" ? "{path}" : component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
            }.joined(separator: "/")
    }

    @Test("the document lists exactly the routes the router serves, no more and no fewer")
    func documentMatchesRouter() async throws {
        let store = try await SQLiteDatastore.open(.init(path: ":memory:"))
        let router = buildRouter(organization: Organization(store: store), answerWrongMethods: false)
        let served = Set(router.routes.map { Operation(method: $0.method.rawValue, path: Self.openAPIPath($0.path.description)) })
        try await store.close()
        let documented = Self.documentedOperations(OpenAPIDocument.text)

        #expect(documented.count >= 28, "the document's paths were not read: \(documented.sorted { $0.description < $1.description })")
        let undocumented = served.subtracting(documented).map(\.description).sorted()
        let unserved = documented.subtracting(served).map(\.description).sorted()
        #expect(undocumented.isEmpty, "served but not in the document: \(undocumented)")
        #expect(unserved.isEmpty, "in the document but not served: \(unserved)")
    }

    @Test("the line reader finds the operations of a small document and stops at the end of paths")
    func lineReader() {
        let text = """
            openapi: 3.1.0
            paths:
              /v1/things:
                get:
                  summary: List
                  parameters:
                    - name: post
                post:
                  summary: Create
              /v1/things/{thing_id}:
                delete:
                  summary: Delete
            components:
              /not/a/path:
                get:
            """
        #expect(
            Self.documentedOperations(text) == [
                Operation(method: "GET", path: "/v1/things"), Operation(method: "POST", path: "/v1/things"),
                Operation(method: "DELETE", path: "/v1/things/{thing_id}"),
            ])
        #expect(Self.openAPIPath("v1/things/:thing_id") == "/v1/things/{thing_id}")
        #expect(Self.openAPIPath("/healthz") == "/healthz")
    }

    @Test("GET /openapi.yaml serves the document to a caller without a key")
    func servedWithoutKey() async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.get, "/openapi.yaml", key: nil)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.contains("yaml") == true)
            #expect(reply.text.hasPrefix("openapi: 3.1"))
            #expect(reply.text == OpenAPIDocument.text)
        }
    }

    @Test("GET /healthz answers 200 to a caller without a key")
    func healthWithoutKey() async throws {
        try await Fixture.run { api in
            let reply = try await api.send(.get, "/healthz", key: nil)
            #expect(reply.status == .ok)
            #expect(reply.text == "ok\n")
        }
    }
}
