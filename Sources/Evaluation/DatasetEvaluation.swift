/// Scores of many images: counts pooled over images (StarDist `matching_dataset(by_image=False)`: TP, FP, FN
/// and matched IoUs summed per threshold, then the formulas applied once), beside the mean of the per-image
/// scores (`by_image=True`), and the per-image rows.
public struct DatasetEvaluation: Sendable, Equatable {
    /// Thresholds and size bins every image was scored with.
    public let options: EvaluationOptions
    /// Per-image results, in the order added.
    public private(set) var images: [ImageEvaluation] = []

    /// An empty dataset. Throws `EvaluationError.invalidArgument` for invalid options.
    public init(options: EvaluationOptions = EvaluationOptions()) throws {
        try options.validate()
        self.options = options
    }

    /// Adds one image's result. Precondition: it was scored with the same thresholds and size bins.
    public mutating func add(_ image: ImageEvaluation) {
        precondition(image.thresholds.map(\.threshold) == options.thresholds, "image scored at other thresholds")
        precondition(image.sizeBins.count == options.sizeBins.count, "image scored with other size bins")
        images.append(image)
    }

    /// Counts summed over images, per threshold.
    public var pooled: [MatchCounts] {
        options.thresholds.indices.map { k in
            images.reduce(MatchCounts.zero(threshold: options.thresholds[k])) { $0 + $1.thresholds[k] }
        }
    }

    /// Scores from the pooled counts, per threshold.
    public var pooledScores: [MatchScores] { pooled.map(\.scores) }

    /// Mean of the per-image scores, per threshold (all zeros without images).
    public var meanOfImages: [MatchScores] {
        options.thresholds.indices.map { k in MatchScores.mean(images.map { $0.thresholds[k].scores }) }
    }

    /// AJI sums pooled over images (intersections and unions added, then divided once).
    public var aggregatedJaccard: AggregatedJaccard {
        images.reduce(AggregatedJaccard(intersection: 0, union: 0)) { $0 + $1.aggregatedJaccard }
    }

    /// Mean of the per-image AJI values.
    public var meanAggregatedJaccard: Double { MetricFormulas.mean(images.map(\.aggregatedJaccard.value)) }

    /// Size-bin counts pooled over images.
    public var sizeBins: [SizeBinCounts] {
        (0..<options.sizeBins.count).map { b in images.reduce(SizeBinCounts(bin: b)) { $0 + $1.sizeBins[b] } }
    }

    /// Foreground/background pixel counts pooled over images.
    public var pixels: ConfusionMatrix {
        images.reduce(into: ConfusionMatrix()) { $0.merge($1.pixels) }
    }

    /// True and predicted instances over all images.
    public var trueCount: Int { images.reduce(0) { $0 + $1.trueCount } }
    public var predictedCount: Int { images.reduce(0) { $0 + $1.predictedCount } }

    /// The dataset's headline numbers from pooled counts.
    public var summary: EvaluationSummary {
        EvaluationSummary(
            images: images.count, options: options, scores: pooledScores, trueObjects: trueCount,
            predictedObjects: predictedCount, aggregatedJaccard: aggregatedJaccard.value, pixels: pixels)
    }
}
