import RosterModel
import RosterStore
import Testing

/// One contract of the `Datastore` protocols, run against a fresh, migrated store.
public struct StoreContract: Sendable, CustomTestStringConvertible {
    /// The contract, as the sentence it proves.
    public let name: String
    let body: @Sendable (any Datastore) async throws -> Void

    public var testDescription: String { name }

    /// Runs the contract against `store`, which must be new.
    public func check(_ store: any Datastore) async throws {
        try await body(store)
    }
}

/// The test suite every backend runs: each backend's test target runs `StoreConformance.contracts` with a
/// factory of fresh stores. A backend that cannot honour a contract leaves it out by name, saying why.
public enum StoreConformance {
    public static let contracts: [StoreContract] =
        userContracts + groupContracts + roleContracts + assignmentContracts + keyContracts + transactionContracts
        + scimContracts + projectContracts + serviceAccountContracts + projectKeyContracts + projectAccessContracts + inviteContracts + auditContracts + policyContracts
}

// MARK: Fixtures

extension StoreConformance {
    static let t0 = 1_700_000_000

    static func user(_ name: String, role: PredefinedRole? = .reader) -> User {
        User(id: .make(.user), email: "\(name)@example.com", name: name.capitalized, addedAt: t0, role: role)
    }

    static func group(_ name: String, scim: Bool = false) -> Group {
        Group(id: .make(.group), name: name, createdAt: t0, isSCIMManaged: scim)
    }

    static func role(_ name: String, permissions: [String] = ["api.groups.read"], by creator: User? = nil) -> Role {
        Role(
            id: .make(.role), name: name, description: "\(name) role", permissions: permissions,
            resourceType: ResourceType.organization, isPredefined: false, createdAt: t0, updatedAt: t0,
            createdBy: creator.map { UserReference(id: $0.id, name: $0.name, email: $0.email) })
    }

    static func contract(_ name: String, _ body: @escaping @Sendable (any Datastore) async throws -> Void) -> StoreContract {
        StoreContract(name: name, body: body)
    }

    /// Expects `body` to throw `StoreError.notFound`.
    static func expectNotFound(
        _ sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected notFound, nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.missing != nil, "expected notFound, got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected notFound, got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Expects `body` to throw `StoreError.conflict`.
    static func expectConflict(
        _ sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected conflict, nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.conflictMessage != nil, "expected conflict, got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected conflict, got \(error)", sourceLocation: sourceLocation)
        }
    }
}
