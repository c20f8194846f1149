/// Shared pieces of the fused loss kernels: plain value access, per-pixel weights, parallel Double sums.
enum LossKernels {
    /// Blocks a sum is split into, so partial sums can run on several threads in a fixed, repeatable order.
    static func blockCount(_ count: Int) -> Int { max(1, min(256, count / 8192)) }

    /// Σ over `0..<count` of the two terms `term` returns, accumulated in Double per block, blocks in parallel.
    static func sum(_ count: Int, _ term: (Int) -> (Double, Double)) -> (Double, Double) {
        let blocks = blockCount(count)
        let partial = UnsafeMutableBufferPointer<(Double, Double)>.allocate(capacity: blocks)
        defer { partial.deallocate() }
        StorageKernels.forEachChunk(blocks, minimumChunk: 1) { range in
            for block in range {
                var (first, second) = (0.0, 0.0)
                for index in (block * count / blocks)..<((block + 1) * count / blocks) {
                    let (a, b) = term(index)
                    first += a
                    second += b
                }
                partial[block] = (first, second)
            }
        }
        return partial.reduce((0.0, 0.0)) { ($0.0 + $1.0, $0.1 + $1.1) }
    }

    /// A plain tensor of `shape` whose element i is `value(i)`, filled in parallel.
    static func tensor(_ shape: [Int], _ value: (Int) -> Float) -> Tensor {
        let result = Tensor(layout: .plain(shape))
        let out = result.storageFloats
        StorageKernels.forEachChunk(out.count) { range in
            for index in range { out[index] = value(index) }
        }
        return result
    }

    /// A one-element result tensor.
    static func scalar(_ value: Double) throws -> Tensor { try Tensor(shape: [1], values: [Float(value)]) }

    /// The incoming gradient of a scalar loss as a number.
    static func seed(_ gradient: Tensor) throws -> Float { try gradient.values()[0] }

    /// Checks that two operands of a loss have equal shapes of rank ≥ 2.
    static func requireSameShape(_ lhs: Tensor, _ rhs: Tensor, op: String) throws {
        guard lhs.shape == rhs.shape, lhs.shape.count >= 2 else {
            throw TensorsError.shapeMismatch(op: op, lhs: lhs.shape, rhs: rhs.shape)
        }
    }
}

/// Per-pixel weights of a loss over an (N, C, ...) tensor: given with the same shape, or as (N, 1, ...) and
/// shared by all channels; absent means 1 everywhere.
struct PixelWeights {
    let values: [Float]?
    /// Channels of the weighted tensor and whether the weights have only one.
    let channels: Int
    let shared: Bool
    /// Elements per (sample, channel).
    let pixels: Int

    init(_ weights: Tensor?, for shape: [Int], op: String) throws {
        channels = shape[1]
        pixels = shape.dropFirst(2).reduce(1, *)
        guard let weights else {
            (values, shared) = (nil, false)
            return
        }
        var perPixel = shape
        perPixel[1] = 1
        guard weights.shape == shape || weights.shape == perPixel else {
            throw TensorsError.shapeMismatch(op: "\(op) weights", lhs: shape, rhs: weights.shape)
        }
        values = try weights.values()
        shared = weights.shape != shape
    }

    /// The weight of element `index` of the (row-major) weighted tensor.
    @inline(__always)
    func weight(at index: Int) -> Float {
        guard let values else { return 1 }
        guard shared else { return values[index] }
        let sample = index / (channels * pixels)
        return values[sample * pixels + index % pixels]
    }
}
