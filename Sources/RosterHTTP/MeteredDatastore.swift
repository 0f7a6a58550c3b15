import RosterStore

/// A datastore that times every transaction into `RosterMetrics` (`roster_store_transaction_duration_seconds`),
/// and otherwise is `base`.
public struct MeteredDatastore: Datastore {
    let base: any Datastore
    let metrics: RosterMetrics

    public init(_ base: any Datastore, metrics: RosterMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func withTransaction<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { metrics.recordTransaction(kind: "write", duration: ContinuousClock.now - started) }
        return try await base.withTransaction(body)
    }

    public func read<T>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { metrics.recordTransaction(kind: "read", duration: ContinuousClock.now - started) }
        return try await base.read(body)
    }

    public var changeSignal: ChangeSignal? { base.changeSignal }
}
