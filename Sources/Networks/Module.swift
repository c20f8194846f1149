import Tensors

/// A part of a network that owns trainable parameters.
public protocol Module: AnyObject {
    /// Every trainable tensor with a dotted name that is stable across versions (model files key on it),
    /// in a fixed order.
    var namedParameters: [(name: String, tensor: Tensor)] { get }
}

extension Module {
    /// The trainable tensors in `namedParameters` order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Number of trainable scalars.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.elementCount } }

    /// Clears every parameter's accumulated gradient.
    public func zeroGradients() {
        for (_, tensor) in namedParameters { tensor.zeroGradient() }
    }
}

/// `parts`' parameters with `prefix.` before their names.
func prefixed(_ prefix: String, _ parts: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
    parts.map { (name: "\(prefix).\($0.name)", tensor: $0.tensor) }
}
