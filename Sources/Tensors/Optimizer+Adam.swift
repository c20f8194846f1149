import Foundation

/// How Adam applies weight decay.
enum WeightDecayMode {
    /// L2: `g += weightDecay · p` before the moments (PyTorch's `Adam`).
    case l2
    /// Decoupled: `p *= 1 − learningRate · weightDecay` before the update (PyTorch's `AdamW`).
    case decoupled
}

/// The update shared by `Adam` and `AdamW` (PyTorch's single-tensor implementation, amsgrad off), with t the
/// parameter's step number:
///
///     m = m + (1 − β1) · (g − m)
///     v = β2 · v + (1 − β2) · g²
///     p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
struct AdamUpdate {
    var learningRate: Float
    var betas: (Float, Float)
    var epsilon: Float
    var weightDecay: Float
    let mode: WeightDecayMode
    var buffers: OptimizerBuffers
    var stepCount = 0

    init(
        parameters: NamedParameters, learningRate: Float, betas: (Float, Float), epsilon: Float, weightDecay: Float,
        mode: WeightDecayMode, op: String
    ) throws {
        try validateNames(parameters, op: op)
        let unbounded = Float.greatestFiniteMagnitude
        try validate(learningRate, "the learning rate", in: 0...unbounded, op: op)
        for (name, beta) in [("beta1", betas.0), ("beta2", betas.1)] where !(0..<1).contains(beta) {
            throw TensorsError.invalidArgument(op: op, reason: "\(name) must be in [0, 1); got \(beta)")
        }
        // ε = 0 would turn the zero padding of blocked layouts into 0/0.
        try validate(epsilon, "epsilon", in: Float.leastNormalMagnitude...unbounded, op: op)
        try validate(weightDecay, "weight decay", in: 0...unbounded, op: op)
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.mode = mode
        buffers = OptimizerBuffers(parameterCount: parameters.count, names: ["exp_avg", "exp_avg_sq"])
    }

    mutating func step(_ parameters: NamedParameters) throws {
        try withoutGradients {
            stepCount += 1
            for (index, parameter) in parameters.enumerated() {
                guard let gradient = parameter.tensor.gradient else { continue }
                try update(parameter.tensor, gradient: gradient, index: index)
            }
        }
    }

    private mutating func update(_ parameter: Tensor, gradient: Tensor, index: Int) throws {
        let g = try gradient.reordered(to: parameter.layout)
        let moments = try buffers.buffers(at: index, for: parameter)
        let step = Double(buffers.countStep(at: index))
        // Scalars in Double as PyTorch computes them in Python, then rounded once.
        let (lr, beta1, beta2) = (Double(learningRate), Double(betas.0), Double(betas.1))
        let scalars = AdamScalars(
            oneMinusBeta1: Float(1 - beta1), beta2: betas.1, oneMinusBeta2: Float(1 - beta2),
            stepSize: Float(lr / (1 - pow(beta1, step))),
            biasCorrection2Root: Float((1 - pow(beta2, step)).squareRoot()), epsilon: epsilon,
            l2: mode == .l2 ? weightDecay : 0,
            decayFactor: mode == .decoupled ? Float(1 - lr * Double(weightDecay)) : 1)
        withExtendedLifetime((g, moments)) {
            scalars.apply(
                parameter: parameter.storageFloats.baseAddress!, gradient: g.storageFloats.baseAddress!,
                mean: moments[0].storageFloats.baseAddress!, variance: moments[1].storageFloats.baseAddress!,
                count: parameter.storageCount)
        }
    }

    func state(kind: OptimizerState.Kind, parameters: NamedParameters) -> OptimizerState {
        let exported = buffers.exported(parameters: parameters)
        let hyperparameters: [String: Float] = [
            "learning_rate": learningRate, "beta1": betas.0, "beta2": betas.1, "epsilon": epsilon,
            "weight_decay": weightDecay,
        ]
        return OptimizerState(
            kind: kind, hyperparameters: hyperparameters, stepCount: stepCount, parameterSteps: exported.steps,
            buffers: exported.buffers)
    }

    mutating func load(_ state: OptimizerState, kind: OptimizerState.Kind, parameters: NamedParameters) throws {
        try state.require(kind)
        let names = ["learning_rate", "beta1", "beta2", "epsilon", "weight_decay"]
        let values = try names.map(state.hyperparameter)
        try buffers.restore(from: state, parameters: parameters)
        (learningRate, betas, epsilon, weightDecay) = (values[0], (values[1], values[2]), values[3], values[4])
        stepCount = state.stepCount
    }
}

/// The per-step constants of one parameter's Adam update.
private struct AdamScalars {
    let oneMinusBeta1: Float
    let beta2: Float
    let oneMinusBeta2: Float
    let stepSize: Float
    let biasCorrection2Root: Float
    let epsilon: Float
    /// L2 weight decay added to the gradient (0 for AdamW).
    let l2: Float
    /// Factor applied to the parameter before the update (1 for Adam).
    let decayFactor: Float

    /// Updates `count` floats of parameter and moments in place; all four share one layout.
    func apply(
        parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
        mean m: UnsafeMutablePointer<Float>, variance v: UnsafeMutablePointer<Float>, count: Int
    ) {
        StorageKernels.forEachChunk(count) { range in
            update(range, parameter: p, gradient: g, mean: m, variance: v)
        }
    }

    /// The elementwise update over `range`. A separate function with the constants in locals, so that stores
    /// through the pointers cannot alias them and the loop vectorises.
    private func update(
        _ range: Range<Int>, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
        mean m: UnsafeMutablePointer<Float>, variance v: UnsafeMutablePointer<Float>
    ) {
        let (w1, b2, w2) = (oneMinusBeta1, beta2, oneMinusBeta2)
        let (size, root, eps) = (stepSize, biasCorrection2Root, epsilon)
        let (l2, factor) = (self.l2, decayFactor)
        for i in range {
            let decayed = p[i] * factor
            let gradient = g[i] + l2 * decayed
            let mean = m[i] + w1 * (gradient - m[i])
            let variance = b2 * v[i] + w2 * gradient * gradient
            m[i] = mean
            v[i] = variance
            // The variance is never negative; `abs` tells LLVM so, which drops glibc's errno path of sqrtf and lets
            // the loop vectorise.
            p[i] = decayed - size * (mean / (abs(variance).squareRoot() / root + eps))
        }
    }
}
