/// The square window where a model is least sure: "annotate here next".
public struct UncertainRegion: Sendable, Equatable, Codable {
    /// Top-left corner and side of the window, pixels (in-plane; volumes are averaged over Z first).
    public var y: Int
    public var x: Int
    public var size: Int
    /// Mean uncertainty inside the window.
    public var meanUncertainty: Double

    public init(y: Int, x: Int, size: Int, meanUncertainty: Double) {
        self.y = y
        self.x = x
        self.size = size
        self.meanUncertainty = meanUncertainty
    }

    /// The `size`×`size` window (smaller if the image is) with the highest mean of `map`, found with a
    /// summed-area table; ties go to the first window in row-major order.
    ///
    /// - Parameters:
    ///   - map: row-major uncertainty (entropy) of `shape` `(Y, X)` or `(Z, Y, X)`.
    public static func mostUncertain(in map: [Float], shape: [Int], size: Int = 64) -> UncertainRegion {
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let depth = shape.count == 3 ? shape[0] : 1
        let plane = height * width
        var table = [Double](repeating: 0, count: (height + 1) * (width + 1))
        for y in 0..<height {
            var row = 0.0
            for x in 0..<width {
                var value = 0.0
                for z in 0..<depth { value += Double(map[z * plane + y * width + x]) }
                row += value / Double(depth)
                table[(y + 1) * (width + 1) + x + 1] = table[y * (width + 1) + x + 1] + row
            }
        }
        let (h, w) = (min(size, height), min(size, width))
        func sum(_ y: Int, _ x: Int) -> Double {
            table[(y + h) * (width + 1) + x + w] - table[y * (width + 1) + x + w]
                - table[(y + h) * (width + 1) + x] + table[y * (width + 1) + x]
        }
        var best = UncertainRegion(y: 0, x: 0, size: max(h, w), meanUncertainty: sum(0, 0) / Double(h * w))
        for y in 0...(height - h) {
            for x in 0...(width - w) {
                let mean = sum(y, x) / Double(h * w)
                if mean > best.meanUncertainty {
                    best = UncertainRegion(y: y, x: x, size: max(h, w), meanUncertainty: mean)
                }
            }
        }
        return best
    }
}

extension UncertainRegion {
    /// Up to `count` non-overlapping `size`×`size` windows of `map` by mean, highest first: each found window is
    /// masked out before the next search. Stops early when only windows of mean 0 are left (after the first).
    ///
    /// - Parameters:
    ///   - map: row-major uncertainty of `shape` `(Y, X)` or `(Z, Y, X)`.
    public static func mostUncertain(in map: [Float], shape: [Int], count: Int, size: Int) -> [UncertainRegion] {
        var remaining = map
        var regions: [UncertainRegion] = []
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let plane = height * width
        for _ in 0..<count {
            let region = mostUncertain(in: remaining, shape: shape, size: size)
            guard region.meanUncertainty > 0 || regions.isEmpty else { break }
            regions.append(region)
            for z in 0..<(shape.count == 3 ? shape[0] : 1) {
                for y in region.y..<min(height, region.y + region.size) {
                    for x in region.x..<min(width, region.x + region.size) { remaining[z * plane + y * width + x] = -1 }
                }
            }
        }
        return regions
    }
}
