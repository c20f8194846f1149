import Foundation

/// Softmax and log-softmax over the channel axis, each with its backward, as fused loops over plain memory.
///
/// oneDNN 2.6 has no optimised softmax backward over the channel axis of a channel-blocked tensor: its reference
/// kernel took 46 ms of a 430 ms training step (8 × 3 × 128², AVX2); these loops take about 3 ms for both
/// directions.
extension Tensor {
    /// softmax(x)_c = e^(x_c) / Σ_k e^(x_k) over axis 1 (channels) of an (N, C, ...) tensor, at every other index.
    ///
    /// - Returns: the same shape, values in (0, 1) summing to 1 over channels, in plain layout.
    /// - Throws: `TensorsError.invalidArgument` for a tensor of rank 1.
    public func softmax() throws -> Tensor { try softmax(log: false) }

    /// log softmax(x)_c = x_c − log Σ_k e^(x_k) over axis 1 (channels), computed stably.
    ///
    /// - Returns: the same shape, values ≤ 0, in plain layout.
    /// - Throws: `TensorsError.invalidArgument` for a tensor of rank 1.
    public func logSoftmax() throws -> Tensor { try softmax(log: true) }

    private func softmax(log: Bool) throws -> Tensor {
        let op = log ? "log-softmax" : "softmax"
        guard shape.count >= 2 else {
            throw TensorsError.invalidArgument(op: op, reason: "input \(shape) has no channel axis (axis 1)")
        }
        let vectors = ChannelVectors(shape: shape)
        let (channels, stride) = (vectors.channels, vectors.stride)
        let source = try plain()
        let output = Tensor(layout: .plain(shape))
        let (x, y) = (source.storageFloats, output.storageFloats)
        vectors.forEachChunk { range in
            for vector in range {
                let base = vectors.base(of: vector)
                var maximum = -Float.infinity
                for c in 0..<channels { maximum = Swift.max(maximum, x[base + c * stride]) }
                var sum: Float = 0
                for c in 0..<channels { sum += Foundation.exp(x[base + c * stride] - maximum) }
                if log {
                    let logSum = maximum + Foundation.log(sum)
                    for c in 0..<channels { y[base + c * stride] = x[base + c * stride] - logSum }
                } else {
                    let scale = 1 / sum
                    for c in 0..<channels {
                        y[base + c * stride] = Foundation.exp(x[base + c * stride] - maximum) * scale
                    }
                }
            }
        }
        return output.recorded(as: op, from: [self]) { [unowned output] gradient in
            let incoming = try gradient.plain()
            let result = Tensor(layout: .plain(output.shape))
            let (y, g, dx) = (output.storageFloats, incoming.storageFloats, result.storageFloats)
            vectors.forEachChunk { range in
                for vector in range {
                    // softmax: dx_c = y_c (g_c − Σ_k g_k y_k); log-softmax: dx_c = g_c − e^(y_c) Σ_k g_k.
                    let base = vectors.base(of: vector)
                    var dot: Float = 0
                    for c in 0..<channels {
                        let index = base + c * stride
                        dot += log ? g[index] : g[index] * y[index]
                    }
                    for c in 0..<channels {
                        let index = base + c * stride
                        dx[index] = log ? g[index] - Foundation.exp(y[index]) * dot : y[index] * (g[index] - dot)
                    }
                }
            }
            return [result]
        }
    }
}

/// The channel vectors of a plain (N, C, ...) tensor: one per sample and spatial index, numbered sample-major,
/// each with its C elements `stride` apart from a base offset.
private struct ChannelVectors {
    let samples: Int
    let channels: Int
    /// Elements per (sample, channel) plane: the distance between a vector's consecutive channels.
    let stride: Int

    init(shape: [Int]) {
        (samples, channels, stride) = (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// The storage offset of vector `vector`'s channel 0.
    @inline(__always)
    func base(of vector: Int) -> Int { (vector / stride) * channels * stride + vector % stride }

    /// Calls `body` with ranges of vector numbers covering all vectors, ranges in parallel.
    func forEachChunk(_ body: (Range<Int>) -> Void) {
        StorageKernels.forEachChunk(samples * stride, minimumChunk: 8192, body)
    }
}
