/// How well a per-pixel uncertainty score (entropy, variance) singles out wrong pixels: the area under the
/// ROC curve of the score as a detector of errors, pooled over every pixel added. 1 = every wrong pixel is
/// scored above every right one; 0.5 = no better than chance.
///
/// Scores are binned (`binCount` equal bins over [0, `upperBound`], values outside clamped), so memory stays
/// constant however many pixels are added; ties within a bin count one half, as in the Mann–Whitney statistic.
public struct ErrorDetection: Sendable, Equatable {
    public let upperBound: Float
    public let binCount: Int
    private(set) var errorCounts: [Int]
    private(set) var correctCounts: [Int]

    /// - Parameter upperBound: the largest score expected (binary entropy in nats: ln 2).
    public init(upperBound: Float = 0.6931472, binCount: Int = 4096) {
        self.upperBound = upperBound
        self.binCount = binCount
        errorCounts = [Int](repeating: 0, count: binCount)
        correctCounts = [Int](repeating: 0, count: binCount)
    }

    /// Adds one image: `scores[i]` with `isError[i]` (same length).
    ///
    /// - Throws: `EvaluationError.invalidArgument` when the lengths differ.
    public mutating func add(scores: [Float], isError: [Bool]) throws {
        guard scores.count == isError.count else {
            throw EvaluationError.invalidArgument(
                name: "uncertainty map", value: "\(scores.count) values",
                reason: "the label images have \(isError.count) pixels")
        }
        let scale = Float(binCount) / upperBound
        for (score, wrong) in zip(scores, isError) {
            let bin = score.isFinite ? min(binCount - 1, max(0, Int(score * scale))) : binCount - 1
            if wrong { errorCounts[bin] += 1 } else { correctCounts[bin] += 1 }
        }
    }

    /// Wrong and right pixels added so far.
    public var errors: Int { errorCounts.reduce(0, +) }
    public var correct: Int { correctCounts.reduce(0, +) }

    /// The area under the ROC curve, or nil until there are both wrong and right pixels.
    public var areaUnderCurve: Double? {
        let (wrong, right) = (Double(errors), Double(correct))
        guard wrong > 0, right > 0 else { return nil }
        var below = 0.0
        var area = 0.0
        for bin in 0..<binCount {
            area += Double(errorCounts[bin]) * (below + 0.5 * Double(correctCounts[bin]))
            below += Double(correctCounts[bin])
        }
        return area / (wrong * right)
    }
}
