// Roster's responder without the network: sends requests straight to the router `roster serve` runs
// (`buildResponder`), over the policy of an existing database, and prints what each request takes. That is what a
// route costs in Roster itself, apart from the HTTP layer and the kernel, which `Benchmarks/throughput.py` measures
// with it. PARALLEL tasks send at once (default 1); with 2, as many as `roster serve` has event loops on a 2-core
// machine, the difference shows what sharing the policy between cores costs.
//
//     responder-bench DATABASE SECRET USER_ID GROUP_ID [PARALLEL]
//
// SECRET is an admin key allowed to check permissions and read groups; USER_ID the user whose permission
// `api.groups.write` is checked; GROUP_ID the group read. `Benchmarks/throughput.py`'s organization (user0 holds
// the permission through ten groups) makes the check the one its table shows. With ONLY=PREFIX in the environment,
// only the targets whose names start with PREFIX run (`ONLY=POST` for the check alone, as under `perf record`).
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import RosterHTTP
import RosterService
import RosterSQLite

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: responder-bench DATABASE SECRET USER_ID GROUP_ID [PARALLEL]\n".utf8))
    exit(2)
}
let (path, secret, userID, groupID) = (arguments[1], arguments[2], arguments[3], arguments[4])
let parallel = arguments.count > 5 ? max(1, Int(arguments[5]) ?? 1) : 1
let rounds = 5
let requestsPerRound = 20_000

struct Target: Sendable {
    let name: String
    let method: HTTPRequest.Method
    let path: String
    let body: String?
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let allTargets = [
    Target(
        name: "POST permission_checks", method: .post, path: "/v1/organization/permission_checks",
        body: #"{"user_id":"\#(userID)","permission":"api.groups.write"}"#),
    Target(name: "GET a group", method: .get, path: "/v1/organization/groups/\(groupID)", body: nil),
    Target(name: "GET /healthz", method: .get, path: "/healthz", body: nil),
]

let only = ProcessInfo.processInfo.environment["ONLY"] ?? ""
let targets = allTargets.filter { $0.name.hasPrefix(only) }

try await SQLiteDatastore.withOpened(.init(path: path)) { store in
    let organization = Organization(store: store)
    _ = try await organization.catchUpPolicy()
    let responder = buildResponder(organization: organization)
    let logger = {
        var logger = Logger(label: "responder-bench")
        logger.logLevel = .warning
        return logger
    }()
    // Microseconds per request of each target, one entry per round, from the first task.
    let timings = try await Task.detached {
        try await withThrowingTaskGroup(of: [String: [Double]].self) { group in
            for _ in 0..<parallel {
                group.addTask {
                    let channel = EmbeddedChannel()
                    var timings: [String: [Double]] = [:]
                    for _ in 0..<rounds {
                        for target in targets {
                            let began = ContinuousClock.now
                            for _ in 0..<requestsPerRound {
                                var fields: HTTPFields = [.authorization: "Bearer \(secret)"]
                                if target.body != nil { fields[.contentType] = "application/json" }
                                let request = Request(
                                    head: HTTPRequest(
                                        method: target.method, scheme: "http", authority: "localhost", path: target.path,
                                        headerFields: fields),
                                    body: RequestBody(buffer: ByteBuffer(string: target.body ?? "")))
                                let response = try await responder.respond(
                                    to: request, context: RosterRequestContext(source: .init(channel: channel, logger: logger)))
                                guard response.status == .ok else {
                                    throw BenchmarkError("\(target.name) answered \(response.status.code); check SECRET, USER_ID and GROUP_ID")
                                }
                            }
                            let elapsed = ContinuousClock.now - began
                            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                            timings[target.name, default: []].append(seconds * 1e6 / Double(requestsPerRound))
                        }
                    }
                    return timings
                }
            }
            return try await group.next() ?? [:]
        }
    }.value
    print("\(parallel) task(s) at once, \(rounds) rounds of \(requestsPerRound) requests a target; µs per request, best round and median")
    for target in targets {
        let sorted = (timings[target.name] ?? []).sorted()
        guard let best = sorted.first else { continue }
        print("\(target.name): \(String(format: "%.1f", best)) best, \(String(format: "%.1f", sorted[sorted.count / 2])) median")
    }
}
