import Basics
import Foundation
import Networks
import Tensors

/// A workload of the PyTorch reference benchmark, defined identically: network, widths, dropout, batch, patch,
/// loss and optimiser; plus a plain matrix product as the machine's yardstick.
struct EngineWorkload: Sendable {
    /// One repeatable step and the floating-point operations it does.
    struct Step {
        let run: () throws -> Void
        let flops: Double
    }

    let name: String
    let what: String
    /// Builds the network and data, and returns one step.
    let prepare: @Sendable () throws -> Step

    static let all = [impartialTraining, impartialInference, volumeTraining, matrixProduct]

    static func named(_ name: String) -> EngineWorkload? { all.first { $0.name == name } }

    /// ImPartial's U-Net (2 → 12 channels, widths 32-64-128-256-256, dropout 0.5): a training step on 8 patches.
    static let impartialTraining = EngineWorkload(name: "unet2d-impartial", what: "train step, batch 8 x 2x128x128") {
        let network = try UNet(.impartial(inputChannels: 2, outputChannels: 12), seed: 0)
        return try trainingStep(network, input: [8, 2, 128, 128], target: [8, 12, 128, 128])
    }

    /// The same network in inference (dropout off, no gradients) on one 512x512 image.
    static let impartialInference = EngineWorkload(name: "unet2d-infer512", what: "inference, 1 x 2x512x512") {
        let network = try UNet(.impartial(inputChannels: 2, outputChannels: 12), seed: 0)
        var generator = RandomGenerator(seed: 1)
        let image = try normalTensor([1, 2, 512, 512], generator: &generator)
        return Step(
            run: { _ = try withoutGradients { try network(image) } },
            flops: network.convolutionFlops(inputShape: image.shape, training: false))
    }

    /// pytorch-3dunet's UNet3D (2 → 1 channel, widths 32-64-128-256, no dropout): a training step on one patch.
    static let volumeTraining = EngineWorkload(name: "unet3d", what: "train step, batch 1 x 2x16x96x96") {
        let configuration = UNetConfiguration(
            dimensions: 3, inputChannels: 2, outputChannels: 1, widths: [32, 64, 128, 256])
        return try trainingStep(UNet(configuration, seed: 0), input: [1, 2, 16, 96, 96], target: [1, 1, 16, 96, 96])
    }

    /// C = A·B for 4096x4096 Float32 matrices (oneDNN's sgemm): how fast this machine multiplies at best.
    static let matrixProduct = EngineWorkload(name: "sgemm", what: "matrix product, 4096x4096 · 4096x4096") {
        let size = 4096
        var generator = RandomGenerator(seed: 3)
        let a = (0..<(size * size)).map { _ in generator.nextUniform() }
        let b = (0..<(size * size)).map { _ in generator.nextUniform() }
        let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * size)
        let product = MatrixProduct(a: a, b: b, c: c, size: size)
        return Step(run: { try product.run() }, flops: 2 * pow(Double(size), 3))
    }

    /// Forward, mean-squared error, backward and an Adam update (lr 5e-4) on fixed random data.
    static func trainingStep(_ network: UNet, input: [Int], target: [Int]) throws -> Step {
        var generator = RandomGenerator(seed: 1)
        let image = try normalTensor(input, generator: &generator)
        let expected = try normalTensor(target, generator: &generator)
        let optimizer = try Adam(parameters: network.namedParameters, learningRate: 5e-4)
        var dropout: RandomGenerator? = RandomGenerator(seed: 2)
        let run = {
            optimizer.zeroGradients()
            let loss = try meanSquaredError(network(image, dropout: &dropout), expected)
            try loss.backward()
            try optimizer.step()
        }
        return Step(run: run, flops: network.convolutionFlops(inputShape: input, training: true))
    }

    static func normalTensor(_ shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() }
        return try Tensor(shape: shape, values: values)
    }

    /// Times `runs` steps after `warmup` untimed ones.
    func measure(runs: Int, warmup: Int) throws -> BenchResult {
        let step = try prepare()
        for _ in 0..<warmup { try step.run() }
        var milliseconds: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try step.run()
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return BenchResult(
            workload: name, what: what, milliseconds: milliseconds, gigaflops: step.flops / 1e9,
            peakResidentMegabytes: peakResidentMegabytes())
    }
}

/// The buffers of the matrix-product workload (they live as long as the process that benchmarks them).
private final class MatrixProduct {
    let a: [Float]
    let b: [Float]
    let c: UnsafeMutableBufferPointer<Float>
    let size: Int

    init(a: [Float], b: [Float], c: UnsafeMutableBufferPointer<Float>, size: Int) {
        (self.a, self.b, self.c, self.size) = (a, b, c, size)
    }

    deinit { c.deallocate() }

    func run() throws {
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try Engine.cpu.multiplyMatrices(a, b, into: c, m: size, n: size, k: size)
            }
        }
    }
}
