import PostgresNIO
import RosterStore
import Testing

@testable import RosterPostgres

/// A connection the server closes between two statements of a transaction (PostgreSQL stopping, a network cut).
@Suite struct ClosedConnectionTests {
    private enum Outcome: Sendable {
        case returned
        case threw(any Error)
        case timedOut
    }

    @Test(
        "a statement on a connection that has closed fails as unreachable at once, rather than waiting for an answer that never comes",
        .enabled(if: TestServer.url != nil, TestServer.skipReason))
    func statementOnClosedConnectionFails() async throws {
        let connection = try await TestServer.connect()
        let transaction = PostgresTransaction(connection: connection, logger: Logger(label: "roster.test"))
        try await transaction.execute("SELECT 1")
        try await connection.close()
        // Once the close future is done, the connection's handlers are gone, and a statement written to it is dropped.
        try await connection.closeFuture.get()

        let statements: [(String, @Sendable () async throws -> Void)] = [
            ("query", { try await transaction.query("SELECT 1") }),
            ("forEachRow", { try await transaction.forEachRow("SELECT 1") { _ in } }),
        ]
        for (name, statement) in statements {
            switch await Self.outcome(of: statement) {
            case .threw(let error as StoreError):
                #expect(error.isUnreachable, "\(name) threw \(error), not unreachable")
            case .threw(let error):
                Issue.record("\(name) threw \(error), not a store error")
            case .returned:
                Issue.record("\(name) returned on a closed connection")
            case .timedOut:
                Issue.record("\(name) was still waiting for an answer after 10 seconds")
            }
        }
    }

    /// How `body` ended, or `.timedOut` when it has not within 10 seconds (it is then left waiting: a statement
    /// waiting for its answer cannot be cancelled).
    private static func outcome(of body: @escaping @Sendable () async throws -> Void) async -> Outcome {
        let (outcomes, continuation) = AsyncStream.makeStream(of: Outcome.self)
        let running = Task {
            do {
                try await body()
                continuation.yield(.returned)
            } catch {
                continuation.yield(.threw(error))
            }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(10))
            continuation.yield(.timedOut)
        }
        let first = await outcomes.first { _ in true } ?? .timedOut
        timer.cancel()
        running.cancel()
        continuation.finish()
        return first
    }
}
