import RosterModel
import Synchronization

/// When admin keys were last used, kept in memory between flushes so that authenticating a request never writes to
/// the store. `Organization.flushKeyUse()` moves what it holds to the store in one transaction.
///
/// A time stays visible here (`lastUsed(_:)`) until the write that carries it has committed, so a key never looks
/// less recently used than it was.
final class KeyUseRecorder: Sendable {
    private struct State {
        /// Uses noted since the last flush began.
        var pending: [Identifier: Int] = [:]
        /// Uses a flush is writing right now.
        var flushing: [Identifier: Int] = [:]
    }

    private let state = Mutex(State())

    /// Notes that the key authenticated a request at `time`.
    func note(_ keyID: Identifier, at time: Int) {
        state.withLock { $0.pending[keyID] = max($0.pending[keyID] ?? time, time) }
    }

    /// The latest use of the key noted and not yet written, or nil.
    func lastUsed(_ keyID: Identifier) -> Int? {
        state.withLock { state in
            switch (state.pending[keyID], state.flushing[keyID]) {
            case (let pending?, let flushing?): max(pending, flushing)
            case (let time?, nil), (nil, let time?): time
            case (nil, nil): nil
            }
        }
    }

    /// Takes the uses noted so far for writing; they stay visible until `endFlush`.
    func beginFlush() -> [Identifier: Int] {
        state.withLock { state in
            let batch = state.pending
            state.pending = [:]
            state.flushing.merge(batch, uniquingKeysWith: max)
            return batch
        }
    }

    /// Ends the flush of `batch`: once written, its times are the store's to show; when the write failed they are
    /// noted again, for the next flush.
    func endFlush(_ batch: [Identifier: Int], written: Bool) {
        state.withLock { state in
            for (id, time) in batch where (state.flushing[id] ?? Int.min) <= time {
                state.flushing[id] = nil
            }
            if !written { state.pending.merge(batch, uniquingKeysWith: max) }
        }
    }
}
