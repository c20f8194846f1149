import Evaluation
import Foundation

/// The tables `cellscribe evaluate` prints without `--json`.
enum EvaluateText {
    static func render(_ dataset: DatasetEvaluation) -> String {
        let s = dataset.summary
        var out = "Scored \(s.images) image\(s.images == 1 ? "" : "s"): \(s.trueObjects) true objects, "
        out += "\(s.predictedObjects) predicted objects (counts pooled over images).\n\n"
        let rows: [(String, Double?)] = [
            ("AP@0.50", s.averagePrecisionAt50), ("AP@0.75", s.averagePrecisionAt75),
            ("mean AP \(thresholdRange(dataset.options))", s.meanAveragePrecision), ("F1@0.50", s.f1At50),
            ("precision@0.50", s.precisionAt50), ("recall@0.50", s.recallAt50), ("PQ@0.50", s.panopticQualityAt50),
            ("AJI", s.aggregatedJaccard), ("pixel accuracy", s.pixelAccuracy), ("foreground IoU", s.foregroundIoU),
        ]
        for (name, value) in rows { out += "  " + pad(name, 22) + number(value) + "\n" }
        out += "\nBy IoU threshold (AP = TP/(TP+FP+FN); last column: mean of per-image AP):\n"
        out += "  " + columns(["IoU", "TP", "FP", "FN", "AP", "prec.", "recall", "F1", "PQ", "AP/img"]) + "\n"
        for (c, mean) in zip(dataset.pooled, dataset.meanOfImages) {
            let r = c.scores
            out +=
                "  "
                + columns(
                    [
                        String(format: "%.2f", c.threshold), "\(c.truePositives)", "\(c.falsePositives)",
                        "\(c.falseNegatives)",
                    ]
                        + [r.averagePrecision, r.precision, r.recall, r.f1, r.panopticQuality, mean.averagePrecision]
                        .map { number($0) })
                + "\n"
        }
        let bins = dataset.options.sizeBins
        out += "\nBy true-object area at IoU > \(String(format: "%.2f", dataset.options.sizeBinThreshold)) "
        out += "(FP: unmatched predictions of that area):\n"
        out += "  " + pad("area", 12) + columns(["true", "TP", "FN", "FP", "recall", "F1"]) + "\n"
        for c in dataset.sizeBins {
            out +=
                "  " + pad(bins.label(ofBin: c.bin), 12)
                + columns([
                    "\(c.trueObjects)", "\(c.truePositives)", "\(c.falseNegatives)", "\(c.falsePositives)",
                    number(c.recall), number(c.f1),
                ])
                + "\n"
        }
        let notes = dataset.images.flatMap { image in image.notes.map { "  \(image.name): \($0)" } }
        if !notes.isEmpty { out += "\nNotes:\n" + notes.joined(separator: "\n") + "\n" }
        return out
    }

    /// "0.50:0.95" for the evaluated thresholds.
    static func thresholdRange(_ options: EvaluationOptions) -> String {
        let t = options.thresholds
        return t.count == 1 ? String(format: "%.2f", t[0]) : String(format: "%.2f:%.2f", t[0], t[t.count - 1])
    }

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// Right-aligned fields of width 8.
    static func columns(_ fields: [String]) -> String {
        fields.map { String(repeating: " ", count: max(1, 8 - $0.count)) + $0 }.joined()
    }
}
