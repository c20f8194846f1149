import Testing

@testable import Tensors

/// Direct transposed convolution in Double: every input pixel scatters weight·value into the output.
/// Weights (I, O/groups, k...); 2D inputs use D = 1.
func referenceTransposedConvolution(
    input: [Float], inputShape: [Int], weight: [Float], weightShape: [Int], bias: [Float]?,
    _ testCase: TransposedConvolutionCase
) -> [Float] {
    let is3D = inputShape.count == 5
    let (n, i) = (inputShape[0], inputShape[1])
    let spatial = is3D ? Array(inputShape[2...]) : [1] + inputShape[2...]
    let kernel = is3D ? Array(weightShape[2...]) : [1] + weightShape[2...]
    let outputsPerGroup = weightShape[1]
    let o = outputsPerGroup * testCase.groups
    let inputsPerGroup = i / testCase.groups
    let output = testCase.outputShape(inputShape, weightShape)
    let outSpatial = is3D ? Array(output[2...]) : [1] + output[2...]
    let (stride, padding, dilation) = (testCase.stride, testCase.padding, testCase.dilation)
    let axisStride = [is3D ? stride : 1, stride, stride]
    let axisPadding = [is3D ? padding : 0, padding, padding]
    let outCount = outSpatial.reduce(1, *)
    var result = [Double](repeating: 0, count: n * o * outCount)
    for b in 0..<n {
        for oc in 0..<o {
            for index in 0..<outCount { result[(b * o + oc) * outCount + index] = Double(bias?[oc] ?? 0) }
        }
        for ic in 0..<i {
            let group = ic / inputsPerGroup
            for z in 0..<spatial[0] {
                for y in 0..<spatial[1] {
                    for x in 0..<spatial[2] {
                        let value = Double(input[(((b * i + ic) * spatial[0] + z) * spatial[1] + y) * spatial[2] + x])
                        for ocInGroup in 0..<outputsPerGroup {
                            let oc = group * outputsPerGroup + ocInGroup
                            for kz in 0..<kernel[0] {
                                let oz = z * axisStride[0] - axisPadding[0] + kz * dilation
                                guard oz >= 0, oz < outSpatial[0] else { continue }
                                for ky in 0..<kernel[1] {
                                    let oy = y * axisStride[1] - axisPadding[1] + ky * dilation
                                    guard oy >= 0, oy < outSpatial[1] else { continue }
                                    for kx in 0..<kernel[2] {
                                        let ox = x * axisStride[2] - axisPadding[2] + kx * dilation
                                        guard ox >= 0, ox < outSpatial[2] else { continue }
                                        let w = weight[
                                            (((ic * outputsPerGroup + ocInGroup) * kernel[0] + kz) * kernel[1] + ky)
                                                * kernel[2] + kx]
                                        let offset =
                                            (((b * o + oc) * outSpatial[0] + oz) * outSpatial[1] + oy) * outSpatial[2]
                                            + ox
                                        result[offset] += value * Double(w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return result.map { Float($0) }
}

struct TransposedConvolutionCase: CustomTestStringConvertible, Sendable {
    let input: [Int]
    let weight: [Int]
    var stride = 1
    var padding = 0
    var dilation = 1
    var outputPadding = 0
    var groups = 1
    var testDescription: String {
        "in \(input) w \(weight) s\(stride) p\(padding) d\(dilation) op\(outputPadding) g\(groups)"
    }

    var options: ConvolutionOptions {
        ConvolutionOptions(stride: [stride], padding: [padding], dilation: [dilation], groups: groups)
    }

    func outputShape(_ input: [Int], _ weight: [Int]) -> [Int] {
        [input[0], weight[1] * groups]
            + zip(input.dropFirst(2), weight.dropFirst(2)).map { size, k in
                (size - 1) * stride - 2 * padding + dilation * (k - 1) + 1 + outputPadding
            }
    }
}

let transposedConvolutionCases: [TransposedConvolutionCase] = [
    TransposedConvolutionCase(input: [2, 3, 4, 5], weight: [3, 2, 2, 2], stride: 2),
    TransposedConvolutionCase(input: [1, 2, 4, 3], weight: [2, 3, 3, 3], stride: 2, padding: 1, outputPadding: 1),
    TransposedConvolutionCase(input: [1, 2, 5, 4], weight: [2, 2, 3, 3], stride: 1, padding: 2, dilation: 2),
    TransposedConvolutionCase(input: [1, 2, 3, 3], weight: [2, 2, 3, 3], stride: 2, padding: 0, outputPadding: 1),
    TransposedConvolutionCase(input: [1, 4, 3, 3], weight: [4, 3, 3, 3], stride: 2, padding: 1, groups: 2),
    TransposedConvolutionCase(input: [1, 17, 3, 3], weight: [17, 18, 2, 2], stride: 2),
    TransposedConvolutionCase(input: [1, 2, 3, 2, 3], weight: [2, 3, 2, 2, 2], stride: 2),
    TransposedConvolutionCase(
        input: [1, 2, 2, 3, 2], weight: [2, 2, 3, 3, 3], stride: 2, padding: 1, outputPadding: 1),
]

@Suite("Transposed convolution")
struct TransposedConvolutionTests {
    @Test(arguments: transposedConvolutionCases)
    func forwardMatchesDirectScatter(_ testCase: TransposedConvolutionCase) throws {
        var generator = TestValues(seed: 50)
        let x = try generator.tensor(testCase.input)
        let w = try generator.tensor(testCase.weight)
        let b = try generator.tensor([testCase.weight[1] * testCase.groups])
        let y = try x.transposedConvolved(
            with: w, bias: b, options: testCase.options, outputPadding: [testCase.outputPadding])
        #expect(y.shape == testCase.outputShape(testCase.input, testCase.weight))
        let expected = referenceTransposedConvolution(
            input: try x.values(), inputShape: x.shape, weight: try w.values(), weightShape: w.shape,
            bias: try b.values(), testCase)
        expectClose(try y.values(), expected)
        // The weights kept their shape (a parameter may have adopted a permuted blocked layout).
        #expect(w.shape == testCase.weight)
        expectClose(
            try x.transposedConvolved(
                with: w, bias: b, options: testCase.options, outputPadding: [testCase.outputPadding]
            ).values(), expected)
    }

    @Test(arguments: transposedConvolutionCases)
    func gradientsMatchFiniteDifferences(_ testCase: TransposedConvolutionCase) throws {
        var generator = TestValues(seed: 51)
        let x = try generator.tensor(testCase.input, requiresGradient: true)
        let w = try generator.tensor(testCase.weight, requiresGradient: true)
        let b = try generator.tensor([testCase.weight[1] * testCase.groups], requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([x, w, b], stride: 5) { inputs in
            try projected(
                inputs[0].transposedConvolved(
                    with: inputs[1], bias: inputs[2], options: testCase.options, outputPadding: [testCase.outputPadding]
                ))
        }
    }

    /// ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ with the same weights read as (O, I, k) and (I, O, k); output padding
    /// recovers the even width that the strided convolution rounded down.
    @Test func isTheAdjointOfConvolution() throws {
        var generator = TestValues(seed: 52)
        let x = try generator.tensor([1, 3, 7, 6])
        let w = try generator.tensor([4, 3, 3, 3])
        let options = ConvolutionOptions(stride: [2], padding: [1])
        let y = try generator.tensor(try x.convolved(with: w, options: options).shape)
        let lhs = zip(try x.convolved(with: w, options: options).values(), try y.values()).map { Double($0 * $1) }
            .reduce(0, +)
        let back = try y.transposedConvolved(with: w, options: options, outputPadding: [0, 1])
        #expect(back.shape == x.shape)
        let rhs = zip(try x.values(), try back.values()).map { Double($0 * $1) }.reduce(0, +)
        #expect(Swift.abs(lhs - rhs) < 1e-4 * max(1, Swift.abs(lhs)))
    }

    @Test func invalidGeometryThrowsWithShapes() throws {
        let x = try Tensor.zeros([1, 3, 4, 4])
        #expect(
            throws: TensorsError.shapeMismatch(
                op: "transposed convolution (channels, 1 groups)", lhs: [1, 3, 4, 4], rhs: [2, 3, 3, 3])
        ) {
            try x.transposedConvolved(with: Tensor.zeros([2, 3, 3, 3]))
        }
        #expect(throws: TensorsError.self) {
            try x.transposedConvolved(
                with: Tensor.zeros([3, 2, 3, 3]), options: ConvolutionOptions(stride: [2]), outputPadding: [2])
        }
        #expect(throws: TensorsError.shapeMismatch(op: "transposed convolution bias", lhs: [3], rhs: [2])) {
            try x.transposedConvolved(with: Tensor.zeros([3, 2, 3, 3]), bias: Tensor.zeros([3]))
        }
    }
}
