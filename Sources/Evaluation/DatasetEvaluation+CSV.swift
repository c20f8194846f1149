/// CSV reports: comma-separated, one header line, `\n` line ends, numbers as in JSON, text fields quoted
/// when they hold a comma, quote or line break.
extension DatasetEvaluation {
    /// One row per image: name, files, shape (`ZxYxX`), object counts, the headline numbers and TP/FP/FN at 0.5.
    public func imagesCSV() -> String {
        var rows = [
            [
                "name", "prediction", "truth", "shape", "true_objects", "predicted_objects", "tp_50", "fp_50", "fn_50",
                "ap_50", "ap_75", "mean_ap", "precision_50", "recall_50", "f1_50", "pq_50", "aji", "pixel_accuracy",
                "foreground_iou", "foreground_dice",
            ]
        ]
        let k = options.index(ofThreshold: 0.5)
        for image in images {
            let s = image.summary(options: options)
            let at50 = k.map { image.thresholds[$0] }
            rows.append(
                [
                    image.name, image.predictionSource ?? "", image.truthSource ?? "",
                    image.shape.map(String.init).joined(separator: "x"), String(image.trueCount),
                    String(image.predictedCount), Self.cell(at50?.truePositives), Self.cell(at50?.falsePositives),
                    Self.cell(at50?.falseNegatives),
                ]
                    + [
                        s.averagePrecisionAt50, s.averagePrecisionAt75, s.meanAveragePrecision, s.precisionAt50,
                        s.recallAt50, s.f1At50, s.panopticQualityAt50, s.aggregatedJaccard, s.pixelAccuracy,
                        s.foregroundIoU, s.foregroundDice,
                    ].map { Self.cell($0) })
        }
        return Self.csv(rows)
    }

    /// One row per IoU threshold: pooled counts and scores, then the means of per-image scores (`*_mean_of_images`).
    public func thresholdsCSV() -> String {
        let scoreNames = ["ap", "precision", "recall", "f1", "pq", "mean_matched_iou"]
        var rows = [["threshold", "tp", "fp", "fn"] + scoreNames + scoreNames.map { "\($0)_mean_of_images" }]
        for (counts, mean) in zip(pooled, meanOfImages) {
            rows.append(
                [
                    Self.cell(counts.threshold), String(counts.truePositives), String(counts.falsePositives),
                    String(counts.falseNegatives),
                ]
                    + (Self.values(counts.scores) + Self.values(mean)).map { Self.cell($0) })
        }
        return Self.csv(rows)
    }

    /// One row per object size bin (see `SizeBinCounts` for what is counted).
    public func sizeBinsCSV() -> String {
        var rows = [
            [
                "bin", "min_area", "max_area_exclusive", "true_objects", "tp", "fn", "fp", "recall", "precision", "f1",
                "mean_matched_iou",
            ]
        ]
        for c in sizeBins {
            let bins = options.sizeBins
            rows.append(
                [
                    bins.label(ofBin: c.bin), String(bins.lowerArea(ofBin: c.bin)),
                    bins.upperArea(ofBin: c.bin).map(String.init) ?? "",
                    String(c.trueObjects), String(c.truePositives), String(c.falseNegatives), String(c.falsePositives),
                ] + [c.recall, c.precision, c.f1, c.meanMatchedIoU].map { Self.cell($0) })
        }
        return Self.csv(rows)
    }

    private static func values(_ s: MatchScores) -> [Double] {
        [s.averagePrecision, s.precision, s.recall, s.f1, s.panopticQuality, s.meanMatchedIoU]
    }

    private static func cell(_ value: Double?) -> String { value.map { $0.isFinite ? JSONValue.format($0) : "" } ?? "" }
    private static func cell(_ value: Int?) -> String { value.map(String.init) ?? "" }

    static func csv(_ rows: [[String]]) -> String {
        rows.map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + String(field.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}
