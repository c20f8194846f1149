/// The separable exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher 2012).
///
/// One pass per axis: along each line, the squared distance is the lower envelope of the parabolas
/// `step² (q - p)² + f(p)`, found in O(n). After the X, Y and Z passes every pixel holds the squared
/// distance to the nearest site, with each axis weighted by its step (so anisotropic voxels are exact).
enum SquaredDistanceTransform {
    /// Transforms `values` in place: on entry 0 at sites and `+infinity` elsewhere (any finite value is an
    /// offset added to that site's distance); on return the squared distance to the nearest site, or
    /// `+infinity` along lines of a grid with no site at all.
    ///
    /// `sites`, when given, bounds every site (inclusive `z`, `y` ranges): lines outside it hold only
    /// `+infinity` before their pass and are skipped, which the per-instance transforms of the weight map use.
    static func apply(_ values: inout [Float], grid: Grid, steps: AxisSteps, sites: SiteRows? = nil) {
        precondition(values.count == grid.count, "distance buffer does not fill the grid")
        let longest = max(grid.depth, grid.height, grid.width)
        var line = [Double](repeating: 0, count: longest)
        var apex = [Int](repeating: 0, count: longest)
        var bound = [Double](repeating: 0, count: longest + 1)
        var tile = [Float](repeating: 0, count: tileWidth * longest)
        line.withUnsafeMutableBufferPointer { line in
            apex.withUnsafeMutableBufferPointer { apex in
                bound.withUnsafeMutableBufferPointer { bound in
                    tile.withUnsafeMutableBufferPointer { tile in
                        values.withUnsafeMutableBufferPointer { data in
                            let scratch = Scratch(line: line, apex: apex, bound: bound, tile: tile)
                            let rows = sites ?? SiteRows(z: 0...(grid.depth - 1), y: 0...(grid.height - 1))
                            transform(data, grid: grid, steps: steps, rows: rows, scratch: scratch)
                        }
                    }
                }
            }
        }
    }

    /// Strided lines are processed this many at a time, gathered into a tile, so each cache line read from
    /// the image serves `tileWidth` lines instead of one (the Y and Z passes would otherwise miss on every
    /// sample).
    private static let tileWidth = 16

    /// The per-line buffers, allocated once per transform (no allocation inside the passes).
    private struct Scratch {
        let line: UnsafeMutableBufferPointer<Double>
        let apex: UnsafeMutableBufferPointer<Int>
        let bound: UnsafeMutableBufferPointer<Double>
        let tile: UnsafeMutableBufferPointer<Float>
    }

    private static func transform(
        _ data: UnsafeMutableBufferPointer<Float>, grid: Grid, steps: AxisSteps, rows: SiteRows, scratch: Scratch
    ) {
        let (d, h, w) = (grid.depth, grid.height, grid.width)
        let plane = grid.plane
        for z in rows.z {
            for y in rows.y {
                envelope(data, base: (z * h + y) * w, stride: 1, count: w, squaredStep: steps.x * steps.x, scratch)
            }
        }
        if h > 1 {
            for z in rows.z {
                stridedPass(
                    data, first: z * plane, lines: w, stride: w, count: h, squaredStep: steps.y * steps.y, scratch)
            }
        }
        if d > 1 {
            stridedPass(data, first: 0, lines: plane, stride: plane, count: d, squaredStep: steps.z * steps.z, scratch)
        }
    }

    /// Transforms the `lines` lines starting at consecutive indices `first, first + 1, ...`, each with `count`
    /// samples `stride` apart, a tile of adjacent lines at a time.
    private static func stridedPass(
        _ data: UnsafeMutableBufferPointer<Float>, first: Int, lines: Int, stride: Int, count: Int,
        squaredStep s2: Double, _ scratch: Scratch
    ) {
        let tile = scratch.tile
        var start = 0
        while start < lines {
            let width = min(tileWidth, lines - start)
            for q in 0..<count {
                let row = first + q * stride + start
                for c in 0..<width { tile[c * count + q] = data[row + c] }
            }
            for c in 0..<width {
                envelope(tile, base: c * count, stride: 1, count: count, squaredStep: s2, scratch)
            }
            for q in 0..<count {
                let row = first + q * stride + start
                for c in 0..<width { data[row + c] = tile[c * count + q] }
            }
            start += width
        }
    }

    /// The 1D transform of the `count` samples at `base`, `base + stride`, ...: the lower envelope of the
    /// parabolas rooted at finite samples (infinite samples root none), then read off at every position.
    @inline(__always)
    private static func envelope(
        _ data: UnsafeMutableBufferPointer<Float>, base: Int, stride: Int, count: Int, squaredStep s2: Double,
        _ scratch: Scratch
    ) {
        let (line, apex, bound) = (scratch.line, scratch.apex, scratch.bound)
        var k = -1
        var allZero = true
        for q in 0..<count {
            let fq = Double(data[base + q * stride])
            line[q] = fq
            if fq != 0 { allZero = false }
            guard fq < .infinity else { continue }
            guard k >= 0 else {
                k = 0
                apex[0] = q
                bound[0] = -.infinity
                continue
            }
            let rootQ = fq + s2 * Double(q * q)
            var s: Double
            repeat {
                let p = apex[k]
                s = (rootQ - (line[p] + s2 * Double(p * p))) / (2 * s2 * Double(q - p))
                if s <= bound[k] { k -= 1 } else { break }
            } while true  // bound[0] is -infinity, so k never drops below 0
            k += 1
            apex[k] = q
            bound[k] = s
        }
        guard k >= 0, !allZero else { return }  // no site (stays infinite), or every sample a site (stays 0)
        bound[k + 1] = .infinity
        var j = 0
        for q in 0..<count {
            let position = Double(q)
            while bound[j + 1] < position { j += 1 }
            let p = apex[j]
            let offset = Double(q - p)
            data[base + q * stride] = Float(s2 * offset * offset + line[p])
        }
    }
}

/// The Z and Y ranges (inclusive) that hold every site of a transform.
struct SiteRows {
    var z: ClosedRange<Int>
    var y: ClosedRange<Int>
}
