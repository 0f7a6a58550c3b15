import Logging
import RosterService
import ServiceLifecycle

/// Keeps the policy current with changes other processes commit to the same store (other `roster serve` instances,
/// `roster import`): when the store signals a commit (PostgreSQL's LISTEN/NOTIFY), and at the latest every
/// `interval`, it reads the store's latest revision and applies what changed since. Writes made by this instance need
/// no follower; each catches the policy up before it returns. Every 10 minutes it also prunes the change feed of
/// revisions older than an hour.
public struct PolicyFollower: Service {
    let organization: Organization
    let interval: Duration
    let metrics: RosterMetrics?
    let logger: Logger

    public init(organization: Organization, interval: Duration, metrics: RosterMetrics? = nil, logger: Logger) {
        self.organization = organization
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var failing = false
            var lastPruned = ContinuousClock.now
            while true {
                if let signal = organization.changeSignal {
                    await signal.wait(timeout: interval)
                    try Task.checkCancellation()
                } else {
                    try await Task.sleep(for: interval)
                }
                if ContinuousClock.now - lastPruned >= .seconds(600) {
                    lastPruned = .now
                    do {
                        try await organization.pruneChangeFeed(olderThan: .seconds(3600))
                    } catch {
                        logger.warning("could not prune the change feed: \(error)")
                    }
                }
                do {
                    let revision = try await organization.catchUpPolicy()
                    metrics?.recordPolicyRevision(revision)
                    if failing { logger.info("the policy follows the store again, at revision \(revision)") }
                    failing = false
                } catch {
                    // Logged once per outage; the last applied revision keeps deciding requests meanwhile.
                    if !failing { logger.error("could not read the store's changes; requests are decided at revision \(organization.policy.revision): \(error)") }
                    failing = true
                }
            }
        }
    }
}
