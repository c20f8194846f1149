import CDNNL

/// The resolved geometry of one transposed convolution, in oneDNN's (deconvolution) conventions.
///
/// Weights follow PyTorch's ConvTranspose: (I, O/groups, k...). oneDNN's deconvolution wants (O, I, k...), or
/// (G, O/G, I/G, k...) grouped; the two are the same memory seen with two axes swapped, so the weights are
/// never copied for the transposition: a permuted memory descriptor reads them in place (and a parameter adopts
/// the permuted form of the layout the primitive prefers).
struct TransposedConvolutionGeometry: Hashable {
    let source: [Int]
    let weights: [Int]
    let destination: [Int]
    let strides: [Int64]
    let dilates: [Int64]
    let paddingLeft: [Int64]
    let paddingRight: [Int64]
    let groups: Int
    let hasBias: Bool

    init(source: [Int], weights: [Int], hasBias: Bool, options: ConvolutionOptions, outputPadding: [Int], op: String)
        throws
    {
        let spatialCount = source.count - 2
        guard spatialCount == 2 || spatialCount == 3 else {
            throw TensorsError.invalidArgument(
                op: op, reason: "input \(source) must be (N, C, H, W) or (N, C, D, H, W)")
        }
        let groups = options.groups
        guard weights.count == source.count, groups >= 1, weights[0] == source[1], source[1] % groups == 0 else {
            throw TensorsError.shapeMismatch(op: "\(op) (channels, \(groups) groups)", lhs: source, rhs: weights)
        }
        let stride = try ConvolutionOptions.expand(options.stride, to: spatialCount, name: "stride", op: op)
        let padding = try ConvolutionOptions.expand(options.padding, to: spatialCount, name: "padding", op: op)
        let dilation = try ConvolutionOptions.expand(options.dilation, to: spatialCount, name: "dilation", op: op)
        let extra = try ConvolutionOptions.expand(outputPadding, to: spatialCount, name: "output padding", op: op)
        var destination = [source[0], weights[1] * groups]
        for axis in 0..<spatialCount {
            let (s, p, d, e) = (stride[axis], padding[axis], dilation[axis], extra[axis])
            let extent = (source[axis + 2] - 1) * s - 2 * p + d * (weights[axis + 2] - 1) + 1 + e
            guard s >= 1, d >= 1, p >= 0, e >= 0, e < max(s, d), extent >= 1 else {
                throw TensorsError.invalidArgument(
                    op: op,
                    reason: "stride \(stride), padding \(padding), dilation \(dilation), output padding \(extra) "
                        + "do not fit input \(source) and weights \(weights)")
            }
            destination.append(extent)
        }
        self.source = source
        self.weights = weights
        self.destination = destination
        strides = stride.map(Int64.init)
        dilates = dilation.map { Int64($0 - 1) }
        paddingLeft = padding.map(Int64.init)
        // Output padding adds rows at the end: oneDNN expresses it as less padding on the right.
        paddingRight = zip(padding, extra).map { Int64($0 - $1) }
        self.groups = groups
        self.hasBias = hasBias
    }

    var outputChannels: Int { destination[1] }

    /// The weights as the user holds them, split by group: (I, O, k...) or (G, I/G, O/G, k...).
    var userView: [Int] {
        groups == 1 ? weights : [groups, weights[0] / groups, weights[1]] + weights.dropFirst(2)
    }

    /// oneDNN's weights shape: (O, I, k...) or (G, O/G, I/G, k...).
    var engineWeights: [Int] {
        var shape = userView
        shape.swapAt(swappedAxes.0, swappedAxes.1)
        return shape
    }

    /// The two axes that differ between `userView` and `engineWeights`.
    var swappedAxes: (Int, Int) { groups == 1 ? (0, 1) : (1, 2) }

    /// `layout` with the two swapped axes exchanged: the same memory seen from the other side.
    func permuted(_ layout: MemoryDescriptor) throws -> MemoryDescriptor {
        var permutation = Array(Int32(0)..<Int32(layout.shape.count))
        permutation.swapAt(swappedAxes.0, swappedAxes.1)
        var source = layout.raw
        var result = dnnl_memory_desc_t()
        try check(
            dnnl_memory_desc_permute_axes(&result, &source, permutation), "transposed convolution weights", [weights])
        return MemoryDescriptor(raw: result)
    }

    var shapes: [[Int]] { [source, weights, destination] }
    var key: String { "\(source)|\(weights)|\(strides)|\(dilates)|\(paddingLeft)|\(paddingRight)|\(groups)|\(hasBias)" }
}

extension Tensor {
    /// Transposed convolution (PyTorch's ConvTranspose, the adjoint of `convolved`) of this (N, I, [D,] H, W)
    /// tensor with `weight` (I, O/groups, [kD,] kH, kW), plus `bias` (O).
    ///
    /// Each output extent is (in − 1)·stride − 2·padding + dilation·(k − 1) + 1 + outputPadding.
    ///
    /// - Parameters:
    ///   - outputPadding: extra rows at the far end of each axis (one entry per axis or one for all), smaller
    ///     than the stride or the dilation: picks among the sizes a strided convolution maps to the same size.
    /// - Returns: (N, O, [D',] H', W') in the layout the primitive prefers.
    /// - Throws: `TensorsError.shapeMismatch` when weights do not fit the input's channels,
    ///   `.invalidArgument` for a geometry without output.
    public func transposedConvolved(
        with weight: Tensor, bias: Tensor? = nil, options: ConvolutionOptions = ConvolutionOptions(),
        outputPadding: [Int] = [0]
    ) throws -> Tensor {
        let op = "transposed convolution"
        let geometry = try TransposedConvolutionGeometry(
            source: shape, weights: weight.shape, hasBias: bias != nil, options: options, outputPadding: outputPadding,
            op: op)
        if let bias, bias.shape != [geometry.outputChannels] {
            throw TensorsError.shapeMismatch(op: "\(op) bias", lhs: bias.shape, rhs: [geometry.outputChannels])
        }
        let training = Tensor.recording(self, weight) || (bias.map { Tensor.recording($0) } ?? false)
        let forward = try TransposedConvolutionPrimitives.forward(geometry, training: training)
        let source = try reordered(to: forward.memoryDescriptor(dnnl_query_src_md))
        let weightsLayout = forward.memoryDescriptor(dnnl_query_weights_md)
        if geometry.groups == 1, weight.producer == nil { try weight.adoptLayout(geometry.permuted(weightsLayout)) }
        let weights = try TransposedConvolutionPrimitives.engineWeights(
            weight, geometry: geometry, layout: weightsLayout)
        let output = Tensor(layout: forward.memoryDescriptor(dnnl_query_dst_md))
        var arguments = [(Argument.source, source), (Argument.weights, weights), (Argument.destination, output)]
        if let bias { arguments.append((Argument.bias, try bias.plain())) }
        try Engine.cpu.execute(forward, arguments, op: op, shapes: geometry.shapes)
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        let wantsSource = requiresGradient
        return output.recorded(as: op, from: inputs) { [unowned output] gradient in
            try TransposedConvolutionPrimitives.backward(
                gradient: try gradient.reordered(to: output.layout), source: source, weight: weight, forward: forward,
                geometry: geometry, wantsSource: wantsSource)
        }
    }
}

/// Creation and backward passes of deconvolution primitives.
enum TransposedConvolutionPrimitives {
    static let op = "transposed convolution"

    static func forward(_ geometry: TransposedConvolutionGeometry, training: Bool) throws -> Primitive {
        try Engine.cpu.primitive("deconv.fwd|\(geometry.key)|\(training)") {
            var source = MemoryDescriptor.any(geometry.source).raw
            var weights = MemoryDescriptor.any(geometry.engineWeights).raw
            var bias = MemoryDescriptor.plain([geometry.outputChannels]).raw
            var destination = MemoryDescriptor.any(geometry.destination).raw
            var descriptor = dnnl_deconvolution_desc_t()
            try withUnsafePointer(to: &bias) { bias in
                try check(
                    dnnl_dilated_deconvolution_forward_desc_init(
                        &descriptor, training ? dnnl_forward_training : dnnl_forward_inference,
                        dnnl_deconvolution_direct, &source, &weights, geometry.hasBias ? bias : nil, &destination,
                        geometry.strides, geometry.dilates, geometry.paddingLeft, geometry.paddingRight),
                    op, geometry.shapes)
            }
            return try Primitive(&descriptor, op: op, shapes: geometry.shapes)
        }
    }

    /// The user's weights (I, O/G, k...) in oneDNN's shape and the given layout.
    static func engineWeights(_ weight: Tensor, geometry: TransposedConvolutionGeometry, layout: MemoryDescriptor)
        throws -> Tensor
    {
        let view = geometry.groups == 1 ? weight : try weight.plain().view(as: geometry.userView)
        let transposed = Tensor(
            layout: try geometry.permuted(view.layout), storage: view.storage, offset: view.storageOffset)
        return try transposed.reordered(to: layout)
    }

    static func backward(
        gradient: Tensor, source: Tensor, weight: Tensor, forward: Primitive, geometry: TransposedConvolutionGeometry,
        wantsSource: Bool
    ) throws -> [Tensor?] {
        let weightsPrimitive = try backwardWeights(geometry, forward: forward)
        let engineGradient = Tensor(layout: weightsPrimitive.memoryDescriptor(dnnl_query_diff_weights_md))
        var arguments = [
            (Argument.source, try source.reordered(to: weightsPrimitive.memoryDescriptor(dnnl_query_src_md))),
            (
                Argument.diffDestination,
                try gradient.reordered(to: weightsPrimitive.memoryDescriptor(dnnl_query_diff_dst_md))
            ),
            (Argument.diffWeights, engineGradient),
        ]
        let biasGradient = geometry.hasBias ? Tensor(layout: .plain([geometry.outputChannels])) : nil
        if let biasGradient { arguments.append((Argument.diffBias, biasGradient)) }
        try Engine.cpu.execute(weightsPrimitive, arguments, op: op, shapes: geometry.shapes)
        let userGradient = Tensor(
            layout: try geometry.permuted(engineGradient.layout), storage: engineGradient.storage,
            offset: engineGradient.storageOffset)
        let weightGradient = geometry.groups == 1 ? userGradient : try userGradient.plain().view(as: geometry.weights)

        var sourceGradient: Tensor?
        if wantsSource {
            let dataPrimitive = try backwardData(geometry, forward: forward)
            let weights = try engineWeights(
                weight, geometry: geometry, layout: dataPrimitive.memoryDescriptor(dnnl_query_weights_md))
            let result = Tensor(layout: dataPrimitive.memoryDescriptor(dnnl_query_diff_src_md))
            try Engine.cpu.execute(
                dataPrimitive,
                [
                    (Argument.weights, weights),
                    (
                        Argument.diffDestination,
                        try gradient.reordered(to: dataPrimitive.memoryDescriptor(dnnl_query_diff_dst_md))
                    ),
                    (Argument.diffSource, result),
                ], op: op, shapes: geometry.shapes)
            sourceGradient = result
        }
        return [sourceGradient, weightGradient] + (geometry.hasBias ? [biasGradient] : [])
    }

    static func backwardData(_ geometry: TransposedConvolutionGeometry, forward: Primitive) throws -> Primitive {
        try Engine.cpu.primitive("deconv.bwd.data|\(geometry.key)") {
            var sourceGradient = MemoryDescriptor.any(geometry.source).raw
            var weights = MemoryDescriptor.any(geometry.engineWeights).raw
            var destinationGradient = MemoryDescriptor.any(geometry.destination).raw
            var descriptor = dnnl_deconvolution_desc_t()
            try check(
                dnnl_dilated_deconvolution_backward_data_desc_init(
                    &descriptor, dnnl_deconvolution_direct, &sourceGradient, &weights, &destinationGradient,
                    geometry.strides, geometry.dilates, geometry.paddingLeft, geometry.paddingRight),
                op, geometry.shapes)
            return try Primitive(&descriptor, hint: forward, op: op, shapes: geometry.shapes)
        }
    }

    static func backwardWeights(_ geometry: TransposedConvolutionGeometry, forward: Primitive) throws -> Primitive {
        try Engine.cpu.primitive("deconv.bwd.weights|\(geometry.key)") {
            var source = MemoryDescriptor.any(geometry.source).raw
            var weightsGradient = MemoryDescriptor.any(geometry.engineWeights).raw
            var biasGradient = MemoryDescriptor.plain([geometry.outputChannels]).raw
            var destinationGradient = MemoryDescriptor.any(geometry.destination).raw
            var descriptor = dnnl_deconvolution_desc_t()
            try withUnsafePointer(to: &biasGradient) { biasGradient in
                try check(
                    dnnl_dilated_deconvolution_backward_weights_desc_init(
                        &descriptor, dnnl_deconvolution_direct, &source, &weightsGradient,
                        geometry.hasBias ? biasGradient : nil, &destinationGradient,
                        geometry.strides, geometry.dilates, geometry.paddingLeft, geometry.paddingRight),
                    op, geometry.shapes)
            }
            return try Primitive(&descriptor, hint: forward, op: op, shapes: geometry.shapes)
        }
    }
}
