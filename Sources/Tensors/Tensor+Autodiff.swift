/// How a tensor was computed: the op's inputs and the function that turns the gradient of its output into
/// gradients of its inputs (one per input, `nil` where none flows).
final class GradientNode {
    let op: String
    let inputs: [Tensor]
    let backward: (Tensor) throws -> [Tensor?]

    init(op: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record how they computed their outputs. Recording is on by default; `withoutGradients`
/// turns it off for a scope (inference), so activations are freed as soon as nothing reads them.
public enum GradientRecording {
    @TaskLocal static var isEnabled = true

    /// Whether ops called here record gradients.
    public static var isRecording: Bool { isEnabled }
}

/// Runs `body` without recording gradients (inference, metrics, optimiser updates).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

/// Runs `body` without recording gradients.
public func withoutGradients<Result>(_ body: () async throws -> Result) async rethrows -> Result {
    try await GradientRecording.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// A tensor whose gradient is accumulated by `backward()`: a trainable parameter.
    public static func parameter(shape: [Int], values: [Float]) throws -> Tensor {
        try Tensor(shape: shape, values: values, requiresGradient: true)
    }

    /// Marks `output` as computed by `op` from `inputs`, when recording and some input needs gradients.
    /// `backward` receives the gradient of `output` (same shape, any layout) and returns the gradients of
    /// `inputs`, in order.
    func recorded(
        as op: String, from inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]
    ) -> Tensor {
        guard GradientRecording.isEnabled, inputs.contains(where: \.requiresGradient) else { return self }
        requiresGradient = true
        producer = GradientNode(op: op, inputs: inputs, backward: backward)
        return self
    }

    /// Whether the op being built should keep what its backward pass needs.
    static func recording(_ inputs: Tensor...) -> Bool {
        GradientRecording.isEnabled && inputs.contains(where: \.requiresGradient)
    }

    /// Back-propagates from this scalar (one element) tensor, adding d(self)/d(p) into `p.gradient` of every
    /// parameter `p` it depends on. The recorded graph is released as it is consumed.
    ///
    /// - Throws: `TensorsError.notDifferentiable` when this tensor has more than one element or depends on no
    ///   parameter.
    public func backward() throws {
        guard elementCount == 1 else {
            throw TensorsError.notDifferentiable(
                reason: "backward() starts from a scalar; this tensor has shape \(shape)")
        }
        guard requiresGradient else {
            throw TensorsError.notDifferentiable(reason: "the value does not depend on any parameter")
        }
        try backward(from: Tensor(shape: shape, repeating: 1))
    }

    /// Back-propagates `seed` (the gradient of some scalar with respect to this tensor, same shape).
    public func backward(from seed: Tensor) throws {
        guard seed.shape == shape else { throw TensorsError.shapeMismatch(op: "backward", lhs: shape, rhs: seed.shape) }
        try withoutGradients {
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for tensor in topologicalOrder().reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.producer else {
                    tensor.gradient = try tensor.gradient.map { try $0.adding(gradient) } ?? gradient
                    continue
                }
                tensor.producer = nil
                let inputGradients = try node.backward(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard input.requiresGradient, let inputGradient else { continue }
                    guard inputGradient.shape == input.shape else {
                        throw TensorsError.shapeMismatch(
                            op: "\(node.op) backward", lhs: input.shape, rhs: inputGradient.shape)
                    }
                    let key = ObjectIdentifier(input)
                    pending[key] = try pending[key].map { try $0.adding(inputGradient) } ?? inputGradient
                }
            }
        }
    }

    /// Tensors this one depends on (itself included) such that every tensor comes after its inputs.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        var stack: [(Tensor, Int)] = [(self, 0)]
        while let (tensor, next) = stack.popLast() {
            let inputs = tensor.producer?.inputs ?? []
            if next < inputs.count {
                stack.append((tensor, next + 1))
                let input = inputs[next]
                if input.requiresGradient, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(tensor)
            }
        }
        return order
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() { gradient = nil }

    /// A copy that shares values but records nothing: gradients stop here.
    public func detached() -> Tensor { Tensor(layout: layout, storage: storage, offset: storageOffset) }
}
