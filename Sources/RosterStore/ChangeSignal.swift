import Synchronization

/// Tells a waiting policy follower that another process has committed a change, so that it need not wait for its next
/// poll. A backend that can learn of commits (PostgreSQL's LISTEN/NOTIFY) fires it; signals arriving while nobody
/// waits are kept as one, so the next wait returns at once.
public final class ChangeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the waiter, or the next one to wait.
    public func fire() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when the signal fires, at once when it fired since the last wait, or after `timeout`; whichever is first.
    /// One waiter at a time.
    public func wait(timeout: Duration) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.next() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when the signal fires, or when the task is cancelled.
    private func next() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiter, waiter.id == id else { return nil as CheckedContinuation<Void, Never>? }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
