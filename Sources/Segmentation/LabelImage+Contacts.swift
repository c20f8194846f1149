import Imaging

extension LabelImage {
    /// Flags the pixels of each instance that lie within `width` pixels (per axis, a box neighbourhood) of a
    /// pixel of a *different* instance: the contact zones between touching cells. Background does not count, so
    /// isolated cells have no contact pixels.
    ///
    /// Along Z the reach is `width` divided by the Z/X spacing ratio (rounded, at least 0) when the image states
    /// its spacing, so the zone has the same physical thickness in anisotropic stacks.
    /// Cost: O(pixels × width) with separable running minima/maxima.
    /// - Returns: row-major flags of `shape`: 1 = contact, 0 = not.
    public func contactZones(width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: labels.count)
        guard width > 0 else { return out }
        let grid = Grid(depth: depth, height: height, width: self.width)
        var zReach = width
        if let spacing, let z = spacing.z, spacing.x > 0 { zReach = Int((Double(width) * spacing.x / z).rounded()) }
        // Largest and smallest non-zero label in each pixel's box; a pixel of label k touches another cell
        // exactly when either differs from k.
        var largest = labels
        var smallest = labels.map { $0 == 0 ? UInt32.max : $0 }
        for (axis, reach) in [(2, width), (1, width), (0, zReach)] where reach > 0 {
            largest = grid.runningExtreme(largest, axis: axis, reach: reach, keepsLarger: true)
            smallest = grid.runningExtreme(smallest, axis: axis, reach: reach, keepsLarger: false)
        }
        for i in labels.indices where labels[i] != 0 && (largest[i] != labels[i] || smallest[i] != labels[i]) {
            out[i] = 1
        }
        return out
    }
}

extension Grid {
    /// The maximum (or minimum) of `values` over a window of ±`reach` cells along `axis` (0 = Z, 1 = Y, 2 = X),
    /// clipped at the grid's edges.
    func runningExtreme(_ values: [UInt32], axis: Int, reach: Int, keepsLarger: Bool) -> [UInt32] {
        let (stride, length): (Int, Int) =
            switch axis {
            case 0: (height * width, depth)
            case 1: (width, height)
            default: (1, width)
            }
        guard length > 1 else { return values }
        var out = values
        var line = [UInt32](repeating: 0, count: length)
        for start in 0..<count where (start / stride) % length == 0 {
            for t in 0..<length { line[t] = values[start + t * stride] }
            for t in 0..<length {
                var extreme = line[t]
                for u in max(0, t - reach)...min(length - 1, t + reach) {
                    extreme = keepsLarger ? Swift.max(extreme, line[u]) : Swift.min(extreme, line[u])
                }
                out[start + t * stride] = extreme
            }
        }
        return out
    }
}
