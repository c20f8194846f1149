import Foundation

extension FileReport {
    /// The human-readable block `cellscribe info` prints for this file.
    var text: String {
        var lines = [path]
        func add(_ key: String, _ value: String?) {
            if let value { lines.append("  " + (key + ":").padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
        }
        if let error {
            add("error", error)
            return lines.joined(separator: "\n")
        }
        add("format", format)
        add("kind", kind)
        if let shape, let axes {
            add(
                "shape",
                shape.map(String.init).joined(separator: " x ") + " (" + axes.map(String.init).joined(separator: ", ")
                    + ")")
        }
        add("dtype", dtype)
        add("range", range.map { "\(Self.number($0[0])) .. \(Self.number($0[1]))" })
        if kind != "ROI set" && kind != "arrays" { add("spacing", spacing.map(\.description) ?? "not stated") }
        add("channels", channelNames?.joined(separator: ", "))
        add("instances", instances.map(String.init))
        for array in arrays ?? [] {
            let role = array.role.map { " [\($0)]" } ?? ""
            let range = array.range.map { ", \(Self.number($0[0])) .. \(Self.number($0[1]))" } ?? ""
            add(
                "array",
                "\(array.name)\(role): \(array.shape.map(String.init).joined(separator: " x ")) \(array.dtype)\(range)")
        }
        for note in notes { add("note", note) }
        return lines.joined(separator: "\n")
    }

    /// Integers without a fraction, others with up to 6 significant digits.
    static func number(_ v: Double) -> String {
        if v.rounded() == v, abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }
}
