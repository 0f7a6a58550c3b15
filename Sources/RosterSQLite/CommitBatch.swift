import Synchronization

/// Write transactions that share one SQLite commit (group commit). Each joins the batch open on the writer connection
/// as a savepoint; the last one, when no other write is waiting for the connection, commits them all with one
/// `fsync`. A write is acknowledged only once its batch has committed, so an acknowledged write still survives
/// `kill -9`; a write that fails rolls back to its savepoint and leaves the others be.
final class CommitBatch: Sendable {
    private struct State {
        var result: Result<Void, any Error>?
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    private let state = Mutex(State())

    /// How many writes one commit carries at most.
    static let limit = 64

    /// Records how the commit went and wakes every write waiting for it.
    func complete(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Returns once the batch has committed; throws when its commit failed.
    func committed() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Void, any Error>? in
                if state.result == nil { state.waiters.append(continuation) }
                return state.result
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
