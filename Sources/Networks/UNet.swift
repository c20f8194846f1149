import Basics
import Tensors

/// A 2D or 3D U-Net (Ronneberger et al. 2015) as ImPartial and pytorch-3dunet build it: an input block, one
/// down block per further level (2x max-pool, then two convolutions), one up block per level (upsampling to
/// the skip's size, concatenation [skip, upsampled], two convolutions), and a 1x1 head. The configuration
/// chooses the upsampling (linear, nearest or a learned transposed convolution) and whether each block
/// convolution is followed by batch or group normalisation.
///
/// Input (N, inputChannels, [D,] H, W) with every spatial extent at least `minimumInputSize`; output
/// (N, outputChannels, [D,] H, W) raw scores (no final activation).
public final class UNet: Module {
    public let configuration: UNetConfiguration
    let input: ConvolutionBlock
    let down: [ConvolutionBlock]
    let up: [ConvolutionBlock]
    /// One per up block with `.transposed` upsampling, in `up`'s order; empty otherwise.
    let upconvs: [TransposedConvolutionLayer]
    let head: ConvolutionLayer

    /// A freshly initialised network; the same configuration and seed give the same weights.
    ///
    /// - Throws: `NetworksError.invalidConfiguration` for unsupported dimensions, widths or dropout, or a
    ///   normalisation group count that does not divide every width.
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
        var upconvs: [TransposedConvolutionLayer] = []
        up = try (0..<(widths.count - 1)).reversed().map { level in
            if configuration.upsampling == .transposed {
                upconvs.append(
                    try TransposedConvolutionLayer(
                        inputChannels: widths[level + 1], outputChannels: widths[level + 1], dimensions: dimensions,
                        generator: &generator))
            }
            return try ConvolutionBlock(
                inputChannels: widths[level + 1] + widths[level], outputChannels: widths[level],
                configuration: configuration, dropout: configuration.dropout, generator: &generator)
        }
        self.upconvs = upconvs
        head = try ConvolutionLayer(
            inputChannels: widths[0], outputChannels: configuration.outputChannels, kernel: 1, dimensions: dimensions,
            generator: &generator)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        var result = prefixed("input", input.namedParameters)
        for (index, block) in down.enumerated() { result += prefixed("down.\(index)", block.namedParameters) }
        for (index, block) in up.enumerated() {
            let upconv = upconvs.isEmpty ? [] : prefixed("upconv", upconvs[index].namedParameters)
            result += prefixed("up.\(index)", upconv + block.namedParameters)
        }
        return result + prefixed("head", head.namedParameters)
    }

    /// Batch normalisation's running statistics (`input.norm1.running_mean`, ...); empty without it.
    public var namedBuffers: [(name: String, tensor: Tensor)] {
        var result = prefixed("input", input.namedBuffers)
        for (index, block) in down.enumerated() { result += prefixed("down.\(index)", block.namedBuffers) }
        for (index, block) in up.enumerated() { result += prefixed("up.\(index)", block.namedBuffers) }
        return result
    }

    /// The network's scores for `input`.
    ///
    /// With batch normalisation the batch's statistics are used (and the running ones updated) while gradients
    /// are recorded; call it inside `withoutGradients` for inference with the running statistics.
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
        for (index, block) in up.enumerated() {
            let skip = skips.removeLast()
            let joined = try upsampled(features, joining: skip, upconv: upconvs.isEmpty ? nil : upconvs[index])
            features = try block(joined, randomness: &dropout)
        }
        return try head(features)
    }

    /// [skip, features enlarged to the skip's size] along channels.
    private func upsampled(
        _ features: Tensor, joining skip: Tensor, upconv: TransposedConvolutionLayer?
    ) throws -> Tensor {
        switch configuration.upsampling {
        case .linear:
            return try Tensor.concatenatingChannels(skip, resizing: features, mode: .linear(alignCorners: true))
        case .nearest: return try Tensor.concatenatingChannels(skip, resizing: features, mode: .nearest)
        case .transposed:
            // Pooling floors, so a skip extent is twice the coarse one or one more; output padding adds that row.
            let extra = zip(skip.shape.dropFirst(2), features.shape.dropFirst(2)).map { $0 - 2 * $1 }
            return try Tensor.concatenatingChannels([skip, upconv!(features, extra: extra)])
        }
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
                "spatial size \(Array(shape.dropFirst(2))) is below \(minimum) pixels, the least \(configuration.widths.count) levels can pool"
            )
        }
    }
}
