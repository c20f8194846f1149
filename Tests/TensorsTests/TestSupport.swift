import Testing

@testable import Tensors

/// Deterministic pseudo-random values in [-1, 1) (SplitMix64), so tests need no global random state.
struct TestValues {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }

    mutating func tensor(_ shape: [Int], requiresGradient: Bool = false) throws -> Tensor {
        try Tensor(shape: shape, values: array(shape.reduce(1, *)), requiresGradient: requiresGradient)
    }
}

/// Checks the gradients `backward()` computes for `inputs` against central finite differences of `loss`,
/// evaluated in Double from Float32 forward passes.
///
/// `loss` must build a scalar from the inputs; a fixed random projection of the op's output makes every output
/// element matter. Every `stride`-th input element is probed.
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], step: Float = 1e-3, tolerance: Double = 2e-2, stride: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation, loss: ([Tensor]) throws -> Tensor
) throws {
    for input in inputs { input.zeroGradient() }
    try loss(inputs).backward()
    for (inputIndex, input) in inputs.enumerated() {
        let analytic = try #require(input.gradient, "no gradient for input \(inputIndex)").values()
        var values = try input.values()
        for element in Swift.stride(from: 0, to: values.count, by: stride) {
            let original = values[element]
            func evaluate(_ value: Float) throws -> Double {
                values[element] = value
                let probe = try inputs.enumerated().map { index, tensor in
                    index == inputIndex ? try Tensor(shape: tensor.shape, values: values) : tensor.detached()
                }
                return Double(try withoutGradients { try loss(probe).values()[0] })
            }
            let numeric = (try evaluate(original + step) - evaluate(original - step)) / Double(2 * step)
            values[element] = original
            let scale = max(1, abs(numeric), abs(Double(analytic[element])))
            #expect(
                abs(numeric - Double(analytic[element])) <= tolerance * scale,
                "input \(inputIndex) element \(element): analytic \(analytic[element]) vs numeric \(numeric)",
                sourceLocation: sourceLocation)
        }
    }
}

/// `Σ output · projection` for a fixed pseudo-random projection: a scalar that depends on every output element.
func projected(_ output: Tensor, seed: UInt64 = 99) throws -> Tensor {
    var generator = TestValues(seed: seed)
    let projection = try generator.tensor(output.shape)
    return try output.multiplied(by: projection).sum()
}

func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if abs(a - e) > tolerance * max(1, abs(e)) {
            Issue.record("element \(index): \(a) vs \(e)", sourceLocation: sourceLocation)
            return
        }
    }
}
