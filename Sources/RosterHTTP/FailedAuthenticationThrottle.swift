import Synchronization

/// Counts failed authentications per client address and refuses an address that fails too often, so that a key
/// cannot be guessed online. Each address has a budget of `perMinute` failures that refills evenly over a minute.
/// While an address's budget is spent, only keys that authenticated from that address before go through; any other
/// key is refused unchecked (429), so a guess learns nothing. Valid keys never spend the budget, and other addresses
/// are unaffected. At most `maximumAddresses` addresses are tracked; the longest quiet ones are forgotten first.
final class FailedAuthenticationThrottle: Sendable {
    private struct Entry {
        /// Failures still allowed; refills at `perMinute` a minute.
        var budget: Double
        var updatedAt: Double
        /// Fingerprints of keys that authenticated from the address, newest last.
        var knownGood: [[UInt8]] = []
    }

    private let perMinute: Double
    private let maximumAddresses: Int
    private let clock: @Sendable () -> Double
    private let entries = Mutex([String: Entry]())

    /// How many keys an address remembers as having authenticated from it.
    static let knownGoodPerAddress = 16

    init(perMinute: Int, maximumAddresses: Int = 10_000, clock: @escaping @Sendable () -> Double) {
        self.perMinute = Double(max(1, perMinute))
        self.maximumAddresses = maximumAddresses
        self.clock = clock
    }

    /// What the throttle says of a request presenting a key.
    struct Admission: Equatable {
        /// Nil when the key may be checked; otherwise the seconds until the address may try again.
        var retryAfter: Int?
        /// Whether the key authenticated from the address before, so that a success need not be noted again.
        var isKnownGood: Bool
    }

    /// Whether a request from `address` presenting the key with `fingerprint` may be checked. One look under the lock
    /// serves the common request, a known key from its usual address: nothing is noted after it succeeds.
    func admission(address: String, fingerprint: [UInt8]) -> Admission {
        let now = clock()
        return entries.withLock { entries in
            guard let index = entries.index(forKey: address) else { return Admission(isKnownGood: false) }
            // Read and refilled where it is: a copy of the entry would copy its fingerprints.
            refill(&entries.values[index], at: now)
            let isKnownGood = entries.values[index].knownGood.contains(fingerprint)
            let budget = entries.values[index].budget
            guard budget < 1, !isKnownGood else { return Admission(isKnownGood: isKnownGood) }
            return Admission(retryAfter: Int(((1 - budget) * 60 / perMinute).rounded(.up)), isKnownGood: false)
        }
    }

    /// Notes a failed authentication from `address`.
    func noteFailure(address: String) {
        let now = clock()
        entries.withLock { entries in
            var entry = entries[address] ?? Entry(budget: perMinute, updatedAt: now)
            refill(&entry, at: now)
            entry.budget = max(0, entry.budget - 1)
            entries[address] = entry
            if entries.count > maximumAddresses { forgetQuietest(&entries) }
        }
    }

    /// Notes that the key with `fingerprint` authenticated from `address`.
    func noteSuccess(address: String, fingerprint: [UInt8]) {
        let now = clock()
        entries.withLock { entries in
            var entry = entries[address] ?? Entry(budget: perMinute, updatedAt: now)
            guard !entry.knownGood.contains(fingerprint) else { return }
            entry.knownGood.append(fingerprint)
            if entry.knownGood.count > Self.knownGoodPerAddress { entry.knownGood.removeFirst() }
            entries[address] = entry
            if entries.count > maximumAddresses { forgetQuietest(&entries) }
        }
    }

    private func refill(_ entry: inout Entry, at now: Double) {
        entry.budget = min(perMinute, entry.budget + (now - entry.updatedAt) * perMinute / 60)
        entry.updatedAt = now
    }

    /// Drops the tenth of the addresses that have been quiet longest.
    private func forgetQuietest(_ entries: inout [String: Entry]) {
        let quietest = entries.sorted { $0.value.updatedAt < $1.value.updatedAt }.prefix(max(1, maximumAddresses / 10))
        for (address, _) in quietest { entries[address] = nil }
    }
}
