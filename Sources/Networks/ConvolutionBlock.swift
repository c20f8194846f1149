import Basics
import Tensors

/// Two 3x3(x3) convolutions, each followed by (when configured) normalisation, then ReLU and (when the block
/// has it) dropout. Without normalisation ReLU and dropout are fused into the convolution; with batch
/// normalisation ReLU is fused into the normalisation.
public final class ConvolutionBlock: Module {
    public let first: ConvolutionLayer
    public let second: ConvolutionLayer
    /// After `first` and `second`; nil without normalisation.
    public let firstNorm: NormalizationLayer?
    public let secondNorm: NormalizationLayer?
    public let dropout: Float

    init(
        inputChannels: Int, outputChannels: Int, configuration: UNetConfiguration, dropout: Float,
        generator: inout RandomGenerator
    ) throws {
        let (dimensions, algorithm) = (configuration.dimensions, configuration.convolutionAlgorithm)
        first = try ConvolutionLayer(
            inputChannels: inputChannels, outputChannels: outputChannels, kernel: 3, dimensions: dimensions,
            algorithm: algorithm, generator: &generator)
        second = try ConvolutionLayer(
            inputChannels: outputChannels, outputChannels: outputChannels, kernel: 3, dimensions: dimensions,
            algorithm: algorithm, generator: &generator)
        func norm() throws -> NormalizationLayer? {
            guard configuration.normalization != UNetConfiguration.Normalization.none else { return nil }
            return try NormalizationLayer(
                channels: outputChannels, normalization: configuration.normalization,
                groups: configuration.normalizationGroups)
        }
        (firstNorm, secondNorm) = (try norm(), try norm())
        self.dropout = dropout
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        prefixed("conv1", first.namedParameters) + prefixed("norm1", firstNorm?.namedParameters ?? [])
            + prefixed("conv2", second.namedParameters) + prefixed("norm2", secondNorm?.namedParameters ?? [])
    }

    public var namedBuffers: [(name: String, tensor: Tensor)] {
        prefixed("norm1", firstNorm?.namedBuffers ?? []) + prefixed("norm2", secondNorm?.namedBuffers ?? [])
    }

    /// `randomness` draws the dropout masks; nil turns dropout off.
    func callAsFunction(_ input: Tensor, randomness: inout RandomGenerator?) throws -> Tensor {
        let hidden = try stage(input, first, firstNorm, dropout: try mask(&randomness))
        return try stage(hidden, second, secondNorm, dropout: try mask(&randomness))
    }

    /// conv → [norm →] ReLU → [dropout].
    private func stage(
        _ input: Tensor, _ convolution: ConvolutionLayer, _ norm: NormalizationLayer?, dropout: Dropout?
    ) throws -> Tensor {
        guard let norm else { return try convolution(input, activation: .relu, dropout: dropout) }
        let activated = try norm(convolution(input), activation: .relu)
        guard let dropout else { return activated }
        return try activated.dropout(dropout)
    }

    private func mask(_ randomness: inout RandomGenerator?) throws -> Dropout? {
        guard dropout > 0, randomness != nil else { return nil }
        return try Dropout(probability: dropout, generator: &randomness!)
    }
}
