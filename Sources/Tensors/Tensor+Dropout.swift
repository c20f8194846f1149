/// One dropout mask: each element is kept with probability 1 − `probability` and scaled by 1 / (1 − p),
/// otherwise zeroed.
///
/// The mask is a pure function of `seed` and the element's position in storage, so it is the same for any
/// thread count, is recomputed by the backward pass instead of being stored, and the same draw applied twice
/// gives the same mask. Draw a fresh one per op and step with `Dropout(probability:generator:)`.
public struct Dropout: Sendable, Hashable {
    /// Chance that an element is zeroed, in [0, 1).
    public let probability: Float
    /// Selects the mask.
    public let seed: UInt32

    public init(probability: Float, seed: UInt32) throws {
        guard probability >= 0, probability < 1 else {
            throw TensorsError.invalidArgument(op: "dropout", reason: "probability \(probability) must be in [0, 1)")
        }
        self.probability = probability
        self.seed = seed
    }

    /// A draw with a seed taken from `generator`.
    public init(probability: Float, generator: inout RandomGenerator) throws {
        try self.init(probability: probability, seed: UInt32(truncatingIfNeeded: generator.next() >> 32))
    }

    /// The factor kept elements are multiplied by.
    var scale: Float { 1 / (1 - probability) }

    /// Elements whose hash falls below this are dropped (hashes are uniform over 32 bits).
    private var threshold: UInt32 { UInt32(min(Double(probability) * 4_294_967_296, 4_294_967_295)) }

    /// A well-mixed 32-bit hash of (seed, index) (a multiply-xorshift finaliser); vectorises.
    @inline(__always)
    private static func hash(_ index: UInt32, seed: UInt32) -> UInt32 {
        var x = index &* 0x9E37_79B9 ^ seed
        x ^= x >> 16
        x = x &* 0x7FEB_352D
        x ^= x >> 15
        x = x &* 0x846C_A68B
        x ^= x >> 16
        return x
    }

    /// `destination[i] = source[i] · mask(i)` for storage offsets i from 0; the buffers may be the same.
    func apply(_ source: UnsafeMutableBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count == destination.count, "dropout buffers differ in size")
        let (seed, threshold, scale) = (self.seed, self.threshold, self.scale)
        let from = UncheckedSendable(UnsafePointer(source.baseAddress!))
        let to = UncheckedSendable(destination.baseAddress!)
        StorageKernels.forEachChunk(source.count) { range in
            let (input, output) = (from.value, to.value)
            for index in range {
                let kept = Dropout.hash(UInt32(truncatingIfNeeded: index), seed: seed) >= threshold
                output[index] = kept ? input[index] * scale : 0
            }
        }
    }
}

extension Tensor {
    /// This tensor with the dropout mask `draw` applied (same layout); the backward pass recomputes the mask.
    public func dropout(_ draw: Dropout) throws -> Tensor {
        let output = Tensor(layout: layout)
        draw.apply(storageFloats, into: output.storageFloats)
        let layout = self.layout
        return output.recorded(as: "dropout", from: [self]) { gradient in
            let result = Tensor(layout: layout)
            draw.apply(try gradient.reordered(to: layout).storageFloats, into: result.storageFloats)
            return [result]
        }
    }
}
