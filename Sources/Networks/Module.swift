import Tensors

/// A part of a network that owns trainable parameters and, possibly, non-trainable state (buffers).
public protocol Module: AnyObject {
    /// Every trainable tensor with a dotted name that is stable across versions (model files key on it),
    /// in a fixed order. Optimisers get these and only these.
    var namedParameters: [(name: String, tensor: Tensor)] { get }

    /// State the forward pass reads but no optimiser updates (batch normalisation's running statistics), with
    /// dotted names distinct from the parameters'. Model files store it beside the parameters. Empty by default.
    ///
    /// The tensors are the current ones: a layer may replace them as it runs, so read this again rather than
    /// keeping it.
    var namedBuffers: [(name: String, tensor: Tensor)] { get }
}

extension Module {
    public var namedBuffers: [(name: String, tensor: Tensor)] { [] }

    /// The trainable tensors in `namedParameters` order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Number of trainable scalars.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.elementCount } }

    /// Parameters then buffers: everything a model file holds.
    public var namedState: [(name: String, tensor: Tensor)] { namedParameters + namedBuffers }

    /// Clears every parameter's accumulated gradient.
    public func zeroGradients() {
        for (_, tensor) in namedParameters { tensor.zeroGradient() }
    }
}

/// `parts`' tensors with `prefix.` before their names.
func prefixed(_ prefix: String, _ parts: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
    parts.map { (name: "\(prefix).\($0.name)", tensor: $0.tensor) }
}
