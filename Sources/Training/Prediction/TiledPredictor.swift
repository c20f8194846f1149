import Basics
import Imaging
import Networks
import Settings
import Tensors

/// Applies a network to images of any size by overlapping tiles blended with a smooth window (`TileAxis`),
/// in batches of tiles, optionally averaging Monte Carlo dropout samples.
public struct TiledPredictor {
    public let network: UNet
    /// How scores become probabilities.
    public let head: OutputHead
    /// Largest tile extent per spatial axis, `(Y, X)` or `(Z, Y, X)`.
    public let tileShape: [Int]
    /// Wanted overlap between neighbouring tiles per axis, pixels.
    public let overlap: [Int]
    /// Tiles per network call.
    public let batchSize: Int

    public init(network: UNet, head: OutputHead, tileShape: [Int], overlap: [Int]? = nil, batchSize: Int = 4) throws {
        let dimensions = network.configuration.dimensions
        guard tileShape.count == dimensions, tileShape.allSatisfy({ $0 > 0 }) else {
            throw TrainingError.invalid(.tileShape, tileShape, "\(dimensions) positive extents")
        }
        guard batchSize > 0 else {
            throw TrainingError.invalid(.tileBatchSize, batchSize, "at least 1")
        }
        self.network = network
        self.head = head
        self.tileShape = tileShape
        self.overlap = overlap ?? tileShape.map { $0 / 4 }
        self.batchSize = batchSize
    }

    /// Class probabilities for a prepared image `(C, [Z,] Y, X)`: `(K, [Z,] Y, X)` row-major, K = the head's
    /// probability channels (the network's outputs for sigmoid and softmax heads).
    ///
    /// - Parameter monteCarloSamples: 0 for one pass without dropout; n > 0 averages n passes with dropout on.
    /// - Throws: `TrainingError.incompatibleImage` for a rank or channel count the network does not take.
    public func probabilities(
        of image: Image, monteCarloSamples: Int = 0, seed: UInt64 = 0
    ) throws -> [Float] {
        let configuration = network.configuration
        let spatial = image.spatialShape
        guard spatial.count == configuration.dimensions, image.channels == configuration.inputChannels else {
            throw TrainingError.incompatibleImage(
                source: "input",
                reason: "shape \(image.shape) does not fit a \(configuration.dimensions)D network taking "
                    + "\(configuration.inputChannels) channels")
        }
        let alignment = configuration.minimumInputSize
        let axes = spatial.indices.map { axis in
            TileAxis(
                extent: spatial[axis], tile: max(tileShape[axis], alignment), overlap: overlap[axis],
                alignment: alignment)
        }
        let outputChannels = head.probabilityChannels(outputChannels: configuration.outputChannels)
        let pixels = spatial.reduce(1, *)
        var sums = [Float](repeating: 0, count: outputChannels * pixels)
        var totals = [Float](repeating: 0, count: pixels)
        let tiles = Self.tileIndices(axes)
        var passes: [RandomGenerator?] =
            monteCarloSamples > 0
            ? (0..<monteCarloSamples).map { RandomGenerator(seed: seed &+ UInt64($0)) } : [nil]
        for start in stride(from: 0, to: tiles.count, by: batchSize) {
            let group = Array(tiles[start..<min(tiles.count, start + batchSize)])
            let input = try TileIO.gather(image, tiles: group, axes: axes)
            var mean = [Float]()
            for pass in passes.indices {
                let scores = try withoutGradients { try network(input, dropout: &passes[pass]) }
                let probabilities = try head.probabilities(scores).values()
                if mean.isEmpty {
                    mean = probabilities
                } else {
                    for index in mean.indices { mean[index] += probabilities[index] }
                }
            }
            let scale = 1 / Float(passes.count)
            TileIO.scatter(
                mean.map { $0 * scale }, channels: outputChannels, tiles: group, axes: axes, into: &sums,
                totals: &totals)
        }
        for channel in 0..<outputChannels {
            for pixel in 0..<pixels where totals[pixel] > 0 { sums[channel * pixels + pixel] /= totals[pixel] }
        }
        return sums
    }

    /// Every combination of tile indices along the axes.
    static func tileIndices(_ axes: [TileAxis]) -> [[Int]] {
        axes.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.starts.indices.map { prefix + [$0] } } }
    }
}
