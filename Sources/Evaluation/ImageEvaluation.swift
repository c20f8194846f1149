import Imaging

/// Every score of one predicted label image against its ground truth, kept as counts so that a dataset
/// can pool them (`DatasetEvaluation`).
public struct ImageEvaluation: Sendable, Equatable {
    /// The image's name in reports (the CLI uses the file stem).
    public var name: String
    /// Where the prediction and the ground truth came from, for reports (file names), when known.
    public var predictionSource: String?
    public var truthSource: String?
    /// How the inputs were interpreted, e.g. that a binary mask was split into connected components.
    public var notes: [String]
    /// `(Y, X)` or `(Z, Y, X)`.
    public var shape: [Int]
    /// Instances in the ground truth and in the prediction.
    public var trueCount: Int
    public var predictedCount: Int
    /// Matching counts per threshold, in the order of `EvaluationOptions.thresholds`.
    public var thresholds: [MatchCounts]
    /// AJI sums.
    public var aggregatedJaccard: AggregatedJaccard
    /// Counts per object size bin at `EvaluationOptions.sizeBinThreshold`.
    public var sizeBins: [SizeBinCounts]
    /// Foreground/background pixel counts (`ClassMapping.foreground`: any label > 0 is foreground).
    public var pixels: ConfusionMatrix

    /// Scores `predicted` against `truth`, both `(Y, X)` or both `(Z, Y, X)` instance label images.
    /// Throws `EvaluationError.shapeMismatch` when the shapes differ, `invalidArgument` for invalid options.
    public init(
        name: String, predicted: LabelImage, truth: LabelImage, options: EvaluationOptions = EvaluationOptions(),
        predictionSource: String? = nil, truthSource: String? = nil, notes: [String] = []
    ) throws {
        try options.validate()
        let matching = try InstanceMatching(predicted: predicted, truth: truth)
        self.name = name
        self.predictionSource = predictionSource
        self.truthSource = truthSource
        self.notes = notes
        shape = truth.shape
        trueCount = matching.overlaps.trueCount
        predictedCount = matching.overlaps.predictedCount
        thresholds = options.thresholds.map { matching.counts(threshold: $0) }
        aggregatedJaccard = AggregatedJaccard(overlaps: matching.overlaps)
        sizeBins = options.sizeBins.counts(of: matching, threshold: options.sizeBinThreshold)
        pixels = try ConfusionMatrix(predicted: predicted, truth: truth, mapping: .foreground)
    }

    /// This image's headline numbers (its own counts, not pooled).
    public func summary(options: EvaluationOptions) -> EvaluationSummary {
        EvaluationSummary(
            images: 1, options: options, scores: thresholds.map(\.scores), trueObjects: trueCount,
            predictedObjects: predictedCount, aggregatedJaccard: aggregatedJaccard.value, pixels: pixels)
    }
}
