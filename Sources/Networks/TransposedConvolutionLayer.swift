import Basics
import Tensors

/// A stride-2 transposed convolution with a 2x2 (2x2x2) kernel and bias: doubles every spatial extent.
/// Weight (I, O, 2, 2[, 2]) as PyTorch's ConvTranspose holds it, bias (O).
public final class TransposedConvolutionLayer: Module {
    public let weight: Tensor
    public let bias: Tensor

    /// Kaiming-uniform weights over the true fan-in and zero bias, drawn from `generator`.
    ///
    /// With stride equal to the kernel each output pixel sees one tap per input channel, so the fan-in is I
    /// (not O·2ᵈ, which the (I, O, k...) shape would suggest to a generic initialiser).
    public init(inputChannels: Int, outputChannels: Int, dimensions: Int, generator: inout RandomGenerator) throws {
        let taps = 1 << dimensions
        let values = Initializer.kaimingUniform.values(
            shape: [outputChannels * taps, inputChannels], generator: &generator)
        weight = try Tensor.parameter(
            shape: [inputChannels, outputChannels] + Array(repeating: 2, count: dimensions), values: values)
        bias = try Tensor.parameter(shape: [outputChannels], values: Array(repeating: 0, count: outputChannels))
    }

    public var namedParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    /// (N, I, [D,] H, W) → (N, O, [2D + e,] 2H + e, 2W + e), where `extra` gives e per spatial axis (0 or 1:
    /// one more row at the far end, holding the bias only).
    public func callAsFunction(_ input: Tensor, extra: [Int] = [0]) throws -> Tensor {
        try input.transposedConvolved(
            with: weight, bias: bias, options: ConvolutionOptions(stride: [2]), outputPadding: extra)
    }
}
