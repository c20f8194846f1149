import Foundation

/// Resamples stacks of `(Y, X)` planes to a new in-plane size with a separable triangle (linear) filter whose
/// support widens with the shrink factor, so enlarging interpolates bilinearly and shrinking averages the pixels
/// each output pixel covers (no aliasing). Pixel centres map onto each other (`(o + ½)·in/out − ½`); the edges
/// repeat outwards.
public struct PlaneResampler: Sendable {
    /// Input plane size `(height, width)`, pixels.
    public let source: (height: Int, width: Int)
    /// Output plane size `(height, width)`, pixels.
    public let target: (height: Int, width: Int)
    private let rows: AxisFilter
    private let columns: AxisFilter

    /// - Throws: `ImagingError.invalidArgument` for a non-positive extent.
    public init(from source: (height: Int, width: Int), to target: (height: Int, width: Int)) throws {
        for (name, value) in [
            ("source height", source.height), ("source width", source.width), ("target height", target.height),
            ("target width", target.width),
        ] where value < 1 {
            throw ImagingError.invalidArgument(
                name: name, value: "\(value)", reason: "a plane needs at least one pixel")
        }
        self.source = source
        self.target = target
        rows = AxisFilter(from: source.height, to: target.height)
        columns = AxisFilter(from: source.width, to: target.width)
    }

    /// The size of a `(height, width)` plane enlarged by `scale` (rounded, at least one pixel).
    public static func scaledSize(_ size: (height: Int, width: Int), by scale: Double) -> (height: Int, width: Int) {
        (max(1, Int((Double(size.height) * scale).rounded())), max(1, Int((Double(size.width) * scale).rounded())))
    }

    /// Resamples `planes` stacked planes of the source size, row-major, into planes of the target size.
    ///
    /// - Precondition: `values.count == planes × source.height × source.width`.
    public func resample(_ values: [Float], planes: Int) -> [Float] {
        let (h, w) = source
        let (outH, outW) = target
        precondition(values.count == planes * h * w, "expected \(planes) planes of \(h)x\(w)")
        if h == outH, w == outW { return values }
        // Along X first, into (planes, h, outW), then along Y.
        var wide = [Float](repeating: 0, count: planes * h * outW)
        values.withUnsafeBufferPointer { input in
            wide.withUnsafeMutableBufferPointer { output in
                for row in 0..<(planes * h) {
                    columns.apply(input, base: row * w, stride: 1, to: output, base: row * outW, stride: 1)
                }
            }
        }
        var result = [Float](repeating: 0, count: planes * outH * outW)
        wide.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                for plane in 0..<planes {
                    for x in 0..<outW {
                        rows.apply(
                            input, base: plane * h * outW + x, stride: outW, to: output, base: plane * outH * outW + x,
                            stride: outW)
                    }
                }
            }
        }
        return result
    }

    /// Nearest-neighbour resampling of stacked label planes (labels are never blended).
    public func nearest(_ labels: [UInt32], planes: Int) -> [UInt32] {
        let (h, w) = source
        let (outH, outW) = target
        precondition(labels.count == planes * h * w, "expected \(planes) planes of \(h)x\(w)")
        if h == outH, w == outW { return labels }
        func nearestIndices(from n: Int, to m: Int) -> [Int] {
            (0..<m).map { min(n - 1, max(0, Int(((Double($0) + 0.5) * Double(n) / Double(m)).rounded(.down)))) }
        }
        let ys = nearestIndices(from: h, to: outH)
        let xs = nearestIndices(from: w, to: outW)
        var result = [UInt32](repeating: 0, count: planes * outH * outW)
        for plane in 0..<planes {
            for (oy, y) in ys.enumerated() {
                let input = (plane * h + y) * w
                let output = (plane * outH + oy) * outW
                for (ox, x) in xs.enumerated() { result[output + ox] = labels[input + x] }
            }
        }
        return result
    }
}

/// The weights of one axis: output sample o is Σ weights[o][k] · input[indices[o][k]].
private struct AxisFilter: Sendable {
    let weights: [[Float]]
    /// Input indices clamped to the axis, per output sample (edges repeat).
    let indices: [[Int]]

    init(from n: Int, to m: Int) {
        let ratio = Double(n) / Double(m)
        let radius = max(1, ratio)
        var weights: [[Float]] = []
        var indices: [[Int]] = []
        for o in 0..<m {
            let centre = (Double(o) + 0.5) * ratio - 0.5
            let low = Int((centre - radius).rounded(.up))
            let high = Int((centre + radius).rounded(.down))
            var taps: [Float] = []
            var at: [Int] = []
            for i in low...high {
                let weight = 1 - abs(Double(i) - centre) / radius
                guard weight > 0 else { continue }
                taps.append(Float(weight))
                at.append(min(n - 1, max(0, i)))
            }
            let total = taps.reduce(0, +)
            weights.append(taps.map { $0 / total })
            indices.append(at)
        }
        self.weights = weights
        self.indices = indices
    }

    func apply(
        _ input: UnsafeBufferPointer<Float>, base: Int, stride: Int, to output: UnsafeMutableBufferPointer<Float>,
        base outBase: Int, stride outStride: Int
    ) {
        for o in weights.indices {
            var sum: Float = 0
            let taps = weights[o]
            let at = indices[o]
            for k in taps.indices { sum += taps[k] * input[base + at[k] * stride] }
            output[outBase + o * outStride] = sum
        }
    }
}

extension PlaneResampler {
    /// A resampler from the plane of spatial shape `([Z,] Y, X)` `source` to that of `target`.
    ///
    /// - Throws: `ImagingError.invalidArgument` for a non-positive extent.
    public init(from source: [Int], to target: [Int]) throws {
        try self.init(
            from: (source[source.count - 2], source[source.count - 1]),
            to: (target[target.count - 2], target[target.count - 1]))
    }

    /// `shape` with its last two extents (Y, X) replaced by the target size.
    func resizedShape(_ shape: [Int]) -> [Int] {
        Array(shape.dropLast(2)) + [target.height, target.width]
    }

    /// The pixel size after resampling: pixels grow as they get fewer (Z unchanged).
    func resizedSpacing(_ spacing: Spacing?) -> Spacing? {
        spacing.map {
            Spacing(
                x: $0.x * Double(source.width) / Double(target.width),
                y: $0.y * Double(source.height) / Double(target.height), z: $0.z, unit: $0.unit)
        }
    }
}

extension Image {
    /// This image with every channel (and Z slice) resampled to `(height, width)` by `PlaneResampler`; the
    /// spacing grows as the pixels shrink.
    ///
    /// - Throws: `ImagingError.invalidArgument` for a non-positive size.
    public func resizingPlanes(height: Int, width: Int) throws -> Image {
        let resampler = try PlaneResampler(from: (self.height, self.width), to: (height, width))
        return try Image(
            shape: resampler.resizedShape(shape), pixels: resampler.resample(pixels, planes: channels * depth),
            sourceType: sourceType, spacing: resampler.resizedSpacing(spacing), channelNames: channelNames)
    }
}

extension LabelImage {
    /// These labels resampled to `(height, width)` per Z slice by nearest neighbour; the spacing grows as the
    /// pixels shrink.
    ///
    /// - Throws: `ImagingError.invalidArgument` for a non-positive size.
    public func resizingPlanes(height: Int, width: Int) throws -> LabelImage {
        let resampler = try PlaneResampler(from: (self.height, self.width), to: (height, width))
        return try LabelImage(
            shape: resampler.resizedShape(shape), labels: resampler.nearest(labels, planes: depth),
            spacing: resampler.resizedSpacing(spacing))
    }
}
