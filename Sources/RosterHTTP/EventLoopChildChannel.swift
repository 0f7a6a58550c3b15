import HummingbirdCore
import Logging
import NIOCore

/// Serves each connection with its task bound to the connection's event loop: `handle` runs under a task-executor
/// preference for that loop (`EventLoopTaskExecutor`), so the connection's reads, the responder and its writes all run
/// on the loop that does the connection's I/O.
///
/// Without it, with Swift's tasks on NIO's event loops (`roster serve --task-executor event-loops` installs them as the
/// global executor), each job runs as the loop's serial executor, and every call into a nonisolated async function (a
/// middleware, the responder, the body's iterator) cannot switch in place: it becomes one more job queued on the loop,
/// about 80 for a permission check. Under the preference, those calls run in place and only a real wait (the next bytes, a write's
/// back-pressure) queues a job.
struct EventLoopChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 (`http1(configuration:)`) with each connection's task bound to its event loop (`EventLoopChildChannel`):
    /// how `roster serve --task-executor event-loops` serves.
    public static func http1OnEventLoops(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in
            EventLoopChildChannel(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}

/// A task executor that runs its jobs on one event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
