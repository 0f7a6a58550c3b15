import ArgumentParser
import Foundation
import Logging
import RosterModel
import Synchronization

/// How the server logs: `--log-level` and `--log-format`, with `ROSTER_LOG_LEVEL` and `ROSTER_LOG_FORMAT` as defaults.
struct LogOptions: ParsableArguments {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        /// One line of text per event.
        case text
        /// One JSON object per line: `time`, `level`, `label`, `message` and the event's metadata.
        case json
    }

    @Option(help: "trace, debug, info, notice, warning, error or critical (env ROSTER_LOG_LEVEL; default info).")
    var logLevel: Logger.Level?

    @Option(help: "text or json: one line, or one JSON object, per event (env ROSTER_LOG_FORMAT; default text).")
    var logFormat: Format?

    /// Makes every logger of the process log as asked, once, before anything logs.
    func start() throws {
        let level = try logLevel ?? Environment.choice("ROSTER_LOG_LEVEL", Logger.Level.self) ?? .info
        let format = try logFormat ?? Environment.choice("ROSTER_LOG_FORMAT", Format.self) ?? .text
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, logLevel: level) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Writes each event as one line of standard error: text, or one JSON object for log collectors.
///
/// Metadata is only rendered when an event is logged: a request sets some on every logger it makes, and most
/// requests log nothing (StreamLogHandler renders it on every set).
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogOptions.Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Lines from concurrent events are written whole, one at a time.
    private static let output = Mutex(())

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        let time = Self.timestamp()
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key })
        let text: String
        switch format {
        case .text:
            let rendered = fields.map { " \($0.key)=\($0.value)" }.joined()
            text = "\(time) \(level) \(label) :\(rendered) [\(event.source)] \(message)\n"
        case .json:
            var members: [(String, JSON)] = [
                ("time", .string(time)), ("level", .string(level.rawValue)), ("label", .string(label)),
                ("message", .string(message.description)),
            ]
            members += fields.map { ($0.key, .string($0.value.description)) }
            text = JSON.object(members).serialized + "\n"
        }
        var bytes = text
        bytes.withUTF8 { line in
            Self.output.withLock { _ in
                var written = 0
                while written < line.count {
                    let result = write(STDERR_FILENO, line.baseAddress! + written, line.count - written)
                    if result > 0 {
                        written += result
                    } else if result < 0 && errno == EINTR {
                        continue
                    } else {
                        return  // Nowhere to report a log that cannot be written.
                    }
                }
            }
        }
    }

    /// The time now in UTC, as `2026-12-02T06:44:54.239Z` (ISO 8601 with milliseconds). Written by hand: Foundation's
    /// formatter was a large part of what each request's log line cost.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(now.tv_nsec) / 1_000_000
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int, digits: Int) {
                var value = value
                for position in stride(from: index + digits - 1, through: index, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                index += digits
            }
            func put(_ character: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: character)
                index += 1
            }
            put(Int(parts.tm_year) + 1900, digits: 4)
            put("-")
            put(Int(parts.tm_mon) + 1, digits: 2)
            put("-")
            put(Int(parts.tm_mday), digits: 2)
            put("T")
            put(Int(parts.tm_hour), digits: 2)
            put(":")
            put(Int(parts.tm_min), digits: 2)
            put(":")
            put(Int(parts.tm_sec), digits: 2)
            put(".")
            put(milliseconds, digits: 3)
            put("Z")
            return index
        }
    }
}
