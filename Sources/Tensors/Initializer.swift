import Basics

/// Weight initialisers (PyTorch's conventions; fan-in and fan-out count kernel taps).
public enum Initializer: Sendable, Hashable {
    /// Normal with std = gain / sqrt(fanIn), gain = sqrt(2) (He et al., for ReLU networks).
    case kaimingNormal
    /// Uniform in ±sqrt(6 / fanIn) (He et al.).
    case kaimingUniform
    /// Uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio).
    case xavierUniform
    /// Normal with std = sqrt(2 / (fanIn + fanOut)).
    case xavierNormal
    /// Every element equal to the value (biases, norm scales).
    case constant(Float)

    /// Values for a weight of `shape` (O, I, k...) or (O) drawn from `generator`.
    public func values(shape: [Int], generator: inout RandomGenerator) -> [Float] {
        let count = shape.reduce(1, *)
        let receptive = shape.dropFirst(2).reduce(1, *)
        let fanIn = Float(shape.count > 1 ? shape[1] * receptive : shape[0])
        let fanOut = Float(shape[0] * receptive)
        switch self {
        case .kaimingNormal:
            let std = (2 / fanIn).squareRoot()
            return (0..<count).map { _ in generator.nextNormal() * std }
        case .kaimingUniform:
            let bound = (6 / fanIn).squareRoot()
            return (0..<count).map { _ in (generator.nextUniform() * 2 - 1) * bound }
        case .xavierUniform:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in (generator.nextUniform() * 2 - 1) * bound }
        case .xavierNormal:
            let std = (2 / (fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in generator.nextNormal() * std }
        case .constant(let value):
            return Array(repeating: value, count: count)
        }
    }
}

extension Tensor {
    /// A trainable parameter of `shape` initialised by `initializer` from `generator`.
    public static func parameter(
        shape: [Int], initializer: Initializer, generator: inout RandomGenerator
    ) throws -> Tensor {
        try Tensor(
            shape: shape, values: initializer.values(shape: shape, generator: &generator), requiresGradient: true)
    }
}
