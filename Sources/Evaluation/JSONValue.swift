/// A JSON value whose objects keep their keys in the order given, so reports read top-down (summary first)
/// and diff cleanly between runs. Non-finite numbers are written as `null`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        a.rendered(pretty: false) == b.rendered(pretty: false)
    }

    /// A number, or `null` for nil.
    public static func numberOrNull(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }

    /// The JSON text: indented by two spaces per level when `pretty`, else on one line.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, pretty: pretty, level: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let d): out += d.isFinite ? Self.format(d) : "null"
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &out, pretty: pretty, level: level)
        case .object(let members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &out, pretty: pretty, level: level)
        }
    }

    private func writeContainer(
        _ items: [(String?, JSONValue)], open: String, close: String, to out: inout String, pretty: Bool, level: Int
    ) {
        guard !items.isEmpty else {
            out += open + close
            return
        }
        // Arrays of scalars stay on one line: shapes and per-threshold lists read better that way.
        let inline = !pretty || items.allSatisfy { $0.0 == nil && $0.1.isScalar }
        let pad = String(repeating: "  ", count: level + 1)
        out += open
        for (i, (key, value)) in items.enumerated() {
            if i > 0 { out += inline && pretty ? ", " : "," }
            if !inline { out += "\n" + pad }
            if let key {
                Self.quote(key, into: &out)
                out += pretty ? ": " : ":"
            }
            value.write(to: &out, pretty: pretty, level: level + 1)
        }
        if !inline { out += "\n" + String(repeating: "  ", count: level) }
        out += close
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Shortest text that reads back as the same Double; whole numbers keep a `.0`.
    static func format(_ d: Double) -> String { d == 0 ? "0.0" : "\(d)" }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
