/// The subset of Python literal syntax that NPY headers use: a dict with string keys whose values are
/// strings, integers, `True`/`False`/`None`, tuples, lists and nested dicts. Parsed, never evaluated.
enum PythonLiteral: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.none, .none): true
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): x == y
        case (.dict(let x), .dict(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: false
        }
    }

    /// Why a header is not a literal we can read; the message says where.
    struct SyntaxError: Error {
        var message: String
    }

    /// Parses `text` as exactly one literal (surrounding whitespace allowed).
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = Parser(chars: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.chars.count else { throw parser.error("unexpected text after the literal") }
        return value
    }

    /// A recursive-descent parser over Unicode scalars.
    private struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        /// Nesting bound, so a hostile header cannot exhaust the stack.
        static let maxDepth = 32

        func error(_ what: String) -> SyntaxError {
            SyntaxError(message: "\(what) at character \(index)")
        }

        mutating func skipSpace() {
            while index < chars.count, chars[index].properties.isWhitespace { index += 1 }
        }

        mutating func value(depth: Int) throws -> PythonLiteral {
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
            skipSpace()
            guard index < chars.count else { throw error("unexpected end of header") }
            switch chars[index] {
            case "'", "\"": return .string(try string())
            case "(": return .tuple(try sequence(close: ")", depth: depth))
            case "[": return .list(try sequence(close: "]", depth: depth))
            case "{": return try dict(depth: depth)
            case "-", "+", "0"..."9": return .int(try integer())
            default: return try word()
            }
        }

        mutating func string() throws -> String {
            let quote = chars[index]
            index += 1
            var out = String.UnicodeScalarView()
            while index < chars.count, chars[index] != quote {
                if chars[index] == "\\" {
                    index += 1
                    guard index < chars.count else { break }
                }
                out.append(chars[index])
                index += 1
            }
            guard index < chars.count else { throw error("unterminated string") }
            index += 1
            return String(out)
        }

        mutating func integer() throws -> Int {
            var digits = ""
            if chars[index] == "-" || chars[index] == "+" {
                digits.unicodeScalars.append(chars[index])
                index += 1
            }
            while index < chars.count, ("0"..."9").contains(chars[index]) {
                digits.unicodeScalars.append(chars[index])
                index += 1
            }
            // Python 2 wrote long integers with an L suffix.
            if index < chars.count, chars[index] == "L" || chars[index] == "l" { index += 1 }
            guard let value = Int(digits) else { throw error("'\(digits)' is not an integer that fits 64 bits") }
            return value
        }

        mutating func word() throws -> PythonLiteral {
            var name = ""
            while index < chars.count, chars[index].properties.isAlphabetic {
                name.unicodeScalars.append(chars[index])
                index += 1
            }
            switch name {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "": throw error("unexpected character '\(chars[index])'")
            default: throw error("unexpected name '\(name)'")
            }
        }

        /// Comma-separated values up to `close`; a trailing comma is allowed.
        mutating func sequence(close: Unicode.Scalar, depth: Int) throws -> [PythonLiteral] {
            index += 1
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                guard index < chars.count else { throw error("missing '\(close)'") }
                if chars[index] == close {
                    index += 1
                    return items
                }
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < chars.count else { throw error("missing '\(close)'") }
                if chars[index] == "," {
                    index += 1
                } else if chars[index] != close {
                    throw error("expected ',' or '\(close)'")
                }
            }
        }

        mutating func dict(depth: Int) throws -> PythonLiteral {
            index += 1
            var items: [(key: String, value: PythonLiteral)] = []
            while true {
                skipSpace()
                guard index < chars.count else { throw error("missing '}'") }
                if chars[index] == "}" {
                    index += 1
                    return .dict(items)
                }
                guard case .string(let key) = try value(depth: depth + 1) else {
                    throw error("a dict key is not a string")
                }
                skipSpace()
                guard index < chars.count, chars[index] == ":" else { throw error("expected ':' after key '\(key)'") }
                index += 1
                items.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < chars.count else { throw error("missing '}'") }
                if chars[index] == "," {
                    index += 1
                } else if chars[index] != "}" {
                    throw error("expected ',' or '}'")
                }
            }
        }
    }
}
