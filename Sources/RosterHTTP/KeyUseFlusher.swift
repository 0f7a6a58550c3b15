import Logging
import RosterService
import ServiceLifecycle

/// Writes when admin keys were last used to the store every `interval`, so that requests only note it in memory;
/// on graceful shutdown it writes once more, after the HTTP server has drained (it runs in the application's
/// service group, which shuts down the server first).
public struct KeyUseFlusher: Service {
    let organization: Organization
    let interval: Duration
    let metrics: RosterMetrics?
    let logger: Logger

    /// - Parameter interval: how long uses wait in memory at most (default 5 seconds).
    public init(organization: Organization, interval: Duration = .seconds(5), metrics: RosterMetrics? = nil, logger: Logger) {
        self.organization = organization
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        // Graceful shutdown cancels the sleep; a failed flush keeps its uses for the next one.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                await flush()
            }
        }
        await flush()
    }

    private func flush() async {
        do {
            let written = try await organization.flushKeyUse()
            if written > 0 {
                metrics?.recordKeyUseFlush(keys: written)
                logger.debug("recorded the last use of \(written) admin keys")
            }
        } catch {
            logger.error("could not record when admin keys were last used: \(error)")
        }
    }
}
