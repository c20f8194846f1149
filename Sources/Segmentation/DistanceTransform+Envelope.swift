/// The separable exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher 2012).
///
/// One pass per axis: along each line, the squared distance is the lower envelope of the parabolas
/// `step² (q - p)² + f(p)`, found in O(n). After the X, Y and Z passes every pixel holds the squared
/// distance to the nearest site, with each axis weighted by its step (so anisotropic voxels are exact).
enum SquaredDistanceTransform {
    /// Transforms `values` in place: on entry 0 at sites and `+infinity` elsewhere (any finite value is an
    /// offset added to that site's distance); on return the squared distance to the nearest site, or
    /// `+infinity` along lines of a grid with no site at all.
    static func apply(_ values: inout [Float], grid: Grid, steps: AxisSteps) {
        precondition(values.count == grid.count, "distance buffer does not fill the grid")
        let longest = max(grid.depth, grid.height, grid.width)
        var line = [Double](repeating: 0, count: longest)
        var apex = [Int](repeating: 0, count: longest)
        var bound = [Double](repeating: 0, count: longest + 1)
        line.withUnsafeMutableBufferPointer { line in
            apex.withUnsafeMutableBufferPointer { apex in
                bound.withUnsafeMutableBufferPointer { bound in
                    values.withUnsafeMutableBufferPointer { data in
                        let scratch = Scratch(line: line, apex: apex, bound: bound)
                        transform(data, grid: grid, steps: steps, scratch: scratch)
                    }
                }
            }
        }
    }

    /// The per-line buffers, allocated once per transform (no allocation inside the passes).
    private struct Scratch {
        let line: UnsafeMutableBufferPointer<Double>
        let apex: UnsafeMutableBufferPointer<Int>
        let bound: UnsafeMutableBufferPointer<Double>
    }

    private static func transform(
        _ data: UnsafeMutableBufferPointer<Float>, grid: Grid, steps: AxisSteps, scratch: Scratch
    ) {
        let (d, h, w) = (grid.depth, grid.height, grid.width)
        let plane = grid.plane
        for row in 0..<(d * h) {
            envelope(data, base: row * w, stride: 1, count: w, squaredStep: steps.x * steps.x, scratch)
        }
        if h > 1 {
            for z in 0..<d {
                for x in 0..<w {
                    envelope(data, base: z * plane + x, stride: w, count: h, squaredStep: steps.y * steps.y, scratch)
                }
            }
        }
        if d > 1 {
            for i in 0..<plane {
                envelope(data, base: i, stride: plane, count: d, squaredStep: steps.z * steps.z, scratch)
            }
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
