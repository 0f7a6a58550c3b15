import RosterModel

extension SCIMFilter {
    /// Parses filter text (RFC 7644 §3.4.2.2). Operators and the keywords `and`, `or`, `not`, `true`, `false` and
    /// `null` may be written in any case; `and` binds tighter than `or`; `not` must be followed by a parenthesised
    /// filter. Strings are double-quoted with JSON escapes (single quotes are tolerated); numbers are JSON numbers.
    /// Throws `invalidFilter`, naming where the text went wrong, for anything else, for nesting deeper than 32
    /// levels, for a value path inside a value path, and for a filter longer than `maximumLength` characters or with
    /// more than `maximumConditions` conditions (`userName eq "x"` is one).
    public init(_ text: String) throws(SCIMError) {
        var parser = try FilterParser(text)
        self = try parser.parseWhole()
    }
}

/// A recursive-descent parser over the tokens of one filter.
struct FilterParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case open, close, openBracket, closeBracket

        var text: String {
            switch self {
            case .word(let word): word
            case .string(let string): "\"" + string + "\""
            case .open: "("
            case .close: ")"
            case .openBracket: "["
            case .closeBracket: "]"
            }
        }
    }

    static let maximumDepth = 32

    /// Conditions read so far; past `SCIMFilter.maximumConditions` the filter is refused.
    private var conditions = 0

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private var depth = 0
    private var insideValuePath = false

    init(_ text: String) throws(SCIMError) {
        guard text.unicodeScalars.count <= SCIMFilter.maximumLength else {
            throw .invalidFilter("the filter is longer than the \(SCIMFilter.maximumLength) characters Roster accepts")
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case _ where scalar.properties.isWhitespace:
                index += 1
            case "(", ")", "[", "]":
                let token: Token = scalar == "(" ? .open : scalar == ")" ? .close : scalar == "[" ? .openBracket : .closeBracket
                tokens.append((token, index))
                index += 1
            case "\"", "'":
                let start = index
                tokens.append((.string(try Self.readString(scalars, from: &index)), start))
            default:
                let start = index
                var word = String.UnicodeScalarView()
                while index < scalars.count, !scalars[index].properties.isWhitespace,
                    !"()[]\"".unicodeScalars.contains(scalars[index])
                {
                    word.append(scalars[index])
                    index += 1
                }
                tokens.append((.word(String(word)), start))
            }
        }
    }

    /// Reads a quoted string starting at `index` (on the quote) and leaves `index` after the closing quote.
    private static func readString(_ scalars: [Unicode.Scalar], from index: inout Int) throws(SCIMError) -> String {
        let quote = scalars[index]
        let start = index
        index += 1
        var result = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == quote { return String(result) }
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard index < scalars.count else { break }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "\"", "\\", "/", "'": result.append(escape)
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "t": result.append("\t")
            case "u":
                guard var code = hex4(scalars, at: &index) else {
                    throw .invalidFilter("invalid \\u escape in the string at position \(start)")
                }
                if (0xD800..<0xDC00).contains(code), index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
                    var next = index + 2
                    if let low = hex4(scalars, at: &next), (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index = next
                    }
                }
                guard let decoded = Unicode.Scalar(code) else {
                    throw .invalidFilter("invalid \\u escape in the string at position \(start)")
                }
                result.append(decoded)
            default:
                throw .invalidFilter("invalid escape \\\(escape) in the string at position \(start)")
            }
        }
        throw .invalidFilter("the string at position \(start) is not closed")
    }

    private static func hex4(_ scalars: [Unicode.Scalar], at index: inout Int) -> UInt32? {
        guard index + 4 <= scalars.count else { return nil }
        var value: UInt32 = 0
        for scalar in scalars[index..<index + 4] {
            guard let digit = Int(String(scalar), radix: 16) else { return nil }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }

    // MARK: Grammar

    /// The whole token list as one filter.
    mutating func parseWhole() throws(SCIMError) -> SCIMFilter {
        guard !tokens.isEmpty else { throw .invalidFilter("the filter is empty") }
        let filter = try parseDisjunction()
        if let (token, offset) = peek() {
            throw .invalidFilter("unexpected '\(token.text)' at position \(offset)")
        }
        return filter
    }

    private func peek(_ ahead: Int = 0) -> (token: Token, offset: Int)? {
        position + ahead < tokens.count ? tokens[position + ahead] : nil
    }

    private mutating func takeKeyword(_ keyword: String) -> Bool {
        guard case .word(let word)? = peek()?.token, word.equalsIgnoringCase(keyword) else {
            return false
        }
        position += 1
        return true
    }

    private mutating func expect(_ token: Token) throws(SCIMError) {
        guard let next = peek() else { throw .invalidFilter("the filter ends where '\(token.text)' was expected") }
        guard next.token == token else {
            throw .invalidFilter("expected '\(token.text)' at position \(next.offset), found '\(next.token.text)'")
        }
        position += 1
    }

    private mutating func parseDisjunction() throws(SCIMError) -> SCIMFilter {
        var terms = [try parseConjunction()]
        while takeKeyword("or") { terms.append(try parseConjunction()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseConjunction() throws(SCIMError) -> SCIMFilter {
        var terms = [try parseTerm()]
        while takeKeyword("and") { terms.append(try parseTerm()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseTerm() throws(SCIMError) -> SCIMFilter {
        guard let (token, offset) = peek() else { throw .invalidFilter("the filter ends where an expression was expected") }
        switch token {
        case .open:
            position += 1
            return try nested { parser throws(SCIMError) in
                let inner = try parser.parseDisjunction()
                try parser.expect(.close)
                return inner
            }
        case .word(let word) where word.equalsIgnoringCase("not") && peek(1)?.token == .open:
            position += 2
            return try nested { parser throws(SCIMError) in
                let inner = try parser.parseDisjunction()
                try parser.expect(.close)
                return .not(inner)
            }
        case .word(let word):
            position += 1
            guard let path = SCIMAttributePath(parsing: word) else {
                throw .invalidFilter("'\(word)' at position \(offset) is not an attribute path")
            }
            return try parseCondition(on: path)
        default:
            throw .invalidFilter("unexpected '\(token.text)' at position \(offset)")
        }
    }

    private mutating func parseCondition(on path: SCIMAttributePath) throws(SCIMError) -> SCIMFilter {
        conditions += 1
        guard conditions <= SCIMFilter.maximumConditions else {
            throw .invalidFilter("the filter has more than the \(SCIMFilter.maximumConditions) conditions Roster accepts")
        }
        guard let (token, offset) = peek() else {
            throw .invalidFilter("the filter ends after '\(path)' where an operator was expected")
        }
        position += 1
        if token == .openBracket {
            guard !insideValuePath else {
                throw .invalidFilter("a value filter cannot contain another, at position \(offset)")
            }
            let inner = try nested { parser throws(SCIMError) in
                parser.insideValuePath = true
                defer { parser.insideValuePath = false }
                let inner = try parser.parseDisjunction()
                try parser.expect(.closeBracket)
                return inner
            }
            // Microsoft Entra writes `emails[type eq "work"].value eq "x"`: a sub-attribute condition after the
            // value filter, which RFC 7644's grammar lacks. It means `emails[type eq "work" and value eq "x"]`.
            if let (next, _) = peek(), case .word(let word) = next, word.hasPrefix("."), word.count > 1 {
                position += 1
                let sub = SCIMAttributePath(urn: nil, String(word.dropFirst()))
                let condition = try parseCondition(on: sub)
                return .valuePath(path, .and([inner, condition]))
            }
            return .valuePath(path, inner)
        }
        guard case .word(let word) = token else {
            throw .invalidFilter("expected an operator after '\(path)' at position \(offset), found '\(token.text)'")
        }
        if word.equalsIgnoringCase("pr") { return .present(path) }
        guard let comparison = SCIMFilter.ComparisonOperator(rawValue: word.lowercased()) else {
            throw .invalidFilter("'\(word)' at position \(offset) is not an operator")
        }
        return .comparison(path, comparison, try parseValue(after: word))
    }

    private mutating func parseValue(after operatorWord: String) throws(SCIMError) -> JSON {
        guard let (token, offset) = peek() else {
            throw .invalidFilter("the filter ends after '\(operatorWord)' where a value was expected")
        }
        position += 1
        switch token {
        case .string(let string): return .string(string)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if let number = Self.number(word) { return number }
            }
        default: break
        }
        throw .invalidFilter("expected a value at position \(offset), found '\(token.text)'")
    }

    /// A JSON number (`-?int frac? exp?`) as an integer when it is one, else a double.
    static func number(_ word: String) -> JSON? {
        let scalars = Array(word.unicodeScalars)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            return index - start
        }
        if index < scalars.count, scalars[index] == "-" { index += 1 }
        guard digits() > 0 else { return nil }
        var integral = true
        if index < scalars.count, scalars[index] == "." {
            index += 1
            integral = false
            guard digits() > 0 else { return nil }
        }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            integral = false
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == scalars.count else { return nil }
        if integral, let value = Int(word) { return .int(value) }
        return Double(word).map(JSON.double)
    }

    private mutating func nested(_ body: (inout FilterParser) throws(SCIMError) -> SCIMFilter) throws(SCIMError) -> SCIMFilter {
        guard depth < Self.maximumDepth else {
            throw .invalidFilter("the filter nests deeper than \(Self.maximumDepth) levels")
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }
}
