/// The JSON report: one object whose keys always come in this order:
///
/// - `summary`: headline numbers from counts pooled over images (`EvaluationSummary`), plus `ajiMeanOfImages`
///   and `meanAPOfImages` (means of per-image values).
/// - `thresholds`: one row per IoU threshold with pooled `tp`, `fp`, `fn`, `ap`, `precision`, `recall`, `f1`,
///   `pq`, `meanMatchedIoU`, and `meanOfImages` holding the mean of the per-image scores.
/// - `sizeBins`: the threshold, the edges, and one row per bin (see `SizeBinCounts` for what is counted).
/// - `pixels`: pooled foreground/background counts and scores.
/// - `images`: one row per image.
/// - `warnings`: messages the caller passed (e.g. files without a partner).
extension DatasetEvaluation {
    /// The report as a JSON value (render with `rendered(pretty:)`).
    public func jsonReport(warnings: [String] = []) -> JSONValue {
        .object([
            ("summary", summaryJSON),
            ("thresholds", .array(thresholdRows)),
            ("sizeBins", sizeBinJSON),
            ("pixels", Self.pixelJSON(pixels)),
            ("images", .array(images.map { imageJSON($0) })),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    private var summaryJSON: JSONValue {
        guard case .object(var members) = Self.summaryMembers(summary) else { return .null }
        members.append(("meanAPOfImages", .number(MetricFormulas.mean(meanOfImages.map(\.averagePrecision)))))
        members.append(("ajiMeanOfImages", .number(meanAggregatedJaccard)))
        return .object(members)
    }

    static func summaryMembers(_ s: EvaluationSummary) -> JSONValue {
        .object([
            ("images", .int(s.images)),
            ("trueObjects", .int(s.trueObjects)),
            ("predictedObjects", .int(s.predictedObjects)),
            ("apAt50", .numberOrNull(s.averagePrecisionAt50)),
            ("apAt75", .numberOrNull(s.averagePrecisionAt75)),
            ("meanAP", .number(s.meanAveragePrecision)),
            ("f1At50", .numberOrNull(s.f1At50)),
            ("precisionAt50", .numberOrNull(s.precisionAt50)),
            ("recallAt50", .numberOrNull(s.recallAt50)),
            ("pqAt50", .numberOrNull(s.panopticQualityAt50)),
            ("aji", .number(s.aggregatedJaccard)),
            ("pixelAccuracy", .number(s.pixelAccuracy)),
            ("foregroundIoU", .number(s.foregroundIoU)),
            ("foregroundDice", .number(s.foregroundDice)),
        ])
    }

    static func scoreMembers(_ s: MatchScores) -> [(String, JSONValue)] {
        [
            ("ap", .number(s.averagePrecision)), ("precision", .number(s.precision)), ("recall", .number(s.recall)),
            ("f1", .number(s.f1)), ("pq", .number(s.panopticQuality)), ("meanMatchedIoU", .number(s.meanMatchedIoU)),
        ]
    }

    private var thresholdRows: [JSONValue] {
        zip(pooled, meanOfImages).map { counts, mean in
            .object(
                [
                    ("threshold", .number(counts.threshold)), ("tp", .int(counts.truePositives)),
                    ("fp", .int(counts.falsePositives)), ("fn", .int(counts.falseNegatives)),
                ] + Self.scoreMembers(counts.scores) + [("meanOfImages", .object(Self.scoreMembers(mean)))])
        }
    }

    private var sizeBinJSON: JSONValue {
        let bins = options.sizeBins
        return .object([
            ("threshold", .number(options.sizeBinThreshold)),
            ("edges", .array(bins.edges.map { .int($0) })),
            (
                "bins",
                .array(
                    sizeBins.map { c in
                        .object([
                            ("label", .string(bins.label(ofBin: c.bin))),
                            ("minArea", .int(bins.lowerArea(ofBin: c.bin))),
                            ("maxAreaExclusive", bins.upperArea(ofBin: c.bin).map { .int($0) } ?? .null),
                            ("trueObjects", .int(c.trueObjects)), ("tp", .int(c.truePositives)),
                            ("fn", .int(c.falseNegatives)),
                            ("fp", .int(c.falsePositives)), ("recall", .number(c.recall)),
                            ("precision", .number(c.precision)),
                            ("f1", .number(c.f1)), ("meanMatchedIoU", .number(c.meanMatchedIoU)),
                        ])
                    })
            ),
        ])
    }

    static func pixelJSON(_ m: ConfusionMatrix) -> JSONValue {
        let fg = m.scores(ofClass: 1)
        return .object([
            ("pixels", .int(m.totalPixels)), ("accuracy", .number(m.pixelAccuracy)),
            ("foregroundTP", .int(fg.truePositives)), ("foregroundFP", .int(fg.falsePositives)),
            ("foregroundFN", .int(fg.falseNegatives)), ("foregroundIoU", .number(fg.iou)),
            ("foregroundDice", .number(fg.dice)),
            ("meanIoU", .number(m.meanIoU())),
        ])
    }

    private func imageJSON(_ image: ImageEvaluation) -> JSONValue {
        guard case .object(let summary) = Self.summaryMembers(image.summary(options: options)) else { return .null }
        let at50 = options.index(ofThreshold: 0.5).map { image.thresholds[$0] }
        var members: [(String, JSONValue)] = [
            ("name", .string(image.name)),
            ("prediction", image.predictionSource.map { .string($0) } ?? .null),
            ("truth", image.truthSource.map { .string($0) } ?? .null),
            ("shape", .array(image.shape.map { .int($0) })),
        ]
        members += summary.filter { $0.0 != "images" }
        members += [
            ("tpAt50", at50.map { .int($0.truePositives) } ?? .null),
            ("fpAt50", at50.map { .int($0.falsePositives) } ?? .null),
            ("fnAt50", at50.map { .int($0.falseNegatives) } ?? .null),
            ("apByThreshold", .array(image.thresholds.map { .number($0.scores.averagePrecision) })),
            ("notes", .array(image.notes.map { .string($0) })),
        ]
        return .object(members)
    }
}
