import Foundation

/// Reads `ROSTER_*` environment variables, which give the options their defaults. A variable that is set but cannot
/// be read as its option is an error naming it, never silently ignored.
enum Environment {
    /// The variable's value; nil when it is unset or empty.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A port, 1 to 65535.
    static func port(_ name: String) throws -> Int? {
        guard let raw = value(name) else { return nil }
        guard let port = Int(raw), (1...65535).contains(port) else {
            throw CLIError("\(name) is '\(raw)', which is not a port: use a whole number from 1 to 65535.")
        }
        return port
    }

    /// A whole number in `range`.
    static func number(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = value(name) else { return nil }
        guard let number = Int(raw), range.contains(number) else {
            throw CLIError("\(name) is '\(raw)'; use a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    /// A yes-or-no setting: `1`, `true` or `yes`, or `0`, `false` or `no`.
    static func flag(_ name: String) throws -> Bool? {
        guard let raw = value(name) else { return nil }
        switch raw.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw CLIError("\(name) is '\(raw)'; use 1 (or true, yes) to turn it on, 0 (or false, no) to turn it off.")
        }
    }

    /// One of a fixed set of words, such as a log level.
    static func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw = value(name) else { return nil }
        guard let choice = T(rawValue: raw.lowercased()) else {
            throw CLIError("\(name) is '\(raw)'; use one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return choice
    }
}
