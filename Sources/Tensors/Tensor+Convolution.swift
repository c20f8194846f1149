import CDNNL

/// Geometry of a 2D or 3D convolution; each list has one entry per spatial axis (D, H, W order), or a single
/// entry used for every axis.
public struct ConvolutionOptions: Sendable, Hashable {
    /// Step between output positions, in input pixels.
    public var stride: [Int]
    /// Zeros added before and after each spatial axis.
    public var padding: [Int]
    /// Spacing between kernel taps (1 = dense kernel).
    public var dilation: [Int]
    /// Channel groups: input and output channels are split into this many independent convolutions.
    public var groups: Int
    /// How oneDNN computes it.
    public var algorithm: ConvolutionAlgorithm

    public init(
        stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1,
        algorithm: ConvolutionAlgorithm = .direct
    ) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.algorithm = algorithm
    }

    /// `[value]` per axis expanded to `count` axes.
    static func expand(_ values: [Int], to count: Int, name: String, op: String) throws -> [Int] {
        if values.count == count { return values }
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        throw TensorsError.invalidArgument(op: op, reason: "\(name) \(values) needs 1 or \(count) entries")
    }
}

/// How a convolution is computed.
public enum ConvolutionAlgorithm: String, Sendable, Hashable, Codable {
    /// Direct convolution: exact up to Float32 summation order; every geometry.
    case direct
    /// Winograd F(4x4, 3x3): fewer multiplications for 3x3, stride-1, ungrouped 2D convolutions, slightly larger
    /// rounding error. Falls back to direct where oneDNN has no Winograd kernel.
    case winograd
}

/// An activation applied to a convolution's output inside the same oneDNN primitive.
public enum FusedActivation: Sendable, Hashable {
    case none
    case relu
}

/// The resolved geometry of one convolution call, in oneDNN's conventions.
struct ConvolutionGeometry: Hashable {
    let source: [Int]
    let weights: [Int]
    let destination: [Int]
    let strides: [Int64]
    /// oneDNN counts dilation from 0 (dense = 0).
    let dilates: [Int64]
    let padding: [Int64]
    let groups: Int
    let hasBias: Bool
    /// Winograd where asked for and the geometry allows it (2D 3x3, stride 1, no dilation, ungrouped).
    let algorithm: dnnl_alg_kind_t
    /// Whether the caller asked for Winograd (3D convolutions then run as 2D Winograd ones over depth slices
    /// where `DepthSlicedConvolution` applies).
    let requestsWinograd: Bool

    init(source: [Int], weights: [Int], hasBias: Bool, options: ConvolutionOptions, op: String) throws {
        let spatialCount = source.count - 2
        guard spatialCount == 2 || spatialCount == 3 else {
            throw TensorsError.invalidArgument(
                op: op, reason: "input \(source) must be (N, C, H, W) or (N, C, D, H, W)")
        }
        guard weights.count == source.count else {
            throw TensorsError.shapeMismatch(op: op, lhs: source, rhs: weights)
        }
        let groups = options.groups
        guard groups >= 1, source[1] % groups == 0, weights[0] % groups == 0, weights[1] * groups == source[1] else {
            throw TensorsError.shapeMismatch(op: "\(op) (channels, \(groups) groups)", lhs: source, rhs: weights)
        }
        let stride = try ConvolutionOptions.expand(options.stride, to: spatialCount, name: "stride", op: op)
        let padding = try ConvolutionOptions.expand(options.padding, to: spatialCount, name: "padding", op: op)
        let dilation = try ConvolutionOptions.expand(options.dilation, to: spatialCount, name: "dilation", op: op)
        guard stride.allSatisfy({ $0 >= 1 }), dilation.allSatisfy({ $0 >= 1 }), padding.allSatisfy({ $0 >= 0 }) else {
            throw TensorsError.invalidArgument(
                op: op, reason: "stride \(stride) and dilation \(dilation) must be >= 1, padding \(padding) >= 0")
        }
        var destination = [source[0], weights[0]]
        for axis in 0..<spatialCount {
            let span = (weights[axis + 2] - 1) * dilation[axis] + 1
            let extent = (source[axis + 2] + 2 * padding[axis] - span) / stride[axis] + 1
            guard source[axis + 2] + 2 * padding[axis] >= span, extent >= 1 else {
                throw TensorsError.invalidArgument(
                    op: op,
                    reason:
                        "kernel \(weights) with dilation \(dilation) does not fit input \(source) padded by \(padding)")
            }
            destination.append(extent)
        }
        self.source = source
        self.weights = weights
        self.destination = destination
        self.strides = stride.map(Int64.init)
        self.dilates = dilation.map { Int64($0 - 1) }
        self.padding = padding.map(Int64.init)
        self.groups = groups
        self.hasBias = hasBias
        let winogradShape =
            spatialCount == 2 && weights.suffix(2) == [3, 3] && stride == [1, 1] && dilation == [1, 1]
        let useWinograd = options.algorithm == .winograd && winogradShape && groups == 1
        self.algorithm = useWinograd ? dnnl_convolution_winograd : dnnl_convolution_direct
        self.requestsWinograd = options.algorithm == .winograd
    }

    /// The weights shape oneDNN expects: (G, O/G, I/G, k...) for grouped convolutions.
    var groupedWeights: [Int] {
        groups == 1 ? weights : [groups, weights[0] / groups] + weights.dropFirst()
    }

    /// Weights descriptor: "any" for ungrouped convolutions (the primitive picks), plain grouped view otherwise.
    var weightsDescriptor: MemoryDescriptor {
        groups == 1 ? .any(weights) : .plain(groupedWeights)
    }

    var shapes: [[Int]] { [source, weights, destination] }
    var key: String {
        "\(source)|\(weights)|\(strides)|\(dilates)|\(padding)|\(groups)|\(hasBias)|\(algorithm.rawValue)"
    }
}

extension Tensor {
    /// Convolution (cross-correlation, as in PyTorch) of this (N, C, [D,] H, W) tensor with `weight`
    /// (O, C/groups, [kD,] kH, kW), plus `bias` (O), optionally followed by a fused activation and then a
    /// dropout mask applied in place (dropout(relu(x)) = relu(dropout(x)), so this is also PyTorch's
    /// conv → dropout → ReLU). With ReLU, backward needs only the output, so the pair costs no extra memory.
    ///
    /// - Returns: (N, O, [D',] H', W') in the layout the primitive prefers.
    /// - Throws: `TensorsError.shapeMismatch` when channels or ranks do not fit, `.invalidArgument` for a kernel
    ///   larger than the padded input.
    public func convolved(
        with weight: Tensor, bias: Tensor? = nil, options: ConvolutionOptions = ConvolutionOptions(),
        activation: FusedActivation = .none, dropout: Dropout? = nil
    ) throws -> Tensor {
        let op = "convolution"
        let geometry = try ConvolutionGeometry(
            source: shape, weights: weight.shape, hasBias: bias != nil, options: options, op: op)
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorsError.shapeMismatch(op: "\(op) bias", lhs: bias.shape, rhs: [weight.shape[0]])
        }
        let training = Tensor.recording(self, weight) || (bias.map { Tensor.recording($0) } ?? false)
        if DepthSlicedConvolution.applies(to: geometry) {
            return try DepthSlicedConvolution(geometry).apply(
                to: self, weight: weight, bias: bias, activation: activation, dropout: dropout, training: training)
        }
        let forward = try ConvolutionPrimitives.forward(geometry, activation: activation, training: training)
        let source = try reordered(to: forward.memoryDescriptor(dnnl_query_src_md))
        let weights = try ConvolutionPrimitives.weights(
            weight, geometry: geometry, layout: forward.memoryDescriptor(dnnl_query_weights_md))
        let output = Tensor(layout: forward.memoryDescriptor(dnnl_query_dst_md))
        var arguments = [(Argument.source, source), (Argument.weights, weights), (Argument.destination, output)]
        if let bias { arguments.append((Argument.bias, try bias.reordered(to: .plain(bias.shape)))) }
        try Engine.cpu.execute(forward, arguments, op: op, shapes: geometry.shapes)
        dropout?.apply(output, into: output)
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        let wantsSource = requiresGradient
        // `unowned`: the node lives in `output.producer`, so `output` outlives every call of this closure.
        return output.recorded(as: op, from: inputs) { [unowned output] gradient in
            try ConvolutionPrimitives.backward(
                gradient: gradient, output: output, activation: activation, dropout: dropout, source: source,
                weight: weight,
                forward: forward, geometry: geometry, wantsSource: wantsSource)
        }
    }
}

/// Creation and backward passes of convolution primitives.
enum ConvolutionPrimitives {
    /// Whether this CPU has oneDNN's 2D Winograd kernels (AVX-512 machines; oneDNN 2.6 has none for AVX2):
    /// whether a small Winograd convolution can be made. Where it has none, convolutions asked for Winograd are
    /// direct ones.
    static let winogradAvailable: Bool = {
        let options = ConvolutionOptions(padding: [1], algorithm: .winograd)
        guard
            let geometry = try? ConvolutionGeometry(
                source: [1, 16, 8, 8], weights: [16, 16, 3, 3], hasBias: false, options: options, op: "probe")
        else { return false }
        return (try? forward(geometry, algorithm: dnnl_convolution_winograd, activation: .none, training: true)) != nil
    }()

    static func forward(_ geometry: ConvolutionGeometry, activation: FusedActivation, training: Bool) throws
        -> Primitive
    {
        let key = "conv.fwd|\(geometry.key)|\(activation)|\(training)"
        return try Engine.cpu.primitive(key) {
            if geometry.algorithm == dnnl_convolution_winograd,
                let winograd = try? forward(
                    geometry, algorithm: dnnl_convolution_winograd, activation: activation, training: training)
            {
                return winograd
            }
            return try forward(geometry, algorithm: dnnl_convolution_direct, activation: activation, training: training)
        }
    }

    private static func forward(
        _ geometry: ConvolutionGeometry, algorithm: dnnl_alg_kind_t, activation: FusedActivation, training: Bool
    ) throws -> Primitive {
        var source = MemoryDescriptor.any(geometry.source).raw
        var weights = geometry.weightsDescriptor.raw
        var bias = MemoryDescriptor.plain([geometry.weights[0]]).raw
        var destination = MemoryDescriptor.any(geometry.destination).raw
        var descriptor = dnnl_convolution_desc_t()
        // For inference oneDNN 2.6 picks its Winograd F(2x2, 3x3) kernel, which ran the 512x512 U-Net 20% slower
        // here than the F(4x4, 3x3) one it uses for training; asking for training gets the faster kernel.
        let training = training || algorithm == dnnl_convolution_winograd
        try withUnsafePointer(to: &bias) { bias in
            try check(
                dnnl_dilated_convolution_forward_desc_init(
                    &descriptor, training ? dnnl_forward_training : dnnl_forward_inference,
                    algorithm, &source, &weights, geometry.hasBias ? bias : nil, &destination,
                    geometry.strides, geometry.dilates, geometry.padding, geometry.padding),
                "convolution", geometry.shapes)
        }
        let postOps: [(dnnl_alg_kind_t, Float)] = activation == .relu ? [(dnnl_eltwise_relu, Float(0))] : []
        return try Primitive(&descriptor, postOps: postOps, op: "convolution", shapes: geometry.shapes)
    }

    /// The algorithm a forward convolution primitive was made with (its backward passes use the same).
    static func algorithm(of forward: Primitive) -> dnnl_alg_kind_t {
        var descriptor: UnsafeRawPointer?
        guard dnnl_primitive_desc_query(forward.descriptor, dnnl_query_convolution_d, 0, &descriptor) == dnnl_success,
            let descriptor
        else { return dnnl_convolution_direct }
        return descriptor.assumingMemoryBound(to: dnnl_convolution_desc_t.self).pointee.alg_kind
    }

    /// The weights in the layout the primitive wants. Ungrouped parameters adopt that layout once, so later
    /// steps need no reorder.
    static func weights(_ weight: Tensor, geometry: ConvolutionGeometry, layout: MemoryDescriptor) throws -> Tensor {
        if geometry.groups == 1 {
            if weight.producer == nil {
                try weight.adoptLayout(layout)
                return weight
            }
            return try weight.reordered(to: layout)
        }
        return try weight.plain().view(as: geometry.groupedWeights)
    }

    static func backward(
        gradient: Tensor, output: Tensor, activation: FusedActivation, dropout: Dropout?, source: Tensor,
        weight: Tensor,
        forward: Primitive, geometry: ConvolutionGeometry, wantsSource: Bool
    ) throws -> [Tensor?] {
        let op = "convolution backward"
        let outputGradient = try activationGradient(gradient, output: output, activation: activation, dropout: dropout)

        let weightsPrimitive = try backwardWeights(geometry, forward: forward)
        let weightGradient = Tensor(layout: weightsPrimitive.memoryDescriptor(dnnl_query_diff_weights_md))
        var arguments = [
            (Argument.source, try source.reordered(to: weightsPrimitive.memoryDescriptor(dnnl_query_src_md))),
            (
                Argument.diffDestination,
                try outputGradient.reordered(to: weightsPrimitive.memoryDescriptor(dnnl_query_diff_dst_md))
            ),
            (Argument.diffWeights, weightGradient),
        ]
        var biasGradient: Tensor?
        if geometry.hasBias {
            let bias = Tensor(layout: .plain([geometry.weights[0]]))
            arguments.append((Argument.diffBias, bias))
            biasGradient = bias
        }
        try Engine.cpu.execute(weightsPrimitive, arguments, op: op, shapes: geometry.shapes)

        var sourceGradient: Tensor?
        if wantsSource {
            let dataPrimitive = try backwardData(geometry, forward: forward)
            let weights = try ConvolutionPrimitives.weightsView(weight, geometry: geometry)
                .reordered(to: dataPrimitive.memoryDescriptor(dnnl_query_weights_md))
            let result = Tensor(layout: dataPrimitive.memoryDescriptor(dnnl_query_diff_src_md))
            try Engine.cpu.execute(
                dataPrimitive,
                [
                    (Argument.weights, weights),
                    (
                        Argument.diffDestination,
                        try outputGradient.reordered(to: dataPrimitive.memoryDescriptor(dnnl_query_diff_dst_md))
                    ),
                    (Argument.diffSource, result),
                ], op: op, shapes: geometry.shapes)
            sourceGradient = result
        }
        let weightResult = geometry.groups == 1 ? weightGradient : try weightGradient.plain().view(as: geometry.weights)
        return [sourceGradient, weightResult] + (geometry.hasBias ? [biasGradient] : [])
    }

    /// The gradient at the convolution's own output, from the gradient after activation and dropout.
    /// After ReLU an element is positive exactly where it was kept and the ReLU passed it, so the output alone
    /// gives the mask.
    static func activationGradient(
        _ gradient: Tensor, output: Tensor, activation: FusedActivation, dropout: Dropout?
    ) throws -> Tensor {
        let outputGradient = try gradient.reordered(to: output.layout)
        switch (activation, dropout) {
        case (.none, nil):
            return outputGradient
        case (.none, let dropout?):
            let result = Tensor(layout: output.layout)
            dropout.apply(outputGradient, into: result)
            return result
        case (.relu, let dropout):
            let scale = dropout?.scale ?? 1
            return StorageKernels.reluGradient(outputGradient, output: output, scale: scale)
        }
    }

    /// The weight tensor with oneDNN's weights shape (grouped view when groups > 1), any layout.
    static func weightsView(_ weight: Tensor, geometry: ConvolutionGeometry) throws -> Tensor {
        geometry.groups == 1 ? weight : try weight.plain().view(as: geometry.groupedWeights)
    }

    static func backwardData(_ geometry: ConvolutionGeometry, forward: Primitive) throws -> Primitive {
        let algorithm = algorithm(of: forward)
        return try Engine.cpu.primitive("conv.bwd.data|\(geometry.key)|\(algorithm.rawValue)") {
            var sourceGradient = MemoryDescriptor.any(geometry.source).raw
            var weights = MemoryDescriptor.any(geometry.groupedWeights).raw
            var destinationGradient = MemoryDescriptor.any(geometry.destination).raw
            var descriptor = dnnl_convolution_desc_t()
            try check(
                dnnl_dilated_convolution_backward_data_desc_init(
                    &descriptor, algorithm, &sourceGradient, &weights, &destinationGradient,
                    geometry.strides, geometry.dilates, geometry.padding, geometry.padding),
                "convolution backward", geometry.shapes)
            return try Primitive(&descriptor, hint: forward, op: "convolution backward", shapes: geometry.shapes)
        }
    }

    static func backwardWeights(_ geometry: ConvolutionGeometry, forward: Primitive) throws -> Primitive {
        let algorithm = algorithm(of: forward)
        return try Engine.cpu.primitive("conv.bwd.weights|\(geometry.key)|\(algorithm.rawValue)") {
            var source = MemoryDescriptor.any(geometry.source).raw
            var weightsGradient = MemoryDescriptor.any(geometry.groupedWeights).raw
            var biasGradient = MemoryDescriptor.plain([geometry.weights[0]]).raw
            var destinationGradient = MemoryDescriptor.any(geometry.destination).raw
            var descriptor = dnnl_convolution_desc_t()
            try withUnsafePointer(to: &biasGradient) { biasGradient in
                try check(
                    dnnl_dilated_convolution_backward_weights_desc_init(
                        &descriptor, algorithm, &source, &weightsGradient,
                        geometry.hasBias ? biasGradient : nil, &destinationGradient,
                        geometry.strides, geometry.dilates, geometry.padding, geometry.padding),
                    "convolution backward", geometry.shapes)
            }
            return try Primitive(&descriptor, hint: forward, op: "convolution backward", shapes: geometry.shapes)
        }
    }
}
