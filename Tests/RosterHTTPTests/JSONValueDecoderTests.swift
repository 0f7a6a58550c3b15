import Foundation
import RosterModel
import Testing

@testable import RosterHTTP

/// Request bodies are parsed once and decoded from the parsed value; the answers and the errors must be those
/// `JSONDecoder` gives, since the error envelope (`param`, `code`, message) is built from them.
@Suite struct JSONValueDecoderTests {
    struct Entry: Decodable, Equatable {
        let id: String
        let role: String?
    }

    struct Body: Decodable, Equatable {
        let name: String
        let count: Int?
        let flag: Bool?
        let ratio: Double?
        let tags: [String]?
        let entries: [Entry]?
    }

    /// What a decode gave, in the terms the error envelope uses.
    enum Outcome: Equatable {
        case value(Body)
        case missing(String)
        case mismatch(String, String)
        case null(String)
        case corrupted(String)
    }

    static func outcome(_ decode: () throws -> Body) -> Outcome {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        do {
            return .value(try decode())
        } catch DecodingError.keyNotFound(let key, let context) {
            return .missing(path(context.codingPath + [key]))
        } catch DecodingError.typeMismatch(let type, let context) {
            return .mismatch("\(type)", path(context.codingPath))
        } catch DecodingError.valueNotFound(_, let context) {
            return .null(path(context.codingPath))
        } catch DecodingError.dataCorrupted(let context) {
            return .corrupted(path(context.codingPath))
        } catch {
            return .corrupted("\(error)")
        }
    }

    @Test("decoding a parsed body answers as JSONDecoder does, values and errors alike", arguments: [
        #"{"name": "a"}"#,
        #"{"name": "a", "count": 3, "flag": true, "ratio": 0.5, "tags": ["x", "y"], "entries": [{"id": "p", "role": null}]}"#,
        #"{"name": "a", "count": 3.0}"#,
        #"{"name": "a", "ratio": 2}"#,
        #"{"name": "a", "unknown": {"deep": [1, 2]}}"#,
        #"{}"#,
        #"{"name": null}"#,
        #"{"name": 5}"#,
        #"{"name": "a", "count": "3"}"#,
        #"{"name": "a", "count": 1.5}"#,
        #"{"name": "a", "flag": "yes"}"#,
        #"{"name": "a", "tags": "x"}"#,
        #"{"name": "a", "tags": ["x", 2]}"#,
        #"{"name": "a", "entries": [{"role": "owner"}]}"#,
        #"{"name": "a", "entries": [{"id": 7}]}"#,
        #"{"name": "a", "entries": {"id": "p"}}"#,
        #"{"name": "a", "count": null, "tags": null}"#,
        #"[]"#,
        #""name""#,
        #"null"#,
    ])
    func agreesWithJSONDecoder(_ text: String) throws {
        let data = Data(text.utf8)
        let parsed = try JSON.parse(data)
        var expected = Self.outcome { try JSONDecoder().decode(Body.self, from: data) }
        // The one difference: a number that is not whole, given for an integer, names its member.
        if text.contains("1.5") { expected = .corrupted(".count") }
        let actual = Self.outcome { try JSONValueDecoder.decode(Body.self, from: parsed) }
        #expect(actual == expected, "\(text)")
    }
}
