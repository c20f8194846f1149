/// Trainable tensors by name ("encoder.0.weight"), in a fixed order. Names must be unique.
public typealias NamedParameters = [(name: String, tensor: Tensor)]

/// Updates parameters in place from the gradients `backward()` accumulated in them.
///
/// Implementations follow PyTorch's `torch.optim` update formulas, so a run can be checked against PyTorch and a
/// model trained in one can be fine-tuned in the other. Buffers (momenta, moments) live in each parameter's
/// current layout, blocked or plain.
public protocol Optimizer: AnyObject {
    /// Step size of the next `step()`; learning-rate schedules set it once per epoch.
    var learningRate: Float { get set }
    /// The parameters this optimiser updates, in order.
    var parameters: NamedParameters { get }
    /// Updates every parameter from its `gradient`, skipping parameters without one. Records no gradients.
    func step() throws
    /// Clears the gradients of every parameter (call before each `backward()`).
    func zeroGradients()
    /// A copy of everything needed to continue the same trajectory: hyperparameters, step counts, buffers.
    func state() throws -> OptimizerState
    /// Restores a state taken from an optimiser of the same kind over parameters with the same names and shapes.
    ///
    /// - Throws: `TensorsError.invalidArgument` for a state of another kind, `TensorsError.parametersDoNotMatch`
    ///   listing every buffer that is missing, unexpected or of the wrong shape.
    func load(_ state: OptimizerState) throws
}

extension Optimizer {
    public func zeroGradients() {
        for parameter in parameters { parameter.tensor.zeroGradient() }
    }
}

/// Checks that parameter names are unique and non-empty.
func validateNames(_ parameters: NamedParameters, op: String) throws {
    var seen: Set<String> = []
    for parameter in parameters {
        guard !parameter.name.isEmpty else {
            throw TensorsError.invalidArgument(op: op, reason: "a parameter has an empty name")
        }
        guard seen.insert(parameter.name).inserted else {
            throw TensorsError.invalidArgument(op: op, reason: "the parameter name '\(parameter.name)' is used twice")
        }
    }
}

/// Checks a hyperparameter: finite and within `range`.
func validate(_ value: Float, _ name: String, in range: ClosedRange<Float>, op: String) throws {
    guard value.isFinite, range.contains(value) else {
        throw TensorsError.invalidArgument(
            op: op, reason: "\(name) must be in \(range.lowerBound)...\(range.upperBound); got \(value)")
    }
}
