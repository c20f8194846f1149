/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay
/// (PyTorch's `torch.optim.SGD` with dampening 0):
///
///     d = g + weightDecay · p
///     b = momentum · b + d          (b = d on a parameter's first update)
///     d = nesterov ? d + momentum · b : b          (when momentum ≠ 0)
///     p = p − learningRate · d
public final class SGD: Optimizer {
    public let parameters: NamedParameters
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    private var buffers: OptimizerBuffers
    private var stepCount = 0

    /// - Parameters:
    ///   - learningRate: step size, ≥ 0.
    ///   - momentum: momentum factor in [0, 1); 0 disables the momentum buffer.
    ///   - weightDecay: L2 penalty added to the gradient, ≥ 0.
    ///   - nesterov: Nesterov momentum (needs momentum > 0).
    /// - Throws: `TensorsError.invalidArgument` for duplicate names or out-of-range hyperparameters.
    public init(
        parameters: NamedParameters, learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
        nesterov: Bool = false
    ) throws {
        try validateNames(parameters, op: "SGD")
        try validate(learningRate, "the learning rate", in: 0...Float.greatestFiniteMagnitude, op: "SGD")
        try validate(momentum, "momentum", in: 0...1, op: "SGD")
        try validate(weightDecay, "weight decay", in: 0...Float.greatestFiniteMagnitude, op: "SGD")
        guard !nesterov || momentum > 0 else {
            throw TensorsError.invalidArgument(op: "SGD", reason: "Nesterov momentum needs a momentum above 0")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = OptimizerBuffers(parameterCount: parameters.count, names: ["momentum_buffer"])
    }

    public func step() throws {
        try withoutGradients {
            stepCount += 1
            for (index, parameter) in parameters.enumerated() {
                guard let gradient = parameter.tensor.gradient else { continue }
                try update(parameter.tensor, gradient: gradient, index: index)
            }
        }
    }

    private func update(_ parameter: Tensor, gradient: Tensor, index: Int) throws {
        let g = try gradient.reordered(to: parameter.layout)
        _ = buffers.countStep(at: index)
        let (lr, decay, mu) = (learningRate, weightDecay, momentum)
        guard mu != 0 else {
            withExtendedLifetime(g) {
                let (p, d) = (parameter.storageFloats.baseAddress!, g.storageFloats.baseAddress!)
                StorageKernels.forEachChunk(parameter.storageCount) { range in
                    for i in range { p[i] -= lr * (d[i] + decay * p[i]) }
                }
            }
            return
        }
        let buffer = try buffers.buffers(at: index, for: parameter)[0]
        withExtendedLifetime((g, buffer)) {
            let (p, d) = (parameter.storageFloats.baseAddress!, g.storageFloats.baseAddress!)
            momentumUpdate(p, d, buffer.storageFloats.baseAddress!, count: parameter.storageCount)
        }
    }

    /// `p`, `d` (gradient) and `b` (momentum buffer) hold `count` floats in the same layout.
    private func momentumUpdate(
        _ p: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        let (lr, decay, mu) = (learningRate, weightDecay, momentum)
        // A zero buffer makes the first update b = d, as PyTorch's clone of the first gradient.
        if nesterov {
            StorageKernels.forEachChunk(count) { range in
                for i in range {
                    let step = d[i] + decay * p[i]
                    b[i] = mu * b[i] + step
                    p[i] -= lr * (step + mu * b[i])
                }
            }
        } else {
            StorageKernels.forEachChunk(count) { range in
                for i in range {
                    b[i] = mu * b[i] + (d[i] + decay * p[i])
                    p[i] -= lr * b[i]
                }
            }
        }
    }

    public func state() throws -> OptimizerState {
        let exported = buffers.exported(parameters: parameters)
        let hyperparameters: [String: Float] = [
            "learning_rate": learningRate, "momentum": momentum, "weight_decay": weightDecay,
            "nesterov": nesterov ? 1 : 0,
        ]
        return OptimizerState(
            kind: .sgd, hyperparameters: hyperparameters, stepCount: stepCount, parameterSteps: exported.steps,
            buffers: exported.buffers)
    }

    public func load(_ state: OptimizerState) throws {
        try state.require(.sgd)
        let values = try ["learning_rate", "momentum", "weight_decay", "nesterov"].map(state.hyperparameter)
        try buffers.restore(from: state, parameters: parameters)
        (learningRate, momentum, weightDecay, nesterov) = (values[0], values[1], values[2], values[3] != 0)
        stepCount = state.stepCount
    }
}
