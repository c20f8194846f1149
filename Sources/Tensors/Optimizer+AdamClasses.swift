/// Adam with L2 weight decay added to the gradient (PyTorch's `torch.optim.Adam`, amsgrad off):
/// `g += weightDecay · p`, then the bias-corrected Adam update (see `AdamW` for decoupled decay).
public final class Adam: Optimizer {
    public let parameters: NamedParameters
    private var update: AdamUpdate

    /// - Parameters:
    ///   - learningRate: step size, ≥ 0.
    ///   - betas: decay rates of the first and second moment estimates, each in [0, 1).
    ///   - epsilon: added to the denominator for numerical stability, > 0.
    ///   - weightDecay: L2 penalty added to the gradient, ≥ 0.
    /// - Throws: `TensorsError.invalidArgument` for duplicate names or out-of-range hyperparameters.
    public init(
        parameters: NamedParameters, learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0
    ) throws {
        self.parameters = parameters
        update = try AdamUpdate(
            parameters: parameters, learningRate: learningRate, betas: betas, epsilon: epsilon,
            weightDecay: weightDecay, mode: .l2, op: "Adam")
    }

    public var learningRate: Float {
        get { update.learningRate }
        set { update.learningRate = newValue }
    }
    public var betas: (Float, Float) { update.betas }
    public var epsilon: Float { update.epsilon }
    public var weightDecay: Float { update.weightDecay }

    public func step() throws { try update.step(parameters) }
    public func state() throws -> OptimizerState { update.state(kind: .adam, parameters: parameters) }
    public func load(_ state: OptimizerState) throws { try update.load(state, kind: .adam, parameters: parameters) }
}

/// Adam with decoupled weight decay (PyTorch's `torch.optim.AdamW`, amsgrad off):
/// `p *= 1 − learningRate · weightDecay`, then the bias-corrected Adam update of the raw gradient.
public final class AdamW: Optimizer {
    public let parameters: NamedParameters
    private var update: AdamUpdate

    /// - Parameters:
    ///   - learningRate: step size, ≥ 0.
    ///   - betas: decay rates of the first and second moment estimates, each in [0, 1).
    ///   - epsilon: added to the denominator for numerical stability, > 0.
    ///   - weightDecay: decoupled decay rate per unit learning rate, ≥ 0 (PyTorch's default 0.01).
    /// - Throws: `TensorsError.invalidArgument` for duplicate names or out-of-range hyperparameters.
    public init(
        parameters: NamedParameters, learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 1e-2
    ) throws {
        self.parameters = parameters
        update = try AdamUpdate(
            parameters: parameters, learningRate: learningRate, betas: betas, epsilon: epsilon,
            weightDecay: weightDecay, mode: .decoupled, op: "AdamW")
    }

    public var learningRate: Float {
        get { update.learningRate }
        set { update.learningRate = newValue }
    }
    public var betas: (Float, Float) { update.betas }
    public var epsilon: Float { update.epsilon }
    public var weightDecay: Float { update.weightDecay }

    public func step() throws { try update.step(parameters) }
    public func state() throws -> OptimizerState { update.state(kind: .adamW, parameters: parameters) }
    public func load(_ state: OptimizerState) throws { try update.load(state, kind: .adamW, parameters: parameters) }
}
