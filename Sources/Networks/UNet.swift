import Tensors

/// Two 3x3(x3) convolutions, each followed by ReLU and (when the block has it) dropout.
public final class ConvolutionBlock: Module {
    public let first: ConvolutionLayer
    public let second: ConvolutionLayer
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
        self.dropout = dropout
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        prefixed("conv1", first.namedParameters) + prefixed("conv2", second.namedParameters)
    }

    /// `randomness` draws the dropout masks; nil turns dropout off.
    func callAsFunction(_ input: Tensor, randomness: inout RandomGenerator?) throws -> Tensor {
        let hidden = try first(input, activation: .relu, dropout: try mask(&randomness))
        return try second(hidden, activation: .relu, dropout: try mask(&randomness))
    }

    private func mask(_ randomness: inout RandomGenerator?) throws -> Dropout? {
        guard dropout > 0, randomness != nil else { return nil }
        return try Dropout(probability: dropout, generator: &randomness!)
    }
}

/// A 2D or 3D U-Net (Ronneberger et al. 2015) as ImPartial and pytorch-3dunet build it: an input block, one
/// down block per further level (2x max-pool, then two convolutions), one up block per level (linear
/// upsampling to the skip's size, concatenation [skip, upsampled], two convolutions), and a 1x1 head.
///
/// Input (N, inputChannels, [D,] H, W) with every spatial extent at least `minimumInputSize`; output
/// (N, outputChannels, [D,] H, W) raw scores (no final activation).
public final class UNet: Module {
    public let configuration: UNetConfiguration
    let input: ConvolutionBlock
    let down: [ConvolutionBlock]
    let up: [ConvolutionBlock]
    let head: ConvolutionLayer

    /// A freshly initialised network; the same configuration and seed give the same weights.
    ///
    /// - Throws: `NetworksError.invalidConfiguration` for unsupported dimensions, widths or dropout.
    public init(_ configuration: UNetConfiguration, seed: UInt64) throws {
        try configuration.validate()
        self.configuration = configuration
        var generator = RandomGenerator(seed: seed)
        let (widths, dimensions) = (configuration.widths, configuration.dimensions)
        input = try ConvolutionBlock(
            inputChannels: configuration.inputChannels, outputChannels: widths[0], configuration: configuration,
            dropout: 0, generator: &generator)
        down = try (1..<widths.count).map { level in
            try ConvolutionBlock(
                inputChannels: widths[level - 1], outputChannels: widths[level], configuration: configuration,
                dropout: configuration.dropout, generator: &generator)
        }
        up = try (0..<(widths.count - 1)).reversed().map { level in
            try ConvolutionBlock(
                inputChannels: widths[level + 1] + widths[level], outputChannels: widths[level],
                configuration: configuration, dropout: configuration.dropout, generator: &generator)
        }
        head = try ConvolutionLayer(
            inputChannels: widths[0], outputChannels: configuration.outputChannels, kernel: 1, dimensions: dimensions,
            generator: &generator)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        var result = prefixed("input", input.namedParameters)
        for (index, block) in down.enumerated() { result += prefixed("down.\(index)", block.namedParameters) }
        for (index, block) in up.enumerated() { result += prefixed("up.\(index)", block.namedParameters) }
        return result + prefixed("head", head.namedParameters)
    }

    /// The network's scores for `input`.
    ///
    /// - Parameter dropout: draws the dropout masks (training and Monte Carlo sampling); nil for plain inference.
    /// - Throws: `NetworksError.incompatibleInput` when the rank, channels or size do not fit.
    public func callAsFunction(_ image: Tensor, dropout: inout RandomGenerator?) throws -> Tensor {
        try check(image.shape)
        var skips = [try input(image, randomness: &dropout)]
        for block in down {
            let pooled = try skips[skips.count - 1].pooled(.max, kernel: [2])
            skips.append(try block(pooled, randomness: &dropout))
        }
        var features = skips.removeLast()
        let mode: ResamplingMode = configuration.upsampling == .linear ? .linear(alignCorners: true) : .nearest
        for block in up {
            let skip = skips.removeLast()
            let joined = try Tensor.concatenatingChannels(skip, resizing: features, mode: mode)
            features = try block(joined, randomness: &dropout)
        }
        return try head(features)
    }

    /// Scores without dropout.
    public func callAsFunction(_ image: Tensor) throws -> Tensor {
        var none: RandomGenerator? = nil
        return try self(image, dropout: &none)
    }

    private func check(_ shape: [Int]) throws {
        let expectedRank = configuration.dimensions + 2
        guard shape.count == expectedRank else {
            throw NetworksError.incompatibleInput(
                "shape \(shape) has \(shape.count) axes; a \(configuration.dimensions)D U-Net takes \(expectedRank)")
        }
        guard shape[1] == configuration.inputChannels else {
            throw NetworksError.incompatibleInput(
                "the image has \(shape[1]) channels; the network was built for \(configuration.inputChannels)")
        }
        let minimum = configuration.minimumInputSize
        guard shape.dropFirst(2).allSatisfy({ $0 >= minimum }) else {
            throw NetworksError.incompatibleInput(
                "spatial size \(Array(shape.dropFirst(2))) is below \(minimum) pixels, the least \(configuration.widths.count) levels can pool")
        }
    }
}
