import Basics
import Imaging
import Networks
import Tensors
import Testing

@testable import Training

struct TiledPredictionTests {
    /// A small random image `(2, height, width)`.
    static func image(height: Int = 96, width: Int = 120) throws -> Image {
        var generator = RandomGenerator(seed: 21)
        return try Image(
            shape: [2, height, width], pixels: (0..<(2 * height * width)).map { _ in generator.nextUniform() })
    }

    @Test("a tiled prediction equals the whole-image prediction where tiles overlap more than the receptive field")
    func tiledEqualsWhole() throws {
        // Two levels, nearest upsampling: each output depends on inputs at most 10 pixels away, and the blend
        // never uses the quarter of the overlap (12 pixels) next to a tile's inner edge.
        let configuration = UNetConfiguration(
            inputChannels: 2, outputChannels: 3, widths: [4, 8], dropout: 0, upsampling: .nearest)
        let network = try UNet(configuration, seed: 3)
        let image = try Self.image(height: 192, width: 240)
        let whole = try TiledPredictor(network: network, head: .softmax, tileShape: [192, 240])
            .probabilities(of: image)
        let tiled = try TiledPredictor(
            network: network, head: .softmax, tileShape: [96, 96], overlap: [48, 48], batchSize: 3)
        let axes = [192, 240].map { TileAxis(extent: $0, tile: 96, overlap: 48, alignment: 2) }
        #expect(axes.allSatisfy { $0.starts.count > 2 })
        let blended = try tiled.probabilities(of: image)
        let difference = zip(whole, blended).map { abs($0 - $1) }.max() ?? 0
        #expect(difference < 1e-5)
    }

    @Test("tiles of a linear-upsampling network blend without seams (close to the whole-image result)")
    func linearUpsamplingTilesAreClose() throws {
        let configuration = UNetConfiguration(inputChannels: 2, outputChannels: 1, widths: [4, 8, 16], dropout: 0)
        let network = try UNet(configuration, seed: 4)
        let image = try Self.image()
        let whole = try TiledPredictor(network: network, head: .sigmoid, tileShape: [96, 120]).probabilities(of: image)
        let tiled = try TiledPredictor(network: network, head: .sigmoid, tileShape: [64, 64], overlap: [32, 32])
            .probabilities(of: image)
        let difference = zip(whole, tiled).map { abs($0 - $1) }.max() ?? 0
        #expect(difference < 0.02)
    }

    @Test func monteCarloSamplesAverageDropoutPasses() throws {
        let configuration = UNetConfiguration(inputChannels: 2, outputChannels: 1, widths: [4, 8], dropout: 0.5)
        let network = try UNet(configuration, seed: 5)
        let predictor = try TiledPredictor(network: network, head: .sigmoid, tileShape: [96, 120])
        let image = try Self.image()
        let plain = try predictor.probabilities(of: image)
        let sampled = try predictor.probabilities(of: image, monteCarloSamples: 4, seed: 1)
        #expect(plain != sampled)
        #expect(try predictor.probabilities(of: image, monteCarloSamples: 4, seed: 1) == sampled)
        #expect(sampled.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func imagesWithTheWrongChannelCountAreRejected() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [4, 8]), seed: 1)
        let predictor = try TiledPredictor(network: network, head: .sigmoid, tileShape: [64, 64])
        #expect(throws: TrainingError.self) { try predictor.probabilities(of: try Self.image()) }
    }

    @Test("flip averaging is equivariant: mirroring the input mirrors the averaged output")
    func flipAveragingIsEquivariant() throws {
        let configuration = UNetConfiguration(inputChannels: 2, outputChannels: 2, widths: [4, 8], dropout: 0)
        let predictor = try TiledPredictor(
            network: try UNet(configuration, seed: 6), head: .softmax, tileShape: [96, 120])
        let image = try Self.image()
        let averaged = try predictor.flipAveragedProbabilities(of: image)
        let mirroredInput = try TiledPredictor.mirrored(image, y: true, x: false)
        let fromMirrored = try predictor.flipAveragedProbabilities(of: mirroredInput)
        let back = TiledPredictor.mirrored(fromMirrored, planes: 2, shape: [96, 120], y: true, x: false)
        #expect(zip(averaged, back).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(averaged != (try predictor.probabilities(of: image)))
    }
}
