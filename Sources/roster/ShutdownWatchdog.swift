import Dispatch
import Foundation
import Logging
import Synchronization

/// Ends the process when a graceful shutdown does not: after SIGINT or SIGTERM, a second one ends it at once, and
/// otherwise it ends `limit` later if it is still running, with status 1 and an error in the log.
///
/// Every write Roster acknowledged is committed before its answer is sent, so ending early loses none of them; what
/// a graceful shutdown adds is the last record of when keys were used. The backstop is there because an instance on
/// PostgreSQL was seen, at the end of a benchmark run, not to finish its graceful shutdown, with PostgreSQL up and
/// every thread idle; the cause is not known yet.
final class ShutdownWatchdog: Sendable {
    private let queue = DispatchQueue(label: "roster.shutdown-watchdog")
    private let signals = Atomic(0)
    private let limit: Duration
    private let logger: Logger
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// Starts watching for the signals, until the process ends. ServiceLifecycle's service group
    /// handles the same signals for the graceful shutdown itself: a signal wakes every dispatch source that watches it.
    init(limit: Duration, logger: Logger) {
        self.limit = limit
        self.logger = logger
        sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in received() }
            source.resume()
            return source
        }
    }

    private func received() {
        if signals.add(1, ordering: .relaxed).newValue > 1 {
            logger.error("a second signal during the graceful shutdown: stopping now")
            _exit(1)
        }
        queue.asyncAfter(deadline: .now() + .seconds(Int(limit.components.seconds))) { [self] in
            logger.error("the graceful shutdown has not finished within \(limit): stopping now")
            _exit(1)
        }
    }
}
