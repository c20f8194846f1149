import CDNNL
import Testing

@testable import Tensors

/// Direct (N, C, D, H, W) convolution in Double, as the reference. 2D inputs use D = 1.
func referenceConvolution(
    input: [Float], inputShape: [Int], weight: [Float], weightShape: [Int], bias: [Float]?,
    stride: Int, padding: Int, dilation: Int, groups: Int
) -> (values: [Float], shape: [Int]) {
    let is3D = inputShape.count == 5
    let (n, c) = (inputShape[0], inputShape[1])
    let (d, h, w) = is3D ? (inputShape[2], inputShape[3], inputShape[4]) : (1, inputShape[2], inputShape[3])
    let (o, ci) = (weightShape[0], weightShape[1])
    let (kd, kh, kw) = is3D ? (weightShape[2], weightShape[3], weightShape[4]) : (1, weightShape[2], weightShape[3])
    func extent(_ size: Int, _ k: Int, _ pad: Int) -> Int { (size + 2 * pad - (k - 1) * dilation - 1) / stride + 1 }
    let padD = is3D ? padding : 0
    let (od, oh, ow) = (is3D ? extent(d, kd, padding) : 1, extent(h, kh, padding), extent(w, kw, padding))
    var output = [Float](repeating: 0, count: n * o * od * oh * ow)
    let outputsPerGroup = o / groups
    for b in 0..<n {
        for oc in 0..<o {
            let group = oc / outputsPerGroup
            for z in 0..<od {
                for y in 0..<oh {
                    for x in 0..<ow {
                        var total = Double(bias?[oc] ?? 0)
                        for ic in 0..<ci {
                            let channel = group * ci + ic
                            for dz in 0..<kd {
                                let iz = z * (is3D ? stride : 1) - padD + dz * dilation
                                guard iz >= 0, iz < d else { continue }
                                for dy in 0..<kh {
                                    let iy = y * stride - padding + dy * dilation
                                    guard iy >= 0, iy < h else { continue }
                                    for dx in 0..<kw {
                                        let ix = x * stride - padding + dx * dilation
                                        guard ix >= 0, ix < w else { continue }
                                        let inputIndex = (((b * c + channel) * d + iz) * h + iy) * w + ix
                                        let weightIndex = (((oc * ci + ic) * kd + dz) * kh + dy) * kw + dx
                                        total += Double(input[inputIndex]) * Double(weight[weightIndex])
                                    }
                                }
                            }
                        }
                        output[(((b * o + oc) * od + z) * oh + y) * ow + x] = Float(total)
                    }
                }
            }
        }
    }
    let shape = is3D ? [n, o, od, oh, ow] : [n, o, oh, ow]
    return (output, shape)
}

struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    let input: [Int]
    let weight: [Int]
    let stride: Int
    let padding: Int
    let dilation: Int
    let groups: Int
    var testDescription: String { "in \(input) w \(weight) s\(stride) p\(padding) d\(dilation) g\(groups)" }
}

let convolutionCases: [ConvolutionCase] = [
    ConvolutionCase(input: [2, 3, 7, 6], weight: [4, 3, 3, 3], stride: 1, padding: 1, dilation: 1, groups: 1),
    ConvolutionCase(input: [1, 2, 9, 8], weight: [5, 2, 3, 3], stride: 2, padding: 1, dilation: 1, groups: 1),
    ConvolutionCase(input: [1, 4, 9, 9], weight: [6, 2, 3, 3], stride: 1, padding: 2, dilation: 2, groups: 2),
    ConvolutionCase(input: [2, 17, 5, 5], weight: [18, 17, 1, 1], stride: 1, padding: 0, dilation: 1, groups: 1),
    ConvolutionCase(input: [1, 2, 5, 6, 7], weight: [3, 2, 3, 3, 3], stride: 1, padding: 1, dilation: 1, groups: 1),
    ConvolutionCase(input: [1, 3, 6, 7, 5], weight: [2, 3, 2, 3, 2], stride: 2, padding: 0, dilation: 1, groups: 1),
]

@Suite("Convolution")
struct ConvolutionTests {
    @Test(arguments: convolutionCases)
    func forwardMatchesDirectConvolution(_ testCase: ConvolutionCase) throws {
        var generator = TestValues(seed: 1)
        let x = try generator.tensor(testCase.input)
        let w = try generator.tensor(testCase.weight)
        let b = try generator.tensor([testCase.weight[0]])
        let options = ConvolutionOptions(
            stride: [testCase.stride], padding: [testCase.padding], dilation: [testCase.dilation],
            groups: testCase.groups)
        let y = try x.convolved(with: w, bias: b, options: options)
        let expected = referenceConvolution(
            input: try x.values(), inputShape: x.shape, weight: try w.values(), weightShape: w.shape,
            bias: try b.values(), stride: testCase.stride, padding: testCase.padding, dilation: testCase.dilation,
            groups: testCase.groups)
        #expect(y.shape == expected.shape)
        expectClose(try y.values(), expected.values)
        let fused = try x.convolved(with: w, bias: b, options: options, activation: .relu)
        expectClose(try fused.values(), expected.values.map { max($0, 0) })
    }

    @Test(arguments: convolutionCases)
    func gradientsMatchFiniteDifferences(_ testCase: ConvolutionCase) throws {
        var generator = TestValues(seed: 2)
        let x = try generator.tensor(testCase.input, requiresGradient: true)
        let w = try generator.tensor(testCase.weight, requiresGradient: true)
        let b = try generator.tensor([testCase.weight[0]], requiresGradient: true)
        let options = ConvolutionOptions(
            stride: [testCase.stride], padding: [testCase.padding], dilation: [testCase.dilation],
            groups: testCase.groups)
        try expectGradientsMatchFiniteDifferences([x, w, b], stride: 7) { inputs in
            try projected(inputs[0].convolved(with: inputs[1], bias: inputs[2], options: options))
        }
    }

    /// Finite differences straddle ReLU's kink, so the fused activation's backward is checked against the
    /// separately computed conv + ReLU instead (whose parts are each checked against finite differences).
    @Test(arguments: convolutionCases)
    func fusedReLUBackwardEqualsSeparateReLU(_ testCase: ConvolutionCase) throws {
        var generator = TestValues(seed: 3)
        let x = try generator.tensor(testCase.input, requiresGradient: true)
        let w = try generator.tensor(testCase.weight, requiresGradient: true)
        let b = try generator.tensor([testCase.weight[0]], requiresGradient: true)
        let options = ConvolutionOptions(
            stride: [testCase.stride], padding: [testCase.padding], dilation: [testCase.dilation],
            groups: testCase.groups)
        try projected(x.convolved(with: w, bias: b, options: options, activation: .relu)).backward()
        let fused = try [x, w, b].map { try #require($0.gradient).values() }
        for tensor in [x, w, b] { tensor.zeroGradient() }
        try projected(x.convolved(with: w, bias: b, options: options).relu()).backward()
        for (tensor, expected) in zip([x, w, b], fused) {
            expectClose(try #require(tensor.gradient).values(), expected, tolerance: 1e-5)
        }
    }

    @Test func mismatchedChannelsNameBothShapes() throws {
        let x = try Tensor.zeros([1, 3, 8, 8])
        let w = try Tensor.zeros([4, 2, 3, 3])
        #expect(
            throws: TensorsError.shapeMismatch(
                op: "convolution (channels, 1 groups)", lhs: [1, 3, 8, 8], rhs: [4, 2, 3, 3])
        ) {
            try x.convolved(with: w)
        }
        #expect(throws: TensorsError.self) { try x.convolved(with: Tensor.zeros([4, 3, 11, 11])) }
    }
}

@Suite("Winograd convolution")
struct WinogradConvolutionTests {
    /// Winograd F(4x4, 3x3) against the Double direct reference (forward) and against direct convolution
    /// (gradients), within 1e-4 relative: its extra rounding is far below that. On CPUs without oneDNN's
    /// Winograd kernels (AVX2) the same request must give a direct convolution with the same results.
    @Test(arguments: [[2, 32, 12, 12], [1, 2, 9, 7], [1, 48, 16, 20]])
    func winogradMatchesDirectConvolution(inputShape: [Int]) throws {
        var generator = TestValues(seed: 30)
        let x = try generator.tensor(inputShape, requiresGradient: true)
        let w = try generator.tensor([32, inputShape[1], 3, 3], requiresGradient: true)
        let b = try generator.tensor([32], requiresGradient: true)
        let winograd = ConvolutionOptions(padding: [1], algorithm: .winograd)
        let y = try x.convolved(with: w, bias: b, options: winograd)
        let expected = referenceConvolution(
            input: try x.values(), inputShape: x.shape, weight: try w.values(), weightShape: w.shape,
            bias: try b.values(), stride: 1, padding: 1, dilation: 1, groups: 1)
        expectClose(try y.values(), expected.values, tolerance: 1e-4)
        let geometry = try ConvolutionGeometry(
            source: x.shape, weights: w.shape, hasBias: true, options: winograd, op: "test")
        let primitive = try ConvolutionPrimitives.forward(geometry, activation: .none, training: true)
        let expectedAlgorithm =
            ConvolutionPrimitives.winogradAvailable ? dnnl_convolution_winograd : dnnl_convolution_direct
        #expect(ConvolutionPrimitives.algorithm(of: primitive) == expectedAlgorithm)

        try projected(y).backward()
        let winogradGradients = try [x, w, b].map { try #require($0.gradient).values() }
        for tensor in [x, w, b] { tensor.zeroGradient() }
        try projected(x.convolved(with: w, bias: b, options: ConvolutionOptions(padding: [1]))).backward()
        for (tensor, fast) in zip([x, w, b], winogradGradients) {
            expectClose(fast, try #require(tensor.gradient).values(), tolerance: 1e-4)
        }
    }

    /// Geometries without a Winograd kernel (3D, strided) quietly use direct convolution.
    @Test func otherGeometriesFallBackToDirect() throws {
        var generator = TestValues(seed: 31)
        for (input, weight, stride) in [([1, 2, 5, 6, 6], [4, 2, 3, 3, 3], 1), ([1, 3, 9, 9], [4, 3, 3, 3], 2)] {
            let x = try generator.tensor(input)
            let w = try generator.tensor(weight)
            let options = ConvolutionOptions(stride: [stride], padding: [1], algorithm: .winograd)
            let direct = ConvolutionOptions(stride: [stride], padding: [1])
            expectClose(
                try x.convolved(with: w, options: options).values(), try x.convolved(with: w, options: direct).values())
        }
    }
}

/// 3D convolutions asked for Winograd run as 2D Winograd convolutions over depth slices where the CPU has those
/// kernels, as direct 3D convolutions elsewhere. The sliced computation is checked on every CPU (called directly
/// where the dispatch would not choose it).
@Suite("Depth-sliced 3D convolution")
struct DepthSlicedConvolutionTests {
    @Test(arguments: [
        ([1, 20, 5, 7, 6], 18, 3), ([2, 3, 4, 6, 5], 16, 3), ([1, 16, 3, 4, 4], 32, 1), ([1, 4, 6, 5, 5], 8, 5),
    ])
    func matchesDirectConvolution(inputShape: [Int], outputChannels: Int, kernelDepth: Int) throws {
        var generator = TestValues(seed: 40)
        let x = try generator.tensor(inputShape, requiresGradient: true)
        let w = try generator.tensor([outputChannels, inputShape[1], kernelDepth, 3, 3], requiresGradient: true)
        let b = try generator.tensor([outputChannels], requiresGradient: true)
        let padding = [kernelDepth / 2, 1, 1]
        let sliced = ConvolutionOptions(padding: padding, algorithm: .winograd)
        let geometry = try ConvolutionGeometry(
            source: x.shape, weights: w.shape, hasBias: true, options: sliced, op: "test")
        #expect(DepthSlicedConvolution.applies(to: geometry) == ConvolutionPrimitives.winogradAvailable)
        let draw = try Dropout(probability: 0.3, seed: 2)
        for (activation, dropout) in [(FusedActivation.none, nil), (.relu, draw)] {
            let y = try DepthSlicedConvolution(geometry).apply(
                to: x, weight: w, bias: b, activation: activation, dropout: dropout, training: true)
            try projected(y).backward()
            let gradients = try [x, w, b].map { try #require($0.gradient).values() }
            for tensor in [x, w, b] { tensor.zeroGradient() }
            // The reference: direct 3D convolution, then the same activation and mask in y's layout.
            let direct = try relaidOut(
                x.convolved(with: w, bias: b, options: ConvolutionOptions(padding: padding), activation: activation),
                to: y.layout)
            let reference = try dropout.map { try direct.dropout($0) } ?? direct
            expectClose(try y.values(), try reference.values(), tolerance: 1e-4)
            try projected(reference).backward()
            for (tensor, expected) in zip([x, w, b], gradients) {
                expectClose(expected, try #require(tensor.gradient).values(), tolerance: 1e-4)
            }
            for tensor in [x, w, b] { tensor.zeroGradient() }
        }
    }

    /// `tensor` in `layout`, recorded so gradients flow through (a dropout mask follows storage order, so the
    /// reference must be masked in the same layout).
    func relaidOut(_ tensor: Tensor, to layout: MemoryDescriptor) throws -> Tensor {
        let moved = try tensor.reordered(to: layout)
        return Tensor(layout: moved.layout, storage: moved.storage).recorded(as: "relayout", from: [tensor]) { [$0] }
    }

    @Test func depthMajorLayoutHoldsSlicesAsImages() throws {
        var generator = TestValues(seed: 41)
        let x = try generator.tensor([2, 3, 4, 2, 2])
        let depthMajor = try x.reordered(to: .depthMajor(x.shape))
        #expect(try depthMajor.values() == x.values())
        // Slice (n = 1, z = 2) is image 1·4 + 2 of the nChw16c view.
        let images = Tensor(layout: .make([8, 3, 2, 2], tag: dnnl_nChw16c), storage: depthMajor.storage)
        let image = try images.values()[(6 * 3 * 4)..<(7 * 3 * 4)]
        let values = try x.values()
        var expected: [Float] = []
        for channel in 0..<3 {
            let start: Int = ((3 + channel) * 4 + 2) * 4
            expected += values[start..<(start + 4)]
        }
        #expect(Array(image) == expected)
    }
}
