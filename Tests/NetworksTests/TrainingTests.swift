import Basics
import Testing

@testable import Networks
@testable import Tensors

/// End-to-end checks that autodiff, the optimiser and layout handling agree on a real (tiny) U-Net.
struct TrainingTests {
    /// A fixed batch: two 2-channel 16x16 images and a 2-channel target computed from them pixel by pixel
    /// (max of the channels, half their difference).
    static func batch() throws -> (image: Tensor, target: Tensor) {
        var generator = RandomGenerator(seed: 11)
        let image = try Tensor(shape: [2, 2, 16, 16], values: (0..<1024).map { _ in generator.nextNormal() })
        let values = try image.values()
        let target = (0..<1024).map { index -> Float in
            let (n, c, pixel) = (index / 512, (index / 256) % 2, index % 256)
            let a = values[n * 512 + pixel]
            let b = values[n * 512 + 256 + pixel]
            return c == 0 ? max(a, b) : 0.5 * (a - b)
        }
        return (image, try Tensor(shape: [2, 2, 16, 16], values: target))
    }

    /// Losses of `steps` Adam steps on the fixed batch (with the engine's thread count, which tests never change).
    static func lossCurve(steps: Int, dropout: Float) throws -> [Float] {
        try lossCurve(
            steps: steps,
            configuration: UNetConfiguration(
                inputChannels: 2, outputChannels: 2, widths: [8, 16, 32], dropout: dropout))
    }

    /// Losses of `steps` Adam steps of a network of `configuration` (2 channels in and out) on the fixed batch.
    static func lossCurve(steps: Int, configuration: UNetConfiguration) throws -> [Float] {
        let network = try UNet(configuration, seed: 5)
        let optimizer = try Adam(parameters: network.namedParameters, learningRate: 3e-3)
        let (image, target) = try batch()
        var masks: RandomGenerator? = RandomGenerator(seed: 6)
        var losses: [Float] = []
        for _ in 0..<steps {
            optimizer.zeroGradients()
            let loss = try meanSquaredError(network(image, dropout: &masks), target)
            try loss.backward()
            try optimizer.step()
            losses.append(try loss.values()[0])
        }
        return losses
    }

    @Test func tinyUNetOverfitsAFixedBatch() throws {
        let losses = try Self.lossCurve(steps: 200, dropout: 0)
        // From about 4 to below 0.1 (0.065 when written): only consistent gradients and updates get there.
        #expect(losses[0] > 2)
        #expect(losses.suffix(5).allSatisfy { $0 < 0.1 }, "last losses \(losses.suffix(5)), first \(losses[0])")
    }

    @Test func sameSeedAndThreadsGiveTheSameLossCurve() throws {
        let first = try Self.lossCurve(steps: 8, dropout: 0.5)
        let second = try Self.lossCurve(steps: 8, dropout: 0.5)
        for (a, b) in zip(first, second) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a)), "\(first) vs \(second)") }
        #expect(first[7] < first[0])
    }

    /// The architecture options each train: batch norm (batch statistics while recording), group norm, and the
    /// learned upsampling (gradients through the transposed convolution) all reach a low loss on the fixed batch.
    @Test(arguments: [
        UNetConfiguration(inputChannels: 2, outputChannels: 2, widths: [8, 16, 32], normalization: .batch),
        UNetConfiguration(
            inputChannels: 2, outputChannels: 2, widths: [8, 16, 32], normalization: .group, normalizationGroups: 4),
        UNetConfiguration(inputChannels: 2, outputChannels: 2, widths: [8, 16, 32], upsampling: .transposed),
    ])
    func architectureOptionsOverfitAFixedBatch(configuration: UNetConfiguration) throws {
        let losses = try Self.lossCurve(steps: 150, configuration: configuration)
        #expect(losses[0] > 1)
        #expect(losses.suffix(5).allSatisfy { $0 < 0.1 }, "last losses \(losses.suffix(5)), first \(losses[0])")
    }
}
