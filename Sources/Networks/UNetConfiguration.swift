import Tensors

/// The architecture of a U-Net: everything needed to rebuild it (stored in model files).
public struct UNetConfiguration: Codable, Sendable, Hashable {
    /// How the decoder enlarges feature maps to the skip connection's size.
    public enum Upsampling: String, Codable, Sendable {
        /// Bilinear (2D) or trilinear (3D) with aligned corners, as ImPartial and pytorch-3dunet do.
        case linear
        /// Nearest neighbour.
        case nearest
        /// A learned 2x2 (2x2x2 in 3D) stride-2 transposed convolution with bias that keeps the channel count
        /// (PyTorch's ConvTranspose, as in the original U-Net's "up-convolution"); an odd skip size gets one
        /// more row from output padding (bias only), so pixels stay aligned with the encoder's.
        case transposed
    }

    /// What follows each 3x3 convolution of the blocks before its ReLU.
    public enum Normalization: String, Codable, Sendable {
        /// Nothing: convolution with bias, then ReLU (ImPartial's network; the parameter names of earlier versions).
        case none
        /// Batch normalisation: batch statistics while gradients are recorded, running statistics otherwise
        /// (inside `withoutGradients`); the running statistics are stored in model files.
        case batch
        /// Group normalisation over `normalizationGroups` groups of channels per sample (independent of the batch).
        case group
    }

    /// 2 (images) or 3 (volumes).
    public var dimensions: Int
    public var inputChannels: Int
    public var outputChannels: Int
    /// Channels at each level, top first; levels = widths.count, with widths.count − 1 poolings of 2.
    public var widths: [Int]
    /// Dropout probability after every convolution of the down and up blocks (not the first block), 0 for none.
    public var dropout: Float
    public var upsampling: Upsampling
    /// How the 3x3 convolutions are computed: Winograd (the default; about twice as fast in 2D, rounding
    /// differences around 1e-6 relative) or direct. 3D convolutions with Winograd run as 2D ones over depth
    /// slices (`DepthSlicedConvolution`).
    public var convolutionAlgorithm: ConvolutionAlgorithm
    /// Normalisation between each block convolution and its ReLU: conv (+bias) → norm (scale 1, shift 0
    /// initially) → ReLU → dropout.
    public var normalization: Normalization
    /// Groups of `.group` normalisation; must divide every width (ignored otherwise).
    public var normalizationGroups: Int

    public init(
        dimensions: Int = 2, inputChannels: Int, outputChannels: Int, widths: [Int] = [32, 64, 128, 256, 256],
        dropout: Float = 0, upsampling: Upsampling = .linear, convolutionAlgorithm: ConvolutionAlgorithm = .winograd,
        normalization: Normalization = .none, normalizationGroups: Int = 8
    ) {
        self.dimensions = dimensions
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.widths = widths
        self.dropout = dropout
        self.upsampling = upsampling
        self.convolutionAlgorithm = convolutionAlgorithm
        self.normalization = normalization
        self.normalizationGroups = normalizationGroups
    }

    private enum CodingKeys: String, CodingKey {
        case dimensions, inputChannels, outputChannels, widths, dropout, upsampling, convolutionAlgorithm
        case normalization, normalizationGroups
    }

    /// Decodes a stored configuration; fields added in later versions take their defaults when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimensions = try container.decode(Int.self, forKey: .dimensions)
        inputChannels = try container.decode(Int.self, forKey: .inputChannels)
        outputChannels = try container.decode(Int.self, forKey: .outputChannels)
        widths = try container.decode([Int].self, forKey: .widths)
        dropout = try container.decodeIfPresent(Float.self, forKey: .dropout) ?? 0
        upsampling = try container.decodeIfPresent(Upsampling.self, forKey: .upsampling) ?? .linear
        convolutionAlgorithm =
            try container.decodeIfPresent(ConvolutionAlgorithm.self, forKey: .convolutionAlgorithm) ?? .winograd
        normalization = try container.decodeIfPresent(Normalization.self, forKey: .normalization) ?? Normalization.none
        normalizationGroups = try container.decodeIfPresent(Int.self, forKey: .normalizationGroups) ?? 8
    }

    /// ImPartial's network: 2D, widths 32-64-128-256-256, dropout 0.5 (kept on for MC sampling).
    public static func impartial(inputChannels: Int, outputChannels: Int) -> UNetConfiguration {
        UNetConfiguration(inputChannels: inputChannels, outputChannels: outputChannels, dropout: 0.5)
    }

    /// The smallest input extent along each spatial axis: every pooling needs at least 2 pixels.
    public var minimumInputSize: Int { 1 << (widths.count - 1) }

    func validate() throws {
        guard dimensions == 2 || dimensions == 3 else {
            throw NetworksError.invalidConfiguration("dimensions must be 2 or 3, not \(dimensions)")
        }
        guard (1...4096).contains(inputChannels), (1...4096).contains(outputChannels) else {
            throw NetworksError.invalidConfiguration(
                "input and output channels must be 1 to 4096 (got \(inputChannels) and \(outputChannels))")
        }
        guard (2...8).contains(widths.count), widths.allSatisfy({ (1...4096).contains($0) }) else {
            throw NetworksError.invalidConfiguration("widths \(widths) must list 2 to 8 levels of 1 to 4096 channels")
        }
        guard dropout >= 0, dropout < 1 else {
            throw NetworksError.invalidConfiguration("dropout \(dropout) must be in [0, 1)")
        }
        if normalization == .group {
            guard normalizationGroups >= 1 else {
                throw NetworksError.invalidConfiguration(
                    "normalizationGroups \(normalizationGroups) must be at least 1")
            }
            if let width = widths.first(where: { $0 % normalizationGroups != 0 }) {
                throw NetworksError.invalidConfiguration(
                    "normalizationGroups \(normalizationGroups) does not divide width \(width) of widths \(widths); "
                        + "every width must be a multiple of the group count")
            }
        }
    }
}
