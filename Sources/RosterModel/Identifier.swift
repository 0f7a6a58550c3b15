import Foundation
import Synchronization

/// The kinds of object that carry an identifier, each with OpenAI's prefix.
public enum IdentifierKind: String, Sendable, CaseIterable {
    case user = "user_"
    case group = "group_"
    case role = "role_"
    case adminKey = "key_"
    case project = "proj_"
    case serviceAccount = "svc_acct_"
    case invite = "invite-"
    case auditLog = "audit_log-"

    /// The prefix every identifier of this kind starts with.
    public var prefix: String { rawValue }
}

/// An identifier such as `user_01JDQ…`: a kind's prefix followed by a ULID.
///
/// Identifiers sort by creation time: two identifiers made by one process compare in the order they were made,
/// so the store can page by identifier (keyset pagination) and still list objects oldest first.
public struct Identifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The full identifier, prefix included.
    public let rawValue: String

    /// Accepts `rawValue` only when it has the prefix of `kind` followed by a well-formed ULID.
    public init?(_ rawValue: String, kind: IdentifierKind) {
        let prefix = kind.prefix.utf8
        guard rawValue.utf8.starts(with: prefix), ULID.isWellFormed(rawValue.utf8.dropFirst(prefix.count)) else { return nil }
        self.rawValue = rawValue
    }

    /// Wraps an identifier read back from storage, where it was validated on the way in.
    public init(trusted rawValue: String) {
        self.rawValue = rawValue
    }

    /// Makes a new identifier of `kind` that sorts after every identifier this process made before.
    public static func make(_ kind: IdentifierKind) -> Identifier {
        Identifier(trusted: kind.prefix + ULID.generator.next())
    }

    public var description: String { rawValue }

    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// ULIDs (https://github.com/ulid/spec): 48 bits of milliseconds and 80 random bits in Crockford's base 32.
enum ULID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let generator = Generator()

    static func isWellFormed(_ text: Substring.UTF8View) -> Bool {
        text.count == 26 && text.allSatisfy(isDigit) && (text.first ?? 0) <= UInt8(ascii: "7")
    }

    /// Whether `byte` is in `alphabet`: 0-9 and the capital letters but I, L, O and U.
    private static func isDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "H"), UInt8(ascii: "J"), UInt8(ascii: "K"),
            UInt8(ascii: "M"), UInt8(ascii: "N"), UInt8(ascii: "P")...UInt8(ascii: "T"), UInt8(ascii: "V")...UInt8(ascii: "Z"):
            true
        default: false
        }
    }

    /// Monotonic within a process: a ULID made in the same millisecond as the previous one increments its random part.
    final class Generator: Sendable {
        private struct State {
            var milliseconds: UInt64 = 0
            var random: (high: UInt16, low: UInt64) = (0, 0)
        }

        private let state = Mutex(State())

        func next(now: Date = Date()) -> String {
            let (milliseconds, random) = state.withLock { state -> (UInt64, (UInt16, UInt64)) in
                let current = max(UInt64(now.timeIntervalSince1970 * 1000), state.milliseconds)
                if current == state.milliseconds {
                    let (low, overflow) = state.random.low.addingReportingOverflow(1)
                    state.random = (overflow ? state.random.high &+ 1 : state.random.high, low)
                } else {
                    state.milliseconds = current
                    var rng = SystemRandomNumberGenerator()
                    // Leave headroom so that increments within one millisecond never wrap.
                    state.random = (UInt16.random(in: 0...UInt16.max, using: &rng) >> 1, rng.next())
                }
                return (state.milliseconds, state.random)
            }
            return encode(milliseconds: milliseconds, high: random.0, low: random.1)
        }

        private func encode(milliseconds: UInt64, high: UInt16, low: UInt64) -> String {
            var bytes = [UInt8](repeating: 0, count: 26)
            var time = milliseconds
            for index in stride(from: 9, through: 0, by: -1) {
                bytes[index] = ULID.alphabet[Int(time & 31)]
                time >>= 5
            }
            // 80 random bits = 16 characters of 5 bits: high 16 bits then low 64 bits.
            var lowBits = low
            var highBits = UInt32(high)
            for index in stride(from: 25, through: 10, by: -1) {
                bytes[index] = ULID.alphabet[Int(lowBits & 31)]
                lowBits = (lowBits >> 5) | (UInt64(highBits & 31) << 59)
                highBits >>= 5
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
