import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import RosterHTTP

@Suite("Connections on their event loops")
struct EventLoopChildChannelTests {
    /// A context that keeps the connection's channel, so that a handler can ask where it runs.
    struct ChannelContext: RequestContext {
        var coreContext: CoreRequestContextStorage
        let channel: any Channel

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    @Test("a request is read, handled and answered on its connection's event loop, body included")
    func handlersRunOnTheConnectionsLoop() async throws {
        let router = Router(context: ChannelContext.self)
        router.post("where") { request, context -> String in
            let before = context.channel.eventLoop.inEventLoop
            // Waiting for the body suspends the handler; it must resume on the same loop.
            let body = try await request.body.collect(upTo: 1 << 16)
            return "\(before) \(context.channel.eventLoop.inEventLoop) \(body.readableBytes)"
        }
        let app = Application(router: router, server: .http1OnEventLoops(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/where", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 5000))) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "true true 5000")
                }
            }
        }
    }
}
