// The yardstick of `Benchmarks/throughput.py`: a bare Hummingbird route answering the JSON of one group, with nothing
// behind it (no key, no store), so that Roster's routes are measured as a fraction of what the HTTP layer alone serves.
// By default it is served as Hummingbird (and `roster serve`) serves by default; with `--event-loops`, as
// `roster serve --task-executor event-loops` serves: Swift's tasks on NIO's event loops, each connection's task on its
// connection's loop, the yardstick for that setting.
//
//     bare-route PORT [--event-loops]
import Hummingbird
import NIOCore
import NIOPosix
import RosterHTTP

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
let onEventLoops = CommandLine.arguments.contains("--event-loops")
if onEventLoops { NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() }
let body = #"{"object":"group","id":"group_01JBENCHMARK00000000000000","name":"Benchmark","created_at":1735689600,"is_scim_managed":false}"#
let router = Router()
router.get("v1/organization/groups/{group_id}") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
}
// The same with a request body read whole and an answer the size of an allowed check's (4.3 KB): what the HTTP
// layer alone costs for `POST permission_checks`.
let check = String(repeating: " ", count: 4300)
router.post("v1/organization/permission_checks") { request, _ in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: check)))
}
let app = Application(
    router: router, server: onEventLoops ? .http1OnEventLoops() : .http1(), configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
