import Imaging

/// A prepared image with its per-pixel training target and loss weights, ready for patch sampling.
public struct TrainingSample: Sendable {
    public let stem: String
    /// Network input `(C, [Z,] Y, X)`, normalised.
    public let image: Image
    /// `(T, [Z,] Y, X)` row-major, T ≥ 1 target channels (one per scribbles task; 1 otherwise): a class index
    /// (softmax and mixture heads) or 0/1 (sigmoid heads) per pixel.
    public let target: [Float]
    /// Per-pixel loss weights shaped like `target`; 0 leaves a pixel out of that channel's loss.
    public let weights: [Float]
    /// T, the target channels.
    public let targetChannels: Int
    /// Pixels patches are preferably centred on: by default those whose target is not background; for
    /// scribbles, the scribbled pixels.
    let foreground: [Int32]

    /// - Parameter focus: the pixels to centre patches on (default: non-background targets of the first channel).
    /// - Throws: `TrainingError.mismatchedSample` when target or weights are not whole channels of the image's
    ///   pixels, or differ in size.
    public init(stem: String, image: Image, target: [Float], weights: [Float], focus: [Int32]? = nil) throws {
        let count = image.planeCount
        guard count > 0, target.count == weights.count, target.count >= count, target.count % count == 0 else {
            throw TrainingError.mismatchedSample(
                stem: stem,
                reason:
                    "the image has \(count) pixels but the target has \(target.count) and the weights \(weights.count)")
        }
        targetChannels = target.count / count
        self.stem = stem
        self.image = image
        self.target = target
        self.weights = weights
        foreground = focus ?? (0..<count).compactMap { target[$0] != 0 ? Int32($0) : nil }
    }

    /// `(D, H, W)`, with D = 1 for 2D images.
    var volumeShape: (depth: Int, height: Int, width: Int) { (image.depth, image.height, image.width) }
}
