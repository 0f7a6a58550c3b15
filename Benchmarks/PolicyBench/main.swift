// The in-process half of `Benchmarks/large_org.py`: loads the policy of an existing database and times decisions,
// with no HTTP in the way. Prints one JSON object.
//
//     policy-bench DATABASE SECRET [ITERATIONS]
//
// SECRET is an admin key of the user whose decisions are timed (the generator's user in 200 groups).
import Foundation
import RosterModel
import RosterService
import RosterSQLite

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: policy-bench DATABASE SECRET [ITERATIONS]\n".utf8))
    exit(2)
}
let (path, secret) = (arguments[1], arguments[2])
let iterations = arguments.count > 3 ? Int(arguments[3]) ?? 20_000 : 20_000

/// The resident set size of this process, in MiB.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return -1 }
    return kilobytes / 1024
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

try await SQLiteDatastore.withOpened(.init(path: path)) { store in
    let organization = Organization(store: store)
    let started = ContinuousClock.now
    let revision = try await organization.catchUpPolicy()
    let loadSeconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
        + Double((ContinuousClock.now - started).components.seconds)
    let rss = residentMiB()

    let caller = try await organization.authenticate(secret: secret)
    let groups = PermissionRequirement("api.groups.read", inProject: nil)
    var decisions: [Double] = []
    var checks: [Double] = []
    decisions.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let begin = ContinuousClock.now
        _ = try await organization.authenticateAndAuthorize(secret: secret, groups, projectID: nil, operation: "GET groups")
        decisions.append(Double((ContinuousClock.now - begin).components.attoseconds) / 1e12)
    }
    for _ in 0..<max(1, iterations / 10) {
        let begin = ContinuousClock.now
        _ = try await organization.check(userID: caller.userID, permission: "api.audit_logs.read", projectID: nil)
        checks.append(Double((ContinuousClock.now - begin).components.attoseconds) / 1e12)
    }
    decisions.sort()
    checks.sort()
    let result: [String: Any] = [
        "revision": revision, "load_seconds": loadSeconds, "rss_mib_after_load": rss,
        "decision_us_p50": percentile(decisions, 0.5), "decision_us_p99": percentile(decisions, 0.99),
        "check_us_p50": percentile(checks, 0.5), "check_us_p99": percentile(checks, 0.99),
        "grants_held": try await organization.permissions(of: caller.userID, projectID: nil).count,
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
