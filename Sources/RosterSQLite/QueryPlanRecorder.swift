import Synchronization

/// Collects SQLite's query plan of every statement a store runs, so a test can prove each one uses an index.
final class QueryPlanRecorder: Sendable {
    private let plans = Mutex<[String: [String]]>([:])

    func record(sql: String, plan: [String]) {
        plans.withLock { $0[sql] = plan }
    }

    /// Every statement run so far, with its plan's lines.
    var recorded: [String: [String]] { plans.withLock { $0 } }

    /// The statements whose plan reads a whole table without an index, with the offending plan line.
    /// `exempt` names what may be scanned: common table expressions, which hold only rows already found by index.
    /// A scan of a table in primary-key order that stops at a `LIMIT` (the first page of a list) is not a full scan.
    func fullScans(exempt: Set<String>) -> [(sql: String, line: String)] {
        recorded.flatMap { sql, lines -> [(sql: String, line: String)] in
            let readsInKeyOrderUpToLimit = sql.contains("LIMIT") && !lines.contains { $0.contains("TEMP B-TREE") }
            return lines.filter { line in
                guard !readsInKeyOrderUpToLimit else { return false }
                let words = line.split(separator: " ")
                return words.count >= 2 && words[0] == "SCAN" && !exempt.contains(String(words[1])) && !line.contains("USING")
            }.map { (sql: sql, line: $0) }
        }.sorted { $0.sql < $1.sql }
    }
}
