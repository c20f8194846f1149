import CDNNL

/// A 3D convolution with a (kD, 3, 3) kernel, stride 1, "same" padding and no groups, computed as kD 2D
/// Winograd convolutions over depth slices: out[z] = Σₜ conv2d(in[z + t − kD/2], weight[:, :, t]).
///
/// oneDNN has Winograd kernels for 2D only; on the 3D U-Net's convolutions this does fewer multiplications
/// than direct 3D convolution. It is used only where those kernels exist (`ConvolutionPrimitives.winogradAvailable`,
/// AVX-512 machines): elsewhere the nChw16c slices would get oneDNN's reference convolution, measured over 100
/// times slower than a direct 3D convolution on a 2-core AVX2 machine. Activations are kept depth-major
/// (`MemoryDescriptor.depthMajor`), whose storage is a batch of N·D nChw16c images, so every tap is one 2D call
/// on a contiguous range of slices: the centre tap writes the output (with the bias), the others add to it
/// (oneDNN's sum post-op).
struct DepthSlicedConvolution {
    let geometry: ConvolutionGeometry
    let (batch, inputChannels, outputChannels, depth, height, width): (Int, Int, Int, Int, Int, Int)
    let kernelDepth: Int

    init(_ geometry: ConvolutionGeometry) {
        self.geometry = geometry
        let source = geometry.source
        (batch, inputChannels, depth, height, width) = (source[0], source[1], source[2], source[3], source[4])
        outputChannels = geometry.weights[0]
        kernelDepth = geometry.weights[2]
    }

    static func applies(to geometry: ConvolutionGeometry) -> Bool {
        guard geometry.requestsWinograd, geometry.source.count == 5, geometry.groups == 1,
            ConvolutionPrimitives.winogradAvailable
        else { return false }
        let kernel = geometry.weights.suffix(3)
        let (kernelDepth, padding) = (kernel[kernel.startIndex], geometry.padding)
        // Every tap must reach at least one slice (a thin volume with a deep kernel uses direct convolution).
        return kernel.dropFirst() == [3, 3] && kernelDepth % 2 == 1 && geometry.source[2] > kernelDepth / 2
            && padding == [Int64(kernelDepth / 2), 1, 1]
            && geometry.strides.allSatisfy { $0 == 1 } && geometry.dilates.allSatisfy { $0 == 0 }
    }

    /// Depth shift of tap `t`: output slice z reads input slice z + shift.
    private func shift(_ tap: Int) -> Int { tap - kernelDepth / 2 }
    private var centre: Int { kernelDepth / 2 }
    /// The centre tap first: it covers every output slice, so it initialises what the other taps add to.
    private var tapOrder: [Int] { [centre] + (0..<kernelDepth).filter { $0 != centre } }

    /// Output slices [first, first + count) of tap `t` (per image), reading input slices shifted by `shift(t)`.
    private func outputRange(_ tap: Int) -> Range<Int> { max(0, -shift(tap))..<min(depth, depth - shift(tap)) }

    private func sliceLayout(channels: Int, count: Int) -> MemoryDescriptor {
        .make([count, channels, height, width], tag: dnnl_nChw16c)
    }

    /// Elements of one depth slice with `channels` channels (padded to 16).
    private func sliceElements(channels: Int) -> Int { (channels + 15) / 16 * 16 * height * width }

    /// `count` slices of `tensor` (a depth-major activation viewed as slices) starting at slice `first`.
    private func slices(of tensor: Tensor, channels: Int, first: Int, count: Int) -> Tensor {
        Tensor(
            layout: sliceLayout(channels: channels, count: count), storage: tensor.storage,
            offset: tensor.storageOffset + first * sliceElements(channels: channels))
    }

    func apply(
        to input: Tensor, weight: Tensor, bias: Tensor?, activation: FusedActivation, dropout: Dropout?, training: Bool
    ) throws -> Tensor {
        let source = try input.reordered(to: .depthMajor(input.shape))
        let output = Tensor(layout: .depthMajor(geometry.destination))
        let taps = try tapWeights(weight)
        for tap in tapOrder {
            let range = outputRange(tap)
            // The centre tap covers every slice of every image in one call; the others stay inside each image.
            let calls =
                tap == centre ? [(0, batch * depth)] : (0..<batch).map { ($0 * depth + range.lowerBound, range.count) }
            for (first, count) in calls {
                let primitive = try forwardPrimitive(count: count, centre: tap == centre, training: training)
                var arguments = [
                    (
                        Argument.source,
                        slices(of: source, channels: inputChannels, first: first + shift(tap), count: count)
                    ),
                    (Argument.weights, try taps[tap].reordered(to: primitive.memoryDescriptor(dnnl_query_weights_md))),
                    (Argument.destination, slices(of: output, channels: outputChannels, first: first, count: count)),
                ]
                if tap == centre, let bias { arguments.append((Argument.bias, try bias.plain())) }
                try Engine.cpu.execute(primitive, arguments, op: "convolution", shapes: geometry.shapes)
            }
        }
        if activation == .relu { output.clampNegativesToZero() }
        dropout?.apply(output, into: output)
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let wantsSource = input.requiresGradient
        return output.recorded(as: "convolution", from: inputs) { [unowned output] gradient in
            let outputGradient = try ConvolutionPrimitives.activationGradient(
                gradient, output: output, activation: activation, dropout: dropout)
            return try backward(
                outputGradient, source: source, taps: taps, wantsSource: wantsSource, hasBias: bias != nil)
        }
    }

    /// weight[:, :, t] for each depth tap, as (O, I, 3, 3) views of the plain weight (no copy).
    private func tapWeights(_ weight: Tensor) throws -> [Tensor] {
        let plain = try weight.plain()
        return (0..<kernelDepth).map { tapView(of: plain, tap: $0) }
    }

    /// Tap `tap` of a plain (O, I, kD, 3, 3) tensor as a strided (O, I, 3, 3) view of its storage.
    private func tapView(of plain: Tensor, tap: Int) -> Tensor {
        var raw = dnnl_memory_desc_t()
        let dims: [dnnl_dim_t] = [outputChannels, inputChannels, 3, 3].map { dnnl_dim_t($0) }
        let strides: [dnnl_dim_t] = [inputChannels * kernelDepth * 9, kernelDepth * 9, 3, 1].map { dnnl_dim_t($0) }
        // Valid by construction: positive dims, strides of a sub-array of a dense tensor.
        let status = dnnl_memory_desc_init_by_strides(&raw, 4, dims, dnnl_f32, strides)
        precondition(status == dnnl_success, "tap view of \(geometry.weights)")
        return Tensor(layout: MemoryDescriptor(raw: raw), storage: plain.storage, offset: plain.storageOffset + tap * 9)
    }

    private func backward(
        _ outputGradient: Tensor, source: Tensor, taps: [Tensor], wantsSource: Bool, hasBias: Bool
    ) throws -> [Tensor?] {
        let weightGradient = Tensor(layout: .plain(geometry.weights))
        var biasGradient: Tensor?
        let sourceGradient = wantsSource ? Tensor(layout: source.layout) : nil
        for tap in tapOrder {
            let range = outputRange(tap)
            let calls =
                tap == centre ? [(0, batch * depth)] : (0..<batch).map { ($0 * depth + range.lowerBound, range.count) }
            var tapGradient: Tensor?
            for (first, count) in calls {
                let gradientSlices = slices(of: outputGradient, channels: outputChannels, first: first, count: count)
                let inputSlices = slices(of: source, channels: inputChannels, first: first + shift(tap), count: count)
                let (weights, bias) = try weightGradients(
                    inputSlices, gradientSlices, count: count, withBias: hasBias && tap == centre)
                tapGradient = try tapGradient.map { try $0.adding(weights) } ?? weights
                if let bias { biasGradient = bias }
                if let sourceGradient {
                    let target = slices(
                        of: sourceGradient, channels: inputChannels, first: first + shift(tap), count: count)
                    try dataGradient(
                        gradientSlices, weights: taps[tap], count: count, into: target, accumulate: tap != centre)
                }
            }
            // Every tap fills its own disjoint part of the (O, I, kD, 3, 3) gradient.
            try tapGradient?.copy(into: tapView(of: weightGradient, tap: tap))
        }
        return [sourceGradient, weightGradient] + (hasBias ? [biasGradient] : [])
    }

    private func weightGradients(
        _ input: Tensor, _ gradient: Tensor, count: Int, withBias: Bool
    ) throws -> (weights: Tensor, bias: Tensor?) {
        let primitive = try backwardWeightsPrimitive(count: count, withBias: withBias)
        let weights = Tensor(layout: primitive.memoryDescriptor(dnnl_query_diff_weights_md))
        var arguments = [
            (Argument.source, input), (Argument.diffDestination, gradient), (Argument.diffWeights, weights),
        ]
        let bias = withBias ? Tensor(layout: .plain([outputChannels])) : nil
        if let bias { arguments.append((Argument.diffBias, bias)) }
        try Engine.cpu.execute(primitive, arguments, op: "convolution backward", shapes: geometry.shapes)
        return (weights, bias)
    }

    /// The input gradient of one tap into `target` (slices of the source gradient), added to what is there when
    /// `accumulate`.
    private func dataGradient(_ gradient: Tensor, weights: Tensor, count: Int, into target: Tensor, accumulate: Bool)
        throws
    {
        let primitive = try backwardDataPrimitive(count: count)
        let result = accumulate ? Tensor(layout: target.layout) : target
        try Engine.cpu.execute(
            primitive,
            [
                (Argument.weights, try weights.reordered(to: primitive.memoryDescriptor(dnnl_query_weights_md))),
                (Argument.diffDestination, gradient), (Argument.diffSource, result),
            ], op: "convolution backward", shapes: geometry.shapes)
        if accumulate { target.add(result) }
    }

    // MARK: Primitives (2D, over `count` slices)

    private func descriptorShapes(count: Int) -> (source: MemoryDescriptor, destination: MemoryDescriptor) {
        (sliceLayout(channels: inputChannels, count: count), sliceLayout(channels: outputChannels, count: count))
    }

    private var tapWeightsShape: [Int] { [outputChannels, inputChannels, 3, 3] }
    private var key: String { "\(inputChannels)|\(outputChannels)|\(height)|\(width)" }

    private func forwardPrimitive(count: Int, centre: Bool, training: Bool) throws -> Primitive {
        let hasBias = centre && geometry.hasBias
        return try Engine.cpu.primitive("conv.sliced.fwd|\(key)|\(count)|\(centre)|\(hasBias)|\(training)") {
            let (source, destination) = descriptorShapes(count: count)
            // As in `ConvolutionPrimitives.forward`: training propagation gets the faster Winograd kernel.
            let propagation = { (algorithm: dnnl_alg_kind_t) in
                training || algorithm == dnnl_convolution_winograd ? dnnl_forward_training : dnnl_forward_inference
            }
            let make = { (algorithm: dnnl_alg_kind_t) throws -> Primitive in
                var (sourceRaw, destinationRaw) = (source.raw, destination.raw)
                var weights = MemoryDescriptor.any(tapWeightsShape).raw
                var bias = MemoryDescriptor.plain([outputChannels]).raw
                var descriptor = dnnl_convolution_desc_t()
                try withUnsafePointer(to: &bias) { bias in
                    try check(
                        dnnl_convolution_forward_desc_init(
                            &descriptor, propagation(algorithm), algorithm,
                            &sourceRaw, &weights, hasBias ? bias : nil, &destinationRaw, [1, 1], [1, 1], [1, 1]),
                        "convolution", geometry.shapes)
                }
                return try Primitive(&descriptor, accumulates: !centre, op: "convolution", shapes: geometry.shapes)
            }
            return try (try? make(dnnl_convolution_winograd)) ?? make(dnnl_convolution_direct)
        }
    }

    private func backwardDataPrimitive(count: Int) throws -> Primitive {
        let hint = try forwardPrimitive(count: count, centre: true, training: true)
        let algorithm = ConvolutionPrimitives.algorithm(of: hint)
        return try Engine.cpu.primitive("conv.sliced.bwd.data|\(key)|\(count)|\(algorithm.rawValue)") {
            var (source, destination) = descriptorShapes(count: count)
            var weights = MemoryDescriptor.any(tapWeightsShape).raw
            var descriptor = dnnl_convolution_desc_t()
            try check(
                dnnl_convolution_backward_data_desc_init(
                    &descriptor, algorithm, &source.raw, &weights, &destination.raw, [1, 1], [1, 1], [1, 1]),
                "convolution backward", geometry.shapes)
            return try Primitive(&descriptor, hint: hint, op: "convolution backward", shapes: geometry.shapes)
        }
    }

    private func backwardWeightsPrimitive(count: Int, withBias: Bool) throws -> Primitive {
        let hint = try forwardPrimitive(count: count, centre: true, training: true)
        let algorithm = ConvolutionPrimitives.algorithm(of: hint)
        return try Engine.cpu.primitive("conv.sliced.bwd.weights|\(key)|\(count)|\(withBias)|\(algorithm.rawValue)") {
            var (source, destination) = descriptorShapes(count: count)
            var weights = MemoryDescriptor.any(tapWeightsShape).raw
            var bias = MemoryDescriptor.plain([outputChannels]).raw
            var descriptor = dnnl_convolution_desc_t()
            try withUnsafePointer(to: &bias) { bias in
                try check(
                    dnnl_convolution_backward_weights_desc_init(
                        &descriptor, algorithm, &source.raw, &weights, withBias ? bias : nil, &destination.raw,
                        [1, 1], [1, 1], [1, 1]),
                    "convolution backward", geometry.shapes)
            }
            return try Primitive(&descriptor, hint: hint, op: "convolution backward", shapes: geometry.shapes)
        }
    }
}

extension Tensor {
    /// max(x, 0) in place, over storage (padding stays zero).
    func clampNegativesToZero() {
        let values = UncheckedSendable(storageFloats.baseAddress!)
        StorageKernels.forEachChunk(storageCount) { range in
            for index in range { values.value[index] = Swift.max(values.value[index], 0) }
        }
    }

    /// self += other, over storage; both in the same layout.
    func add(_ other: Tensor) {
        precondition(other.layout == layout, "in-place add needs equal layouts")
        let (target, source) = (
            UncheckedSendable(storageFloats.baseAddress!),
            UncheckedSendable(UnsafePointer(other.storageFloats.baseAddress!))
        )
        StorageKernels.forEachChunk(storageCount) { range in
            for index in range { target.value[index] += source.value[index] }
        }
    }
}
