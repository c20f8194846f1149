/// The path data of ImageJ composite (ShapeRoi) ROIs: a flat float array of Java `PathIterator` segments,
/// each a type code followed by its points in absolute image coordinates:
/// 0 MOVETO x y, 1 LINETO x y, 2 QUADTO cx cy x y, 3 CUBICTO c1x c1y c2x c2y x y, 4 CLOSE.
enum ROIShapePath {
    /// Line segments each quadratic or cubic curve is flattened into. Cell outlines are a few pixels
    /// per segment, so 8 keeps the flattening error well below a pixel.
    static let curveSteps = 8

    /// The closed subpaths of `values` (each MOVETO starts one). Throws `corrupt` naming `source` for an
    /// unknown segment type, a segment cut short by the end of the data, or a segment before any MOVETO.
    static func subpaths(from values: [Double], source: String) throws -> [[ROIPoint]] {
        func corrupt(_ reason: String) -> ImageFormatsError {
            .corrupt(source: source, format: .imagejROIZip, reason: "composite shape data: \(reason)")
        }
        var paths: [[ROIPoint]] = []
        var current: [ROIPoint] = []
        var i = 0
        while i < values.count {
            let code = values[i]
            let arity: Int
            switch code {
            case 0, 1: arity = 2
            case 2: arity = 4
            case 3: arity = 6
            case 4: arity = 0
            default: throw corrupt("unknown segment type \(code) at float \(i)")
            }
            guard i + arity < values.count else {
                throw corrupt("segment type \(Int(code)) at float \(i) is cut short")
            }
            let args = Array(values[(i + 1)..<(i + 1 + arity)])
            i += 1 + arity
            if code == 0 {
                if !current.isEmpty { paths.append(current) }
                current = [ROIPoint(x: args[0], y: args[1])]
                continue
            }
            guard let last = current.last else { throw corrupt("segment type \(Int(code)) before any MOVETO") }
            switch code {
            case 1: current.append(ROIPoint(x: args[0], y: args[1]))
            case 2: current += flatten([last, ROIPoint(x: args[0], y: args[1]), ROIPoint(x: args[2], y: args[3])])
            case 3:
                current += flatten([
                    last, ROIPoint(x: args[0], y: args[1]), ROIPoint(x: args[2], y: args[3]),
                    ROIPoint(x: args[4], y: args[5]),
                ])
            default: break  // CLOSE: every subpath is closed when filled
            }
        }
        if !current.isEmpty { paths.append(current) }
        return paths
    }

    /// Points along the Bézier curve with `control` points (first = current point), excluding the first.
    private static func flatten(_ control: [ROIPoint]) -> [ROIPoint] {
        (1...curveSteps).map { step in
            // de Casteljau: repeatedly interpolate until one point is left.
            let t = Double(step) / Double(curveSteps)
            var pts = control
            while pts.count > 1 {
                pts = zip(pts, pts.dropFirst()).map { a, b in
                    ROIPoint(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
                }
            }
            return pts[0]
        }
    }
}
