import Basics
import Testing

@testable import Tensors

struct DropoutTests {
    @Test func dropsTheRequestedFractionAndScalesTheRest() throws {
        let input = try Tensor(shape: [4, 8, 128, 128], repeating: 1)
        for probability: Float in [0.1, 0.5, 0.9] {
            let output = try input.dropout(Dropout(probability: probability, seed: 7)).values()
            let kept = output.filter { $0 != 0 }
            let droppedFraction = 1 - Double(kept.count) / Double(output.count)
            #expect(abs(droppedFraction - Double(probability)) < 0.005, "p \(probability): dropped \(droppedFraction)")
            #expect(kept.allSatisfy { $0 == 1 / (1 - probability) })
        }
        #expect(try input.dropout(Dropout(probability: 0, seed: 1)).values() == input.values())
    }

    @Test func maskDependsOnlyOnSeedNotOnThreads() throws {
        var generator = TestValues(seed: 1)
        let input = try generator.tensor([2, 16, 64, 64])
        let draw = try Dropout(probability: 0.5, seed: 42)
        let source = try input.plain()
        let single = try Tensor.zeros(input.shape)
        let parallel = try Tensor.zeros(input.shape)
        draw.apply(source, into: single, threads: 1)
        draw.apply(source, into: parallel, threads: 2)
        #expect(try parallel.values() == single.values())
        #expect(try input.dropout(draw).values() == single.values())
        #expect(try input.dropout(Dropout(probability: 0.5, seed: 43)).values() != single.values())
        var first = RandomGenerator(seed: 3)
        var second = RandomGenerator(seed: 3)
        #expect(try Dropout(probability: 0.5, generator: &first) == Dropout(probability: 0.5, generator: &second))
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        var generator = TestValues(seed: 2)
        let input = try generator.tensor([2, 3, 5, 5], requiresGradient: true)
        let draw = try Dropout(probability: 0.3, seed: 9)
        try expectGradientsMatchFiniteDifferences([input]) { try projected($0[0].dropout(draw)) }
        // The mask follows storage order, so a blocked tensor gets another mask: its backward must reuse it.
        let blocked = try channelBlocked(input)
        let output = try blocked.dropout(draw)
        try projected(output).backward()
        var projectionValues = TestValues(seed: 99)
        let projection = try projectionValues.tensor(output.shape).values()
        let expected = try zip(output.values(), input.values()).map { $0 / $1 }
        expectClose(try #require(blocked.gradient).values(), zip(expected, projection).map { $0 * $1 })
    }

    /// conv → ReLU → dropout fused in one call equals the three ops run separately, forward and backward.
    @Test(arguments: [FusedActivation.none, .relu], [[2, 5, 9, 9], [1, 3, 4, 6, 6]])
    func fusedConvolutionDropoutEqualsSeparateOps(activation: FusedActivation, shape: [Int]) throws {
        var generator = TestValues(seed: 4)
        let x = try generator.tensor(shape, requiresGradient: true)
        let w = try generator.tensor(
            [18, shape[1]] + Array(repeating: 3, count: shape.count - 2), requiresGradient: true)
        let b = try generator.tensor([18], requiresGradient: true)
        let draw = try Dropout(probability: 0.5, seed: 11)
        let options = ConvolutionOptions(padding: [1])
        let fused = try x.convolved(with: w, bias: b, options: options, activation: activation, dropout: draw)
        try projected(fused).backward()
        let fusedGradients = try [x, w, b].map { try #require($0.gradient).values() }
        for tensor in [x, w, b] { tensor.zeroGradient() }
        let convolved = try x.convolved(with: w, bias: b, options: options, activation: activation)
        let separate = try convolved.dropout(draw)
        expectClose(try fused.values(), try separate.values(), tolerance: 1e-6)
        try projected(separate).backward()
        for (tensor, expected) in zip([x, w, b], fusedGradients) {
            expectClose(try #require(tensor.gradient).values(), expected, tolerance: 1e-5)
        }
    }

    @Test func rejectsProbabilitiesOutsideTheUnitInterval() {
        #expect(throws: TensorsError.self) { try Dropout(probability: 1, seed: 0) }
        #expect(throws: TensorsError.self) { try Dropout(probability: -0.1, seed: 0) }
    }
}

struct ReshapeTests {
    @Test func reshapeKeepsRowMajorOrderAndGradients() throws {
        var generator = TestValues(seed: 5)
        let input = try generator.tensor([2, 3, 4], requiresGradient: true)
        #expect(try input.reshaped([6, 4]).values() == input.values())
        try expectGradientsMatchFiniteDifferences([input]) { try projected($0[0].reshaped([4, 6])) }
        let blocked = try channelBlocked(try generator.tensor([1, 17, 2, 2]))
        #expect(try blocked.reshaped([17, 4]).values() == blocked.values())
        #expect(throws: TensorsError.self) { try input.reshaped([5, 5]) }
    }
}
