import CDNNL

/// Max and average pooling over the spatial axes of (N, C, [D,] H, W) tensors.
public enum PoolingKind: String, Sendable, Hashable {
    case max
    /// Average over the window, padding excluded from the count (PyTorch's count_include_pad=False).
    case average

    var algorithm: dnnl_alg_kind_t { self == .max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding }
}

extension Tensor {
    /// Pools windows of `kernel` pixels taken every `stride` pixels (default: `kernel`), after `padding`.
    /// Each list has one entry per spatial axis or a single entry for all.
    ///
    /// - Returns: (N, C, [D',] H', W') with D' = (D + 2·pad − kernel) / stride + 1 (floor), in the input's layout.
    public func pooled(
        _ kind: PoolingKind, kernel: [Int], stride: [Int]? = nil, padding: [Int] = [0]
    ) throws -> Tensor {
        let op = "\(kind.rawValue) pooling"
        let spatialCount = shape.count - 2
        guard spatialCount == 2 || spatialCount == 3 else {
            throw TensorsError.invalidArgument(op: op, reason: "input \(shape) must be (N, C, H, W) or (N, C, D, H, W)")
        }
        let kernel = try ConvolutionOptions.expand(kernel, to: spatialCount, name: "kernel", op: op)
        let stride = try ConvolutionOptions.expand(stride ?? kernel, to: spatialCount, name: "stride", op: op)
        let padding = try ConvolutionOptions.expand(padding, to: spatialCount, name: "padding", op: op)
        var outputShape = Array(shape.prefix(2))
        for axis in 0..<spatialCount {
            let padded = shape[axis + 2] + 2 * padding[axis]
            guard kernel[axis] >= 1, stride[axis] >= 1, padding[axis] >= 0, padding[axis] < kernel[axis],
                padded >= kernel[axis]
            else {
                throw TensorsError.invalidArgument(
                    op: op, reason: "kernel \(kernel), stride \(stride), padding \(padding) do not fit input \(shape)")
            }
            outputShape.append((padded - kernel[axis]) / stride[axis] + 1)
        }
        let shapes = [shape, outputShape]
        // oneDNN pools standard layouts with JIT kernels but others (depth-major 3D activations) with a slow
        // reference kernel, so those are reordered first.
        let source = try reordered(to: MemoryDescriptor.like(layout, shape: shape))
        let geometry = (kernel.map(Int64.init), stride.map(Int64.init), padding.map(Int64.init))
        let dilation = [Int64](repeating: 0, count: spatialCount)
        let training = Tensor.recording(self)
        let key = "pool|\(kind)|\(training)|\(source.layout.key)|\(kernel)|\(stride)|\(padding)"
        let forward = try Engine.cpu.primitive(key) {
            var sourceRaw = source.layout.raw
            var destination = MemoryDescriptor.any(outputShape).raw
            var descriptor = dnnl_pooling_v2_desc_t()
            try check(
                dnnl_pooling_v2_forward_desc_init(
                    &descriptor, training ? dnnl_forward_training : dnnl_forward_inference, kind.algorithm, &sourceRaw,
                    &destination, geometry.1, geometry.0, dilation, geometry.2, geometry.2),
                op, shapes)
            return try Primitive(&descriptor, op: op, shapes: shapes)
        }
        let output = Tensor(layout: forward.memoryDescriptor(dnnl_query_dst_md))
        var arguments = [(Argument.source, source), (Argument.destination, output)]
        let workspaceLayout = forward.memoryDescriptor(dnnl_query_workspace_md)
        let workspace = workspaceLayout.byteCount > 0 ? Tensor(workspace: workspaceLayout) : nil
        if let workspace { arguments.append((Argument.workspace, workspace)) }
        try Engine.cpu.execute(forward, arguments, op: op, shapes: shapes)
        let sourceLayout = source.layout
        return output.recorded(as: op, from: [self]) { [unowned output] gradient in
            let backward = try Engine.cpu.primitive("pool.bwd|\(key)") {
                var sourceGradient = sourceLayout.raw
                var destinationGradient = output.layout.raw
                var descriptor = dnnl_pooling_v2_desc_t()
                try check(
                    dnnl_pooling_v2_backward_desc_init(
                        &descriptor, kind.algorithm, &sourceGradient, &destinationGradient, geometry.1, geometry.0,
                        dilation, geometry.2, geometry.2),
                    op, shapes)
                return try Primitive(&descriptor, hint: forward, op: op, shapes: shapes)
            }
            let result = Tensor(layout: sourceLayout)
            var arguments = [
                (Argument.diffDestination, try gradient.reordered(to: output.layout)), (Argument.diffSource, result),
            ]
            if let workspace { arguments.append((Argument.workspace, workspace)) }
            try Engine.cpu.execute(backward, arguments, op: op, shapes: shapes)
            return [result]
        }
    }
}

extension Tensor {
    /// Storage for a primitive's workspace (it need not hold Float32; only its byte size matters).
    convenience init(workspace layout: MemoryDescriptor) {
        self.init(layout: layout, storage: TensorStorage(byteCount: layout.byteCount))
    }
}
