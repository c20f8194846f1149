import Basics
import Tensors

/// A 2D or 3D convolution with bias: weight (O, I, k, k[, k]), bias (O), "same" padding for odd kernels.
public final class ConvolutionLayer: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let options: ConvolutionOptions

    /// Kaiming-uniform weights (for ReLU networks) and zero bias, drawn from `generator`.
    ///
    /// - Parameters:
    ///   - dimensions: 2 or 3 spatial axes.
    ///   - kernel: taps per axis (odd, so the output keeps the input's size).
    ///   - algorithm: how oneDNN computes it (Winograd applies to 2D 3x3 kernels only).
    public init(
        inputChannels: Int, outputChannels: Int, kernel: Int, dimensions: Int,
        algorithm: ConvolutionAlgorithm = .direct,
        generator: inout RandomGenerator
    ) throws {
        let shape = [outputChannels, inputChannels] + Array(repeating: kernel, count: dimensions)
        weight = try Tensor.parameter(shape: shape, initializer: .kaimingUniform, generator: &generator)
        bias = try Tensor.parameter(shape: [outputChannels], initializer: .constant(0), generator: &generator)
        options = ConvolutionOptions(padding: [kernel / 2], algorithm: algorithm)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    /// conv(input) + bias, then `activation` and `dropout` when given (one fused oneDNN call plus an in-place mask).
    public func callAsFunction(
        _ input: Tensor, activation: FusedActivation = .none, dropout: Dropout? = nil
    ) throws -> Tensor {
        try input.convolved(with: weight, bias: bias, options: options, activation: activation, dropout: dropout)
    }
}
