import Basics
import Tensors

/// Noise2Void-style corruption for self-supervised reconstruction (ImPartial): in a patch, per channel, a
/// fraction of the pixels (drawn with replacement) take the value of a random neighbour, offsets in
/// [−radius, radius − 1] along each in-plane axis, wrapping at the patch border; the reconstruction is scored
/// only there. Patches left uncorrupted (1 − `probability`) are scored on every pixel.
public struct BlindSpot: Codable, Sendable, Equatable {
    /// Fraction of a channel's pixels replaced.
    public var fraction: Float = 0.05
    /// Neighbour offsets lie in [−radius, radius − 1].
    public var radius = 5
    /// Fraction of patches corrupted.
    public var probability: Float = 0.85

    public init(fraction: Float = 0.05, radius: Int = 5, probability: Float = 0.85) {
        self.fraction = fraction
        self.radius = radius
        self.probability = probability
    }

    /// Keeps the clean input as the reconstruction target, corrupts `batch.input` and sets the mask.
    func apply(to batch: inout PatchBatch, generator: inout RandomGenerator) {
        let shape = batch.inputShape
        let (count, channels) = (shape[0], shape[1])
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let depth = shape.count == 5 ? shape[2] : 1
        let pixels = depth * height * width
        let clean = batch.input
        var mask = [Float](repeating: 0, count: clean.count)
        let replaced = max(1, Int((fraction * Float(pixels)).rounded()))
        let span = UInt64(2 * radius)
        for n in 0..<count {
            guard generator.nextUniform() < probability else {
                for i in (n * channels * pixels)..<((n + 1) * channels * pixels) { mask[i] = 1 }
                continue
            }
            for channel in 0..<channels {
                let base = (n * channels + channel) * pixels
                for _ in 0..<replaced {
                    let pixel = Int(generator.next() % UInt64(pixels))
                    let (z, y, x) = (pixel / (height * width), (pixel / width) % height, pixel % width)
                    let dy = Int(generator.next() % span) - radius
                    let dx = Int(generator.next() % span) - radius
                    let sy = ((y + dy) % height + height) % height
                    let sx = ((x + dx) % width + width) % width
                    batch.input[base + pixel] = clean[base + (z * height + sy) * width + sx]
                    mask[base + pixel] = 1
                }
            }
        }
        batch.reconstruction = clean
        batch.reconstructionMask = mask
    }
}
