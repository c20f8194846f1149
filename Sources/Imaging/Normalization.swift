/// Maps intensities so that the `low` percentile becomes 0 and the `high` percentile becomes 1.
///
/// ImPartial normalises with one range over all channels (`.joint`), percentiles 1 and 98, unclipped;
/// those are the defaults here.
public struct PercentileNormalization: Sendable, Equatable, Codable {
    /// Whether percentiles are taken per channel or over all channels together.
    public enum Scope: String, Sendable, Codable {
        case perChannel = "per-channel"
        case joint
    }

    /// Lower percentile (0...100), mapped to 0.
    public var low: Double
    /// Upper percentile (0...100), mapped to 1.
    public var high: Double
    public var scope: Scope
    /// Clip results to 0...1.
    public var clip: Bool

    public init(low: Double = 1, high: Double = 98, scope: Scope = .joint, clip: Bool = false) {
        self.low = low
        self.high = high
        self.scope = scope
        self.clip = clip
    }

    /// The (low, high) intensities per channel that `apply` maps to 0 and 1.
    public func ranges(of image: Image) throws -> [(low: Float, high: Float)] {
        guard low < high else {
            throw ImagingError.invalidArgument(
                name: "percentiles", value: "\(low), \(high)", reason: "the lower percentile must be below the upper")
        }
        switch scope {
        case .joint:
            let p = try Percentiles.of(image.pixels, [low, high])
            return Array(repeating: (p[0], p[1]), count: image.channels)
        case .perChannel:
            return try (0..<image.channels).map { c in
                let p = try Percentiles.of(image.channel(c), [low, high])
                return (p[0], p[1])
            }
        }
    }

    /// The normalised image (source type becomes float32). A channel whose range is empty (constant
    /// intensity) maps to 0 rather than dividing by zero.
    public func apply(to image: Image) throws -> Image {
        let ranges = try ranges(of: image)
        var out = image
        out.sourceType = .float32
        let plane = image.planeCount
        out.pixels.withUnsafeMutableBufferPointer { buffer in
            for c in 0..<image.channels {
                let (lo, hi) = ranges[c]
                let scale: Float = hi > lo ? 1 / (hi - lo) : 0
                for i in c * plane..<(c + 1) * plane {
                    var v = (buffer[i] - lo) * scale
                    if clip { v = Swift.min(1, Swift.max(0, v)) }
                    buffer[i] = v
                }
            }
        }
        return out
    }
}
