import CDNNL

/// Softmax and log-softmax over the channel axis, computed by oneDNN's softmax (v2) primitive in the input's
/// layout, each with its backward.
extension Tensor {
    /// softmax(x)_c = e^(x_c) / Σ_k e^(x_k) over axis 1 (channels) of an (N, C, ...) tensor, at every other index.
    ///
    /// - Returns: the same shape, values in (0, 1) summing to 1 over channels, in the input's layout.
    /// - Throws: `TensorsError.invalidArgument` for a tensor of rank 1.
    public func softmax() throws -> Tensor { try softmax(log: false) }

    /// log softmax(x)_c = x_c − log Σ_k e^(x_k) over axis 1 (channels), computed stably.
    ///
    /// - Returns: the same shape, values ≤ 0, in the input's layout.
    /// - Throws: `TensorsError.invalidArgument` for a tensor of rank 1.
    public func logSoftmax() throws -> Tensor { try softmax(log: true) }

    private func softmax(log: Bool) throws -> Tensor {
        let op = log ? "log-softmax" : "softmax"
        guard shape.count >= 2 else {
            throw TensorsError.invalidArgument(op: op, reason: "input \(shape) has no channel axis (axis 1)")
        }
        let algorithm = log ? dnnl_softmax_log : dnnl_softmax_accurate
        let shape = self.shape
        let training = Tensor.recording(self)
        // Blocked layouts other than channel blocks (rare) go through plain memory.
        let source = layout.channelBlocking != nil ? self : try plain()
        let data = source.layout
        let key = "softmax|\(log)|\(training)|\(data.key)"
        let forward = try Engine.cpu.primitive(key) {
            var sourceLayout = data.raw
            var destinationLayout = data.raw
            var descriptor = dnnl_softmax_v2_desc_t()
            try check(
                dnnl_softmax_v2_forward_desc_init(
                    &descriptor, training ? dnnl_forward_training : dnnl_forward_inference, algorithm,
                    &sourceLayout, &destinationLayout, 1),
                op, [shape])
            return try Primitive(&descriptor, op: op, shapes: [shape])
        }
        let output = Tensor(layout: data)
        try Engine.cpu.execute(forward, [(Argument.source, source), (Argument.destination, output)], op: op, shapes: [shape])
        return output.recorded(as: op, from: [self]) { [unowned output] gradient in
            let backward = try Engine.cpu.primitive("softmax.bwd|\(key)") {
                var sourceGradient = data.raw
                var destinationGradient = data.raw
                var destinationLayout = data.raw
                var descriptor = dnnl_softmax_v2_desc_t()
                try check(
                    dnnl_softmax_v2_backward_desc_init(
                        &descriptor, algorithm, &sourceGradient, &destinationGradient, &destinationLayout, 1),
                    op, [shape])
                return try Primitive(&descriptor, hint: forward, op: op, shapes: [shape])
            }
            let result = Tensor(layout: data)
            try Engine.cpu.execute(
                backward,
                [
                    (Argument.destination, output),
                    (Argument.diffDestination, try gradient.reordered(to: data)),
                    (Argument.diffSource, result),
                ], op: op, shapes: [shape])
            return [result]
        }
    }
}
