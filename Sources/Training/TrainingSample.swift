import Imaging

/// A prepared image with its per-pixel training target and loss weights, ready for patch sampling.
public struct TrainingSample: Sendable {
    public let stem: String
    /// Network input `(C, [Z,] Y, X)`, normalised.
    public let image: Image
    /// Per pixel, row-major over the spatial shape: a class index (softmax heads) or 0/1 (sigmoid heads).
    public let target: [Float]
    /// Per-pixel loss weights; 0 leaves a pixel out of the loss.
    public let weights: [Float]
    /// Pixels patches are preferably centred on: by default those whose target is not background; for
    /// scribbles, the scribbled pixels.
    let foreground: [Int32]

    /// - Parameter focus: the pixels to centre patches on (default: non-background targets).
    /// - Throws: `TrainingError.mismatchedSample` when target or weights do not cover the image's pixels.
    public init(stem: String, image: Image, target: [Float], weights: [Float], focus: [Int32]? = nil) throws {
        let count = image.planeCount
        guard target.count == count, weights.count == count else {
            throw TrainingError.mismatchedSample(
                stem: stem,
                reason: "the image has \(count) pixels but the target has \(target.count) and the weights \(weights.count)")
        }
        self.stem = stem
        self.image = image
        self.target = target
        self.weights = weights
        foreground = focus ?? target.indices.compactMap { target[$0] != 0 ? Int32($0) : nil }
    }

    /// `(D, H, W)`, with D = 1 for 2D images.
    var volumeShape: (depth: Int, height: Int, width: Int) { (image.depth, image.height, image.width) }
}
