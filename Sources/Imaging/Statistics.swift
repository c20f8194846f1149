/// Summary statistics of a set of samples. NaNs are ignored; `count` is the number of finite samples.
public struct SampleStatistics: Sendable, Equatable, Codable {
    public var count: Int
    public var min: Float
    public var max: Float
    public var mean: Double
    /// Population standard deviation.
    public var standardDeviation: Double

    /// Statistics of `values` in one pass (Welford's update, so large images do not lose precision).
    public init<C: Collection>(_ values: C) where C.Element == Float {
        var n = 0
        var lo = Float.infinity
        var hi = -Float.infinity
        var mean = 0.0
        var m2 = 0.0
        for v in values where !v.isNaN {
            n += 1
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            let d = Double(v) - mean
            mean += d / Double(n)
            m2 += d * (Double(v) - mean)
        }
        self.count = n
        self.min = n > 0 ? lo : .nan
        self.max = n > 0 ? hi : .nan
        self.mean = n > 0 ? mean : .nan
        self.standardDeviation = n > 0 ? (m2 / Double(n)).squareRoot() : .nan
    }
}

/// Percentiles by linear interpolation between closest ranks (NumPy's default "linear" method).
public enum Percentiles {
    /// The `q`-th percentiles (0...100 each) of `values`, NaNs ignored. Returns NaN for every `q` when no
    /// finite sample exists. Throws for `q` outside 0...100.
    public static func of<C: Collection>(_ values: C, _ q: [Double]) throws -> [Float] where C.Element == Float {
        for p in q where !(0...100).contains(p) {
            throw ImagingError.invalidArgument(name: "percentile", value: "\(p)", reason: "must be within 0...100")
        }
        var sorted = values.filter { !$0.isNaN }
        guard !sorted.isEmpty else { return q.map { _ in .nan } }
        sorted.sort()
        let last = Double(sorted.count - 1)
        return q.map { p in
            let rank = p / 100 * last
            let lower = Int(rank.rounded(.down))
            let upper = Swift.min(lower + 1, sorted.count - 1)
            let fraction = Float(rank - Double(lower))
            return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
        }
    }
}

extension Image {
    /// Statistics of channel `c`.
    public func statistics(channel c: Int) -> SampleStatistics { SampleStatistics(channel(c)) }

    /// Statistics of every sample of every channel.
    public var statistics: SampleStatistics { SampleStatistics(pixels) }
}
