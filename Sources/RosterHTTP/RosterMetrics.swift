import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// Roster's metrics, kept in a Prometheus registry of their own and served at `GET /metrics` in Prometheus' text
/// format: requests by route template, method and status with their latency, authorization decisions, store
/// transaction latency, key-use flushes and the policy's revision. Each server (and each test) gets its own
/// registry, so nothing is global.
public final class RosterMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// The series of each route, method and status seen, made once: a request then only counts.
    private struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }
    private let requestSeries = Mutex<[RequestSeries: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let allowedDecisions: CoreMetrics.Counter
    private let deniedDecisions: CoreMetrics.Counter
    private let readTransactions: CoreMetrics.Timer
    private let writeTransactions: CoreMetrics.Timer

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        ]
        self.factory = factory
        let decisions = "roster_authorization_decisions_total"
        allowedDecisions = Counter(label: decisions, dimensions: [("decision", "allowed")], factory: factory)
        deniedDecisions = Counter(label: decisions, dimensions: [("decision", "denied")], factory: factory)
        let transactions = "roster_store_transaction_duration_seconds"
        readTransactions = Timer(label: transactions, dimensions: [("kind", "read")], factory: factory)
        writeTransactions = Timer(label: transactions, dimensions: [("kind", "write")], factory: factory)
    }

    /// One request answered: `route` is the route's template (`/v1/organization/groups/{group_id}`), so ids do not
    /// make a series each.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let (counter, timer) = requestSeries.withLock { series in
            let key = RequestSeries(route: route, method: method, status: status)
            if let known = series[key] { return known }
            let made = (
                Counter(
                    label: "roster_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))],
                    factory: factory),
                Timer(label: "roster_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: factory)
            )
            series[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(duration.nanoseconds)
    }

    /// One authorization decision: a key let through, or refused for a missing permission.
    func recordDecision(allowed: Bool) {
        (allowed ? allowedDecisions : deniedDecisions).increment()
    }

    /// One store transaction (`kind` is `read` or `write`) and how long it took.
    func recordTransaction(kind: String, duration: Duration) {
        (kind == "write" ? writeTransactions : readTransactions).recordNanoseconds(duration.nanoseconds)
    }

    /// One flush of admin key uses, which wrote `keys` keys' `last_used_at`.
    func recordKeyUseFlush(keys: Int) {
        Counter(label: "roster_key_use_flushes_total", factory: factory).increment()
        Counter(label: "roster_key_uses_written_total", factory: factory).increment(by: keys)
    }

    /// The revision the policy holds, set by `PolicyFollower` on each of its rounds.
    func recordPolicyRevision(_ revision: Int) {
        Gauge(label: "roster_policy_revision", factory: factory).record(revision)
    }

    /// Everything recorded so far, in Prometheus' text exposition format.
    public func exposition() -> String {
        registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
