import Foundation
import Testing

@testable import RosterModel

@Suite struct JSONTests {
    @Test("parsing keeps object members in the order they were written")
    func memberOrder() throws {
        let json = try JSON.parse(Data(#"{"zeta": 1, "alpha": {"b": true, "a": null}, "mid": [1, 2.5, "x"]}"#.utf8))
        #expect(json.objectValue?.map(\.0) == ["zeta", "alpha", "mid"])
        #expect(json[member: "ALPHA"]?.objectValue?.map(\.0) == ["b", "a"])
        #expect(json[member: "mid"] == .array([.int(1), .double(2.5), .string("x")]))
    }

    @Test("strings decode every escape, surrogate pairs included, and serialize back")
    func escapes() throws {
        let json = try JSON.parse(Data(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#.utf8))
        #expect(json == .string("a\"b\\c/d\n\té😀"))
        #expect(try JSON.parse(Data(json.serialized.utf8)) == json)
    }

    @Test("serializing escapes quotes, backslashes and control characters, and copies everything else as UTF-8")
    func serializing() {
        let json = JSON.object([("k\"ey", .array([.string("plain"), .string("a\u{01}b\u{1F}\"\\\r\n\t"), .string("é😀\u{7F}"), .string("")]))])
        #expect(json.serialized == #"{"k\"ey":["plain","a\u0001b\u001f\"\\\r\n\t","é😀\#u{7F}",""]}"#)
        #expect(json.serializedBytes == Array(json.serialized.utf8))
    }

    @Test("a character needing an escape is escaped at every position of strings of every length, eight-byte runs included")
    func escapesAtEveryPosition() throws {
        // Each special character, and the bytes it is written as.
        let written: [String: String] = ["\"": #"\""#, "\\": #"\\"#, "\n": #"\n"#, "\u{01}": #"\u0001"#, "\u{1F}": #"\u001f"#, "é": "é"]
        for (special, escaped) in written {
            for length in 0...24 {
                for position in 0...length {
                    let text = String(repeating: "a", count: position) + special + String(repeating: "a", count: length - position)
                    let expected = "\"" + String(repeating: "a", count: position) + escaped + String(repeating: "a", count: length - position) + "\""
                    #expect(JSON.string(text).serialized == expected)
                }
            }
        }
    }

    @Test("the writer separates members and elements, and writes what the tree would")
    func writerMatchesTree() {
        var writer = JSONWriter(capacity: 1)
        writer.object { body in
            body.key("a"); body.array([1, 2]) { $0.int($1) }
            body.key("b"); body.object { _ in }
            body.key("c"); body.string(nil)
            body.key("d"); body.string { $0.stringContent("x\""); $0.stringContent("y") }
            body.escapedKey("e\"f"); body.value(.array([.object([]), .array([]), .double(.infinity), .bool(false)]))
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,2],"b":{},"c":null,"d":"x\"y","e\"f":[{},[],null,false]}"#)
    }

    @Test("text that is not JSON is refused with where it went wrong")
    func invalid() {
        for text in ["{", "[1,]", #"{"a" 1}"#, "tru", "01x", #""\ud800""#, "1 2", "{\"a\":1,}", "\"\u{01}\""] {
            #expect(throws: JSON.SyntaxError.self, "\(text)") { try JSON.parse(Data(text.utf8)) }
        }
    }

    @Test("nesting deeper than 128 levels is refused rather than exhausting the stack")
    func depth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSON.SyntaxError.self) { try JSON.parse(Data(deep.utf8)) }
    }

    @Test("a repeated key keeps its last value")
    func repeatedKey() throws {
        #expect(try JSON.parse(Data(#"{"a": 1, "a": 2}"#.utf8)) == .object([("a", .int(2))]))
        // The member stays where it was last given, among the others in their order.
        #expect(try JSON.parse(Data(#"{"a": 1, "b": 2, "a": 3, "c": 4}"#.utf8)) == .object([("b", .int(2)), ("a", .int(3)), ("c", .int(4))]))
    }

    @Test("a wide object keeps every member once, its last value at its last place")
    func wideObject() throws {
        let names = (0..<5_000).map { "k\($0)" }
        let text = "{" + (names + ["k7", "k4999", "k7"]).enumerated().map { #""\#($1)": \#($0)"# }.joined(separator: ",") + "}"
        guard case .object(let members) = try JSON.parse(Array(text.utf8)) else { Issue.record("not an object"); return }
        #expect(members.count == 5_000)
        #expect(members.map(\.0) == names.filter { $0 != "k7" && $0 != "k4999" } + ["k4999", "k7"])
        #expect(members.last?.1 == .int(5_002))
        #expect(members.dropLast().last?.1 == .int(5_001))
    }
}
