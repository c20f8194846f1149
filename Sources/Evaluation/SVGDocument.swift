/// A minimal SVG writer: shapes and text appended in drawing order, rendered as one standalone SVG 1.1
/// document. Coordinates are in pixels from the top-left corner; numbers are written with two decimals at most.
public struct SVGDocument: Sendable {
    /// Horizontal alignment of text relative to its anchor point.
    public enum TextAnchor: String, Sendable {
        case start, middle, end
    }

    public let width: Double
    public let height: Double
    private var elements: [String] = []

    /// An empty white canvas.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
        rect(x: 0, y: 0, width: width, height: height, fill: "white")
    }

    /// A straight line; `dash` is an SVG dash pattern such as `"4 3"`.
    public mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "black", strokeWidth: Double = 1,
        dash: String? = nil
    ) {
        var attributes = "x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\""
        attributes += " stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        elements.append("<line \(attributes)/>")
    }

    /// An open polyline through `points` (x, y).
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, strokeWidth: Double = 2) {
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        let style = "fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\" stroke-linejoin=\"round\""
        elements.append("<polyline points=\"\(list)\" \(style)/>")
    }

    /// A rectangle; `stroke` nil for none.
    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil
    ) {
        let outline = stroke.map { " stroke=\"\($0)\"" } ?? ""
        let box = "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\""
        elements.append("<rect \(box) fill=\"\(fill)\"\(outline)/>")
    }

    /// A filled circle.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
        elements.append("<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(fill)\"/>")
    }

    /// Text with its baseline at `y`, optionally rotated by `rotation` degrees about its anchor point.
    public mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 12, anchor: TextAnchor = .start, bold: Bool = false,
        rotation: Double = 0
    ) {
        var attributes = "x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\""
        if bold { attributes += " font-weight=\"bold\"" }
        if rotation != 0 { attributes += " transform=\"rotate(\(n(rotation)) \(n(x)) \(n(y)))\"" }
        elements.append("<text \(attributes)>\(Self.escape(content))</text>")
    }

    /// The document as SVG text.
    public var rendered: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
        viewBox="0 0 \(n(width)) \(n(height))" font-family="Helvetica, Arial, sans-serif">
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    /// `&`, `<`, `>` and quotes as XML entities.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals, without a trailing `.0`.
    private func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : "\(r)"
    }
}
