/// What an evaluation computes: IoU thresholds and object size bins, with the field's defaults.
public struct EvaluationOptions: Sendable, Equatable {
    /// 0.50, 0.55, ..., 0.95: the thresholds of the DSB 2018 / COCO-style mean AP.
    public static let standardThresholds: [Double] = (0...9).map { Double(50 + 5 * $0) / 100 }

    /// IoU thresholds, ascending; a pair matches when its IoU is strictly above. Default `standardThresholds`.
    public var thresholds: [Double]
    /// Object size bins by true-object area. Default `SizeBins.standard` (`<100`, `100-399`, `400-1599`, `>=1600`).
    public var sizeBins: SizeBins
    /// The IoU threshold the size-bin table is computed at. Default 0.5.
    public var sizeBinThreshold: Double

    public init(
        thresholds: [Double] = EvaluationOptions.standardThresholds, sizeBins: SizeBins = .standard,
        sizeBinThreshold: Double = 0.5
    ) {
        self.thresholds = thresholds
        self.sizeBins = sizeBins
        self.sizeBinThreshold = sizeBinThreshold
    }

    /// Throws `EvaluationError.invalidArgument` unless there is at least one threshold, all thresholds are in
    /// 0 ..< 1 and strictly ascending, and `sizeBinThreshold` is in 0 ..< 1.
    public func validate() throws {
        guard !thresholds.isEmpty else {
            throw EvaluationError.invalidArgument(
                name: "IoU thresholds", value: "[]", reason: "give at least one threshold")
        }
        for t in thresholds + [sizeBinThreshold] where !(t >= 0 && t < 1) {
            throw EvaluationError.invalidArgument(
                name: "IoU threshold", value: "\(t)",
                reason: "a pair matches when its IoU exceeds the threshold, so it must be in 0 ..< 1")
        }
        guard zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw EvaluationError.invalidArgument(
                name: "IoU thresholds", value: "\(thresholds)", reason: "list them in ascending order without repeats")
        }
    }

    /// The index of `threshold` in `thresholds` (to within 1e-9), or nil.
    public func index(ofThreshold threshold: Double) -> Int? {
        thresholds.firstIndex { abs($0 - threshold) < 1e-9 }
    }
}
