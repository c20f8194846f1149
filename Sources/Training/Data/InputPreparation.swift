import Imaging

/// How a raw image becomes network input: channel reduction and intensity normalisation. A model stores it so
/// that prediction prepares images exactly as training did.
public struct InputPreparation: Codable, Sendable, Equatable {
    /// Channels the network takes.
    public var channels: Int
    /// Per-image intensity normalisation (percentiles 1 and 99.8 per channel by default, unclipped).
    public var normalization: PercentileNormalization

    public init(
        channels: Int,
        normalization: PercentileNormalization = PercentileNormalization(low: 1, high: 99.8, scope: .perChannel)
    ) {
        self.channels = channels
        self.normalization = normalization
    }

    /// The channel count `image` has once redundant channels are dropped (see `reducedChannels(of:)`).
    public static func naturalChannels(of image: Image) throws -> Int { try reducedChannels(of: image).channels }

    /// Drops channels that carry no information: a constant 4th (alpha) channel, and duplicate colour channels
    /// of a grey image stored as RGB (R = G = B).
    public static func reducedChannels(of image: Image) throws -> Image {
        var image = image
        if image.channels == 4, isConstant(image.channel(3)) { image = try selecting(image, channels: 0..<3) }
        if image.channels == 3, image.channel(0).elementsEqual(image.channel(1)),
            image.channel(0).elementsEqual(image.channel(2))
        {
            image = try selecting(image, channels: 0..<1)
        }
        return image
    }

    /// The network input for `image`: reduced channels (colour averaged to grey for a one-channel model), then
    /// normalised; layout `(C, [Z,] Y, X)`, Float32.
    ///
    /// - Throws: `TrainingError.incompatibleImage` when the channel count cannot be made to fit.
    public func prepare(_ image: Image, source: String) throws -> Image {
        var reduced = try Self.reducedChannels(of: image)
        if reduced.channels != channels, channels == 1, reduced.channels == 3 { reduced = try Self.grey(reduced) }
        guard reduced.channels == channels else {
            throw TrainingError.incompatibleImage(
                source: source,
                reason: "it has \(reduced.channels) channels (\(image.channels) stored); the model takes \(channels)")
        }
        return try normalization.apply(to: reduced)
    }

    private static func isConstant(_ values: ArraySlice<Float>) -> Bool {
        guard let first = values.first else { return true }
        return values.allSatisfy { $0 == first }
    }

    private static func selecting(_ image: Image, channels: Range<Int>) throws -> Image {
        let plane = image.planeCount
        let pixels = Array(image.pixels[(channels.lowerBound * plane)..<(channels.upperBound * plane)])
        return try Image(
            shape: [channels.count] + image.spatialShape, pixels: pixels, sourceType: image.sourceType,
            spacing: image.spacing, channelNames: image.channelNames.map { Array($0[channels]) })
    }

    /// The mean of the channels as one channel (colour stored for a grey model).
    public static func grey(_ image: Image) throws -> Image {
        let plane = image.planeCount
        var pixels = [Float](repeating: 0, count: plane)
        for c in 0..<image.channels {
            for (index, value) in image.channel(c).enumerated() { pixels[index] += value / Float(image.channels) }
        }
        return try Image(
            shape: [1] + image.spatialShape, pixels: pixels, sourceType: image.sourceType, spacing: image.spacing)
    }
}
