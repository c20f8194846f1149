import CDNNL

/// Elementwise functions computed by oneDNN's eltwise primitive (any layout), each with its backward.
extension Tensor {
    /// max(x, 0).
    public func relu() throws -> Tensor { try eltwise(.relu) }
    /// x for x > 0, `slope`·x otherwise.
    public func leakyReLU(slope: Float = 0.01) throws -> Tensor { try eltwise(.leakyReLU(slope)) }
    /// x for x > 0, `alpha`·(eˣ − 1) otherwise.
    public func elu(alpha: Float = 1) throws -> Tensor { try eltwise(.elu(alpha)) }
    /// 1 / (1 + e⁻ˣ).
    public func sigmoid() throws -> Tensor { try eltwise(.sigmoid) }
    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor { try eltwise(.tanh) }
    /// eˣ.
    public func exp() throws -> Tensor { try eltwise(.exp) }
    /// Natural logarithm (−inf at 0, NaN below).
    public func log() throws -> Tensor { try eltwise(.log) }
    /// xᵖ (for non-integer p, x must be positive).
    public func pow(_ exponent: Float) throws -> Tensor { try eltwise(.pow(exponent)) }
    /// x limited to [lower, upper]; the gradient is zero outside.
    public func clamped(_ lower: Float, _ upper: Float) throws -> Tensor { try eltwise(.clamp(lower, upper)) }
    /// `factor`·x + `offset`.
    public func scaled(by factor: Float, adding offset: Float = 0) throws -> Tensor {
        try eltwise(.linear(factor, offset))
    }
    /// |x|.
    public func abs() throws -> Tensor { try eltwise(.abs) }
    /// log(1 + eˣ), computed stably.
    public func softplus() throws -> Tensor { try eltwise(.softplus) }

    enum EltwiseFunction: Hashable {
        case relu, leakyReLU(Float), elu(Float), sigmoid, tanh, exp, log, pow(Float), clamp(Float, Float)
        case linear(Float, Float), abs, softplus

        /// oneDNN algorithm and its alpha/beta; `usesOutput` when backward reads the output instead of the input.
        var parameters: (algorithm: dnnl_alg_kind_t, alpha: Float, beta: Float, usesOutput: Bool) {
            switch self {
            case .relu: (dnnl_eltwise_relu_use_dst_for_bwd, 0, 0, true)
            case .leakyReLU(let slope): (dnnl_eltwise_relu, slope, 0, false)
            case .elu(let alpha): (dnnl_eltwise_elu_use_dst_for_bwd, alpha, 0, true)
            case .sigmoid: (dnnl_eltwise_logistic_use_dst_for_bwd, 0, 0, true)
            case .tanh: (dnnl_eltwise_tanh_use_dst_for_bwd, 0, 0, true)
            case .exp: (dnnl_eltwise_exp_use_dst_for_bwd, 0, 0, true)
            case .log: (dnnl_eltwise_log, 0, 0, false)
            case .pow(let exponent): (dnnl_eltwise_pow, 1, exponent, false)
            case .clamp(let lower, let upper): (dnnl_eltwise_clip, lower, upper, false)
            case .linear(let factor, let offset): (dnnl_eltwise_linear, factor, offset, false)
            case .abs: (dnnl_eltwise_abs, 0, 0, false)
            case .softplus: (dnnl_eltwise_soft_relu, 0, 0, false)
            }
        }
    }

    func eltwise(_ function: EltwiseFunction) throws -> Tensor {
        let (algorithm, alpha, beta, usesOutput) = function.parameters
        let op = "\(function)"
        let training = Tensor.recording(self)
        let key = "eltwise|\(algorithm.rawValue)|\(alpha)|\(beta)|\(training)|\(layout.key)"
        let forward = try Engine.cpu.primitive(key) {
            var data = layout.raw
            var descriptor = dnnl_eltwise_desc_t()
            try check(
                dnnl_eltwise_forward_desc_init(
                    &descriptor, training ? dnnl_forward_training : dnnl_forward_inference, algorithm, &data, alpha,
                    beta),
                op, [shape])
            return try Primitive(&descriptor, op: op, shapes: [shape])
        }
        let output = Tensor(layout: layout)
        try Engine.cpu.execute(
            forward, [(Argument.source, self), (Argument.destination, output)], op: op, shapes: [shape])
        // Keep only what backward reads: the output for *_use_dst algorithms, the input otherwise.
        let saved = usesOutput ? nil : self
        return output.recorded(as: op, from: [self]) { [unowned output] gradient in
            let data = saved ?? output
            let backward = try Engine.cpu.primitive("eltwise.bwd|\(key)") {
                var diff = data.layout.raw
                var dataLayout = data.layout.raw
                var descriptor = dnnl_eltwise_desc_t()
                try check(
                    dnnl_eltwise_backward_desc_init(&descriptor, algorithm, &diff, &dataLayout, alpha, beta), op,
                    [self.shape])
                return try Primitive(&descriptor, hint: forward, op: op, shapes: [self.shape])
            }
            let result = Tensor(layout: data.layout)
            try Engine.cpu.execute(
                backward,
                [
                    (usesOutput ? Argument.destination : Argument.source, data),
                    (Argument.diffDestination, try gradient.reordered(to: data.layout)),
                    (Argument.diffSource, result),
                ], op: op, shapes: [self.shape])
            return [result]
        }
    }
}
