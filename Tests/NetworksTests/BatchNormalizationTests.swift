import Basics
import Testing

@testable import Networks
@testable import Tensors

/// Batch normalisation inside the network: batch statistics while recording, running ones in inference.
struct BatchNormalizationTests {
    static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in 2 * generator.nextNormal() + 1 })
    }

    /// max |a − b| / max(1, |b|) over paired values.
    static func largestRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    /// One layer by hand: a recorded pass folds the batch statistics in with momentum 0.1 (unbiased variance);
    /// inference is max(0, γ(x − running mean)/√(running var + ε) + β) from the stored statistics.
    @Test func oneLayerInInferenceUsesTheStoredStatistics() throws {
        let layer = try NormalizationLayer(channels: 3, normalization: .batch)
        try layer.scale.overwrite(with: Tensor(shape: [3], values: [0.5, 2, -1]))
        try layer.shift.overwrite(with: Tensor(shape: [3], values: [0.25, -0.5, 1]))
        let batch = try Self.random([2, 3, 4, 4], seed: 1)
        _ = try layer(batch, activation: .relu)

        let values = try batch.values()
        let (runningMean, runningVariance) = (
            try layer.namedBuffers[0].tensor.values(), try layer.namedBuffers[1].tensor.values()
        )
        for channel in 0..<3 {
            let samples: [Float] =
                Array(values[(channel * 16)..<(channel * 16 + 16)])
                + Array(values[((3 + channel) * 16)..<((3 + channel) * 16 + 16)])
            let mean: Float = samples.reduce(0, +) / 32
            let squares: [Float] = samples.map { ($0 - mean) * ($0 - mean) }
            let unbiased: Float = squares.reduce(0, +) / 31
            #expect(abs(runningMean[channel] - 0.1 * mean) < 1e-5)
            #expect(abs(runningVariance[channel] - (0.9 + 0.1 * unbiased)) < 1e-4)
        }

        let probe = try Self.random([1, 3, 4, 4], seed: 2)
        let buffers = layer.namedBuffers.map(\.tensor)
        let before = try buffers.map { try $0.values() }
        let output = try withoutGradients { try layer(probe, activation: .relu) }.values()
        #expect(try layer.namedBuffers.map { try $0.tensor.values() } == before, "inference left the statistics alone")
        let (mean, variance) = (before[0], before[1])
        let (gamma, beta) = ([Float(0.5), 2, -1], [Float(0.25), -0.5, 1])
        let expected = try probe.values().enumerated().map { index, x -> Float in
            let c = index / 16
            return max(0, gamma[c] * (x - mean[c]) / (variance[c] + 1e-5).squareRoot() + beta[c])
        }
        #expect(Self.largestRelativeDifference(output, expected) <= 1e-5)
    }

    /// After a few training steps the running statistics have moved, inference differs from the training-mode
    /// output, and a sample's inference output does not depend on what else is in the batch.
    @Test func networkInferenceUsesRunningStatistics() throws {
        let configuration = UNetConfiguration(
            inputChannels: 2, outputChannels: 2, widths: [8, 16, 32], normalization: .batch)
        let network = try UNet(configuration, seed: 5)
        let optimizer = try Adam(parameters: network.namedParameters, learningRate: 3e-3)
        let (image, target) = try TrainingTests.batch()
        for _ in 0..<4 {
            optimizer.zeroGradients()
            let loss = try meanSquaredError(network(image), target)
            try loss.backward()
            try optimizer.step()
        }
        #expect(try network.namedBuffers[0].tensor.values().contains { $0 != 0 })

        let trainingMode = try network(image).values()
        let statistics = try network.namedBuffers.map { try $0.tensor.values() }
        let inference = try withoutGradients { try network(image) }.values()
        #expect(try network.namedBuffers.map { try $0.tensor.values() } == statistics)
        let largest = zip(trainingMode, inference).map { abs($0 - $1) }.max()!
        #expect(largest > 1e-3, "inference and training-mode outputs differ by at most \(largest)")

        // The first image alone gives the same inference scores as within the batch (batch statistics would not).
        let first = try Tensor(shape: [1, 2, 16, 16], values: Array(try image.values()[0..<512]))
        let alone = try withoutGradients { try network(first) }.values()
        #expect(Self.largestRelativeDifference(alone, Array(inference[0..<512])) <= 1e-5)
        let aloneTraining = try network(first).values()
        #expect(zip(aloneTraining, trainingMode[0..<512]).contains { abs($0 - $1) > 1e-3 })
    }
}
