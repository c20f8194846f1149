import Testing

@testable import Tensors

struct NormalizationCase: CustomTestStringConvertible, Sendable {
    let shape: [Int]
    let groups: Int
    var testDescription: String { "\(shape) G\(groups)" }
}

let normalizationCases: [NormalizationCase] = [
    NormalizationCase(shape: [2, 4, 3, 5], groups: 2),
    NormalizationCase(shape: [3, 3, 4, 4], groups: 3),
    NormalizationCase(shape: [1, 6, 2, 3, 3], groups: 3),
    NormalizationCase(shape: [2, 2, 3, 2, 4], groups: 1),
]

/// A (N, 16, H, W) tensor in the blocked layout a convolution picks, and the same values in plain layout.
func blockedFeatureMap(_ generator: inout TestValues, batch: Int = 2, size: [Int] = [5, 6]) throws -> (Tensor, Tensor) {
    let input = try generator.tensor([batch, 3] + size)
    let weight = try generator.tensor([16, 3] + size.map { _ in 3 })
    let blocked = try input.convolved(with: weight, options: ConvolutionOptions(padding: [1]))
    return (blocked, try blocked.plain())
}

@Suite("Normalisation")
struct NormalizationTests {
    @Test(arguments: normalizationCases)
    func batchNormTrainingGradients(_ testCase: NormalizationCase) throws {
        var generator = TestValues(seed: 10)
        let channels = testCase.shape[1]
        let x = try generator.tensor(testCase.shape, requiresGradient: true)
        let scale = try Tensor(
            shape: [channels], values: generator.array(channels).map { $0 + 1.5 }, requiresGradient: true)
        let shift = try generator.tensor([channels], requiresGradient: true)
        let state = try BatchNormState(channels: channels)
        try expectGradientsMatchFiniteDifferences([x, scale, shift], stride: 3) { inputs in
            try projected(inputs[0].batchNormalized(scale: inputs[1], shift: inputs[2], state: state, training: true))
        }
    }

    @Test(arguments: normalizationCases)
    func batchNormEvaluationGradients(_ testCase: NormalizationCase) throws {
        var generator = TestValues(seed: 11)
        let channels = testCase.shape[1]
        let x = try generator.tensor(testCase.shape, requiresGradient: true)
        let scale = try generator.tensor([channels], requiresGradient: true)
        let shift = try generator.tensor([channels], requiresGradient: true)
        let state = try BatchNormState(channels: channels)
        try state.setRunningStatistics(
            mean: generator.array(channels), variance: generator.array(channels).map { $0 + 1.5 })
        try expectGradientsMatchFiniteDifferences([x, scale, shift], stride: 3) { inputs in
            try projected(inputs[0].batchNormalized(scale: inputs[1], shift: inputs[2], state: state, training: false))
        }
    }

    /// Known answer in Double: batch statistics normalise, running statistics take the unbiased variance.
    @Test func batchNormTrainingMatchesReferenceAndUpdatesRunningStatistics() throws {
        var generator = TestValues(seed: 12)
        let shape = [3, 2, 2, 3]
        let x = try generator.tensor(shape)
        let (scale, shift) = (try Tensor(shape: [2], values: [2, 0.5]), try Tensor(shape: [2], values: [-1, 1]))
        let state = try BatchNormState(channels: 2, momentum: 0.1)
        let y = try x.batchNormalized(scale: scale, shift: shift, state: state, training: true)
        let values = try x.values()
        var expected = [Float](repeating: 0, count: values.count)
        var (runningMean, runningVariance) = ([Float](), [Float]())
        for c in 0..<2 {
            let indices = (0..<3).flatMap { n in (0..<6).map { (n * 2 + c) * 6 + $0 } }
            let mean = indices.map { Double(values[$0]) }.reduce(0, +) / 18
            let variance = indices.map { (Double(values[$0]) - mean) * (Double(values[$0]) - mean) }.reduce(0, +) / 18
            for index in indices {
                let normalised = (Double(values[index]) - mean) / (variance + 1e-5).squareRoot()
                expected[index] = Float(Double([2, 0.5][c]) * normalised + [-1, 1][c])
            }
            runningMean.append(Float(0.1 * mean))
            runningVariance.append(Float(0.9 + 0.1 * variance * 18 / 17))
        }
        expectClose(try y.values(), expected)
        expectClose(try state.runningMean.values(), runningMean, tolerance: 1e-6)
        expectClose(try state.runningVariance.values(), runningVariance, tolerance: 1e-6)
        let evaluated = try x.batchNormalized(scale: scale, shift: shift, state: state, training: false)
        let evaluatedExpected = values.enumerated().map { index, value in
            let c = (index / 6) % 2
            let normalised = (value - runningMean[c]) / (runningVariance[c] + 1e-5).squareRoot()
            return [2, 0.5][c] * normalised + [-1, 1][c]
        }
        expectClose(try evaluated.values(), evaluatedExpected)
        expectClose(try state.runningMean.values(), runningMean, tolerance: 1e-6)
    }

    @Test(arguments: [true, false])
    func batchNormFusedReLUEqualsSeparateReLU(training: Bool) throws {
        var generator = TestValues(seed: 13)
        let x = try generator.tensor([2, 3, 4, 5], requiresGradient: true)
        let scale = try generator.tensor([3], requiresGradient: true)
        let shift = try generator.tensor([3], requiresGradient: true)
        let state = try BatchNormState(channels: 3)
        let fused = try x.batchNormalized(
            scale: scale, shift: shift, state: state, training: training, activation: .relu)
        try projected(fused).backward()
        let fusedGradients = try [x, scale, shift].map { try #require($0.gradient).values() }
        for tensor in [x, scale, shift] { tensor.zeroGradient() }
        let separate = try x.batchNormalized(scale: scale, shift: shift, state: state, training: training).relu()
        expectClose(try fused.values(), try separate.values(), tolerance: 1e-5)
        try projected(separate).backward()
        for (tensor, expected) in zip([x, scale, shift], fusedGradients) {
            expectClose(try #require(tensor.gradient).values(), expected, tolerance: 1e-5)
        }
    }

    @Test func batchNormOnBlockedLayoutEqualsPlain() throws {
        var generator = TestValues(seed: 14)
        let (blocked, plain) = try blockedFeatureMap(&generator)
        #expect(!blocked.layout.isPlain)
        let (scale, shift) = (try generator.tensor([16]), try generator.tensor([16]))
        let a = try blocked.batchNormalized(
            scale: scale, shift: shift, state: BatchNormState(channels: 16), training: true)
        let b = try plain.batchNormalized(
            scale: scale, shift: shift, state: BatchNormState(channels: 16), training: true)
        expectClose(try a.values(), try b.values(), tolerance: 1e-5)
    }

    @Test(arguments: normalizationCases)
    func groupNormGradients(_ testCase: NormalizationCase) throws {
        var generator = TestValues(seed: 15)
        let channels = testCase.shape[1]
        let x = try generator.tensor(testCase.shape, requiresGradient: true)
        let scale = try generator.tensor([channels], requiresGradient: true)
        let shift = try generator.tensor([channels], requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([x, scale, shift], stride: 3) { inputs in
            try projected(inputs[0].groupNormalized(groups: testCase.groups, scale: inputs[1], shift: inputs[2]))
        }
    }

    @Test func instanceNormGradients() throws {
        var generator = TestValues(seed: 16)
        let x = try generator.tensor([2, 3, 4, 3], requiresGradient: true)
        let scale = try generator.tensor([3], requiresGradient: true)
        let shift = try generator.tensor([3], requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([x, scale, shift], stride: 2) { inputs in
            try projected(inputs[0].instanceNormalized(scale: inputs[1], shift: inputs[2]))
        }
    }

    /// Group norm walks nChw16c storage directly: values and gradients equal those of the plain layout.
    @Test(arguments: [1, 4, 16])
    func groupNormOnBlockedLayoutEqualsPlain(groups: Int) throws {
        var generator = TestValues(seed: 17)
        let (blocked, plain) = try blockedFeatureMap(&generator)
        #expect(!blocked.layout.isPlain)
        let scale = try generator.tensor([16], requiresGradient: true)
        let shift = try generator.tensor([16], requiresGradient: true)
        let a = try blocked.detached().groupNormalized(groups: groups, scale: scale, shift: shift)
        #expect(a.layout == blocked.layout)
        let b = try plain.groupNormalized(groups: groups, scale: scale, shift: shift)
        expectClose(try a.values(), try b.values(), tolerance: 1e-5)
        let input = try Tensor(shape: plain.shape, values: plain.values(), requiresGradient: true)
        let blockedInput = try input.reordered(to: blocked.layout)
        blockedInput.requiresGradient = true
        try projected(blockedInput.groupNormalized(groups: groups, scale: scale, shift: shift)).backward()
        let blockedGradients = try [blockedInput, scale, shift].map { try #require($0.gradient).values() }
        for tensor in [scale, shift] { tensor.zeroGradient() }
        try projected(input.groupNormalized(groups: groups, scale: scale, shift: shift)).backward()
        for (tensor, expected) in zip([input, scale, shift], blockedGradients) {
            expectClose(try #require(tensor.gradient).values(), expected, tolerance: 1e-5)
        }
    }

    @Test func invalidShapesThrowBeforeComputing() throws {
        let x = try Tensor.zeros([2, 6, 4, 4])
        let (scale, shift) = (try Tensor.ones([6]), try Tensor.zeros([6]))
        #expect(throws: TensorsError.self) { try x.groupNormalized(groups: 4, scale: scale, shift: shift) }
        #expect(throws: TensorsError.shapeMismatch(op: "group normalisation scale/shift", lhs: [2, 6, 4, 4], rhs: [5]))
        {
            try x.groupNormalized(groups: 2, scale: Tensor.ones([5]), shift: shift)
        }
        #expect(
            throws: TensorsError.shapeMismatch(
                op: "batch normalisation running statistics", lhs: [2, 6, 4, 4], rhs: [3])
        ) {
            try x.batchNormalized(scale: scale, shift: shift, state: BatchNormState(channels: 3), training: true)
        }
        #expect(throws: TensorsError.self) {
            try Tensor.zeros([1, 6, 1, 1]).batchNormalized(
                scale: scale, shift: shift, state: BatchNormState(channels: 6), training: true)
        }
    }
}
