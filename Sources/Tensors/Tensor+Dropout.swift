import Basics

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

    /// A well-mixed 32-bit hash of (seed, index) for 16 consecutive indices (a multiply-xorshift finaliser).
    @inline(__always)
    private static func hash(_ index: SIMD16<UInt32>, seed: UInt32) -> SIMD16<UInt32> {
        var x = index &* 0x9E37_79B9 ^ SIMD16(repeating: seed)
        x ^= x &>> 16
        x = x &* 0x7FEB_352D
        x ^= x &>> 15
        x = x &* 0x846C_A68B
        x ^= x &>> 16
        return x
    }

    private static let laneOffsets = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    /// `destination = source · mask` over storage (same layout; they may be the same tensor). Taking the tensors,
    /// not their buffers, keeps them alive while the kernel runs.
    func apply(_ source: Tensor, into destination: Tensor, threads: Int = Engine.cpu.threadCount) {
        precondition(source.layout == destination.layout, "dropout needs equal layouts")
        withExtendedLifetime((source, destination)) {
            apply(source.storageFloats, into: destination.storageFloats, threads: threads)
        }
    }

    /// `destination[i] = source[i] · mask(i)` for storage offsets i from 0; the buffers may be the same and must
    /// stay allocated during the call. Works 16 elements at a time (a tail is handled).
    func apply(
        _ source: UnsafeMutableBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>,
        threads: Int = Engine.cpu.threadCount
    ) {
        precondition(source.count == destination.count, "dropout buffers differ in size")
        let (seed, threshold, scale) = (self.seed, SIMD16(repeating: self.threshold), self.scale)
        let from = UncheckedSendable(UnsafeRawPointer(source.baseAddress!))
        let to = UncheckedSendable(UnsafeMutableRawPointer(destination.baseAddress!))
        let vectors = (source.count + 15) / 16
        StorageKernels.forEachChunk(vectors, minimumChunk: StorageKernels.parallelThreshold / 16, threads: threads) {
            range in
            for vector in range {
                let start = vector * 16
                let indices = SIMD16(repeating: UInt32(truncatingIfNeeded: start)) &+ Dropout.laneOffsets
                let dropped = Dropout.hash(indices, seed: seed) .< threshold
                let byteOffset = start * MemoryLayout<Float>.stride
                if start + 16 <= source.count {
                    let values = from.value.loadUnaligned(fromByteOffset: byteOffset, as: SIMD16<Float>.self) * scale
                    to.value.storeBytes(
                        of: values.replacing(with: 0, where: dropped), toByteOffset: byteOffset, as: SIMD16<Float>.self)
                } else {
                    for lane in 0..<(source.count - start) {
                        let value = from.value.load(fromByteOffset: byteOffset + lane * 4, as: Float.self)
                        let result = dropped[lane] ? 0 : value * scale
                        to.value.storeBytes(of: result, toByteOffset: byteOffset + lane * 4, as: Float.self)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// This tensor with the dropout mask `draw` applied (same layout); the backward pass recomputes the mask.
    public func dropout(_ draw: Dropout) throws -> Tensor {
        let output = Tensor(layout: layout)
        draw.apply(self, into: output)
        let layout = self.layout
        return output.recorded(as: "dropout", from: [self]) { gradient in
            let result = Tensor(layout: layout)
            draw.apply(try gradient.reordered(to: layout), into: result)
            return [result]
        }
    }
}
