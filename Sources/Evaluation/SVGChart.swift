/// A named series of values in 0...1 for a chart, drawn in `color` (any SVG colour).
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var color: String
    public var values: [Double]

    public init(name: String, color: String, values: [Double]) {
        self.name = name
        self.color = color
        self.values = values
    }
}

/// Charts of scores in 0...1 drawn with `SVGDocument`: a title, a y axis from 0 to 1 with ticks every 0.2
/// and grid lines, an x axis with labelled ticks, axis titles, and a legend right of the plot.
public enum SVGChart {
    /// Canvas and plot-area geometry shared by the charts, in pixels.
    struct Frame {
        let width = 680.0, height = 420.0
        let left = 70.0, right = 160.0, top = 50.0, bottom = 70.0
        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
        /// The y pixel of a score (clamped to 0...1).
        func y(_ value: Double) -> Double { top + plotHeight * (1 - min(1, max(0, value))) }
    }

    /// Lines (with a dot per point) of each series against numeric `x`, with ticks and labels at every x.
    public static func lines(title: String, xTitle: String, yTitle: String, x: [Double], series: [ChartSeries])
        -> String
    {
        let f = Frame()
        var svg = frame(f, title: title, xTitle: xTitle, yTitle: yTitle, legend: series)
        let lo = x.min() ?? 0
        let hi = x.max() ?? 1
        func px(_ v: Double) -> Double { f.left + f.plotWidth * (hi > lo ? (v - lo) / (hi - lo) : 0.5) }
        for v in x {
            svg.line(x1: px(v), y1: f.top + f.plotHeight, x2: px(v), y2: f.top + f.plotHeight + 5)
            svg.text(tickLabel(v), x: px(v), y: f.top + f.plotHeight + 20, size: 11, anchor: .middle)
        }
        for s in series {
            let points = zip(x, s.values).map { (x: px($0), y: f.y($1)) }
            svg.polyline(points, stroke: s.color)
            for p in points { svg.circle(cx: p.x, cy: p.y, r: 3, fill: s.color) }
        }
        return svg.rendered
    }

    /// Grouped bars: one group per category, one bar per series; `notes` (e.g. object counts) are printed
    /// under the category labels.
    public static func bars(
        title: String, xTitle: String, yTitle: String, categories: [String], notes: [String] = [], series: [ChartSeries]
    ) -> String {
        let f = Frame()
        var svg = frame(f, title: title, xTitle: xTitle, yTitle: yTitle, legend: series)
        let groupWidth = f.plotWidth / Double(max(1, categories.count))
        let barWidth = groupWidth * 0.7 / Double(max(1, series.count))
        for (i, category) in categories.enumerated() {
            let groupLeft = f.left + groupWidth * Double(i) + groupWidth * 0.15
            for (k, s) in series.enumerated() where i < s.values.count {
                let top = f.y(s.values[i])
                svg.rect(
                    x: groupLeft + barWidth * Double(k), y: top, width: barWidth * 0.92,
                    height: f.top + f.plotHeight - top,
                    fill: s.color)
            }
            let center = f.left + groupWidth * (Double(i) + 0.5)
            svg.text(category, x: center, y: f.top + f.plotHeight + 18, size: 11, anchor: .middle)
            if i < notes.count {
                svg.text(notes[i], x: center, y: f.top + f.plotHeight + 32, size: 10, anchor: .middle)
            }
        }
        return svg.rendered
    }

    /// Canvas, title, y axis with grid, x axis line, axis titles and legend.
    static func frame(_ f: Frame, title: String, xTitle: String, yTitle: String, legend: [ChartSeries]) -> SVGDocument {
        var svg = SVGDocument(width: f.width, height: f.height)
        svg.text(title, x: f.left + f.plotWidth / 2, y: 28, size: 16, anchor: .middle, bold: true)
        for step in 0...5 {
            let v = Double(step) / 5
            svg.line(
                x1: f.left, y1: f.y(v), x2: f.left + f.plotWidth, y2: f.y(v), stroke: "#dddddd",
                dash: step == 0 ? nil : "3 3")
            svg.line(x1: f.left - 5, y1: f.y(v), x2: f.left, y2: f.y(v))
            svg.text(tickLabel(v), x: f.left - 8, y: f.y(v) + 4, size: 11, anchor: .end)
        }
        svg.line(x1: f.left, y1: f.top, x2: f.left, y2: f.top + f.plotHeight)
        svg.line(x1: f.left, y1: f.top + f.plotHeight, x2: f.left + f.plotWidth, y2: f.top + f.plotHeight)
        svg.text(xTitle, x: f.left + f.plotWidth / 2, y: f.height - 14, size: 13, anchor: .middle)
        svg.text(yTitle, x: 20, y: f.top + f.plotHeight / 2, size: 13, anchor: .middle, rotation: -90)
        for (i, s) in legend.enumerated() {
            let y = f.top + 10 + 22 * Double(i)
            svg.rect(x: f.width - f.right + 20, y: y - 9, width: 14, height: 14, fill: s.color)
            svg.text(s.name, x: f.width - f.right + 40, y: y + 3, size: 12)
        }
        return svg
    }

    /// A tick value with up to two decimals: `0`, `0.2`, `0.55`, `1`.
    static func tickLabel(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : "\(r)"
    }
}
