import ArgumentParser
import Evaluation
import Foundation

/// `cellscribe evaluate --pred DIR --truth DIR`: scores predicted label images against ground truth.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score predicted label images against ground truth (AP, F1, PQ, AJI, IoU).",
        discussion: """
            Files are paired by stem (a.tif in --pred matches a.png in --truth); predictions whose stem ends \
            in _prob, _entropy or _variance are ignored, and files without a partner are listed on stderr. A \
            binary mask (0 and one other value) becomes instances by connected components. 2D and 3D label images in any \
            format CellScribe reads. A match is a one-to-one pair with IoU above the threshold; AP = \
            TP/(TP+FP+FN). Dataset scores pool TP, FP and FN over images; JSON also has means of per-image \
            scores. Size bins count true objects by their area and unmatched predictions by their own area.
            """
    )

    @Option(name: .customLong("pred"), help: ArgumentHelp("Folder of predicted label images.", valueName: "dir"))
    var predictionFolder: String

    @Option(
        name: .customLong("truth"),
        help: ArgumentHelp("Folder of ground-truth label images or masks.", valueName: "dir"))
    var truthFolder: String

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Write per-image rows to this CSV file, and per-threshold and per-size-bin rows beside it "
                + "(<name>_thresholds.csv, <name>_size_bins.csv).", valueName: "file"))
    var csv: String?

    @Option(
        help: ArgumentHelp(
            "Write SVG plots (AP and F1 by IoU threshold, recall and F1 by object size) into this folder.",
            valueName: "dir"))
    var plots: String?

    @Option(
        name: .customLong("size-bins"),
        help: ArgumentHelp("Object area edges in pixels (voxels), ascending.", valueName: "edges"))
    var sizeBinEdges = "100,400,1600"

    @Flag(help: "Also score the <stem>_entropy maps beside the predictions: AUROC of entropy for pixel errors.")
    var uncertainty = false

    @OptionGroup var limits: LimitOptions

    func validate() throws { _ = try evaluationOptions() }

    func run() throws {
        let (dataset, detection, warnings) = try evaluate()
        for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        print(render(dataset, detection: detection, warnings: warnings), terminator: "")
        try writeFiles(dataset)
    }

    /// The thresholds (0.5:0.95) and the size bins from `--size-bins`.
    func evaluationOptions() throws -> EvaluationOptions {
        let parts = sizeBinEdges.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let edges = parts == [""] ? [] : parts.compactMap { Int($0) }
        guard edges.count == parts.count || parts == [""] else {
            throw ValidationError(
                "--size-bins takes whole numbers separated by commas, such as 100,400,1600, not '\(sizeBinEdges)'")
        }
        do {
            return EvaluationOptions(sizeBins: try SizeBins(edges: edges))
        } catch let error as EvaluationError {
            throw ValidationError("--size-bins '\(sizeBinEdges)': \(error)")
        }
    }

    /// Pairs the folders and scores every pair; returns the dataset, the entropy's error detection (with
    /// `--uncertainty`) and the unpaired-file warnings.
    func evaluate() throws -> (DatasetEvaluation, ErrorDetection?, [String]) {
        let options = try evaluationOptions()
        let pairing = try EvaluatePairing(predictionFolder: predictionFolder, truthFolder: truthFolder)
        var dataset = try DatasetEvaluation(options: options)
        var detection = uncertainty ? ErrorDetection() : nil
        for pair in pairing.pairs {
            let loaded = try EvaluateLoading.load(pair, limits: limits.readLimits)
            dataset.add(try EvaluateLoading.evaluate(pair, loaded: loaded, options: options))
            if detection != nil {
                try EvaluateLoading.addUncertainty(pair, loaded: loaded, limits: limits.readLimits, to: &detection!)
            }
        }
        return (dataset, detection, pairing.warnings)
    }

    /// The stdout text: pretty JSON with `--json`, else the tables.
    func render(_ dataset: DatasetEvaluation, detection: ErrorDetection? = nil, warnings: [String]) -> String {
        if json {
            var report = dataset.jsonReport(warnings: warnings)
            if let detection, case .object(var members) = report {
                members.append(
                    (
                        "uncertainty",
                        .object([
                            ("entropyAUROC", detection.areaUnderCurve.map { .number($0) } ?? .null),
                            ("errorPixels", .number(Double(detection.errors))),
                            ("correctPixels", .number(Double(detection.correct))),
                        ])
                    ))
                report = .object(members)
            }
            return report.rendered() + "\n"
        }
        var text = EvaluateText.render(dataset)
        if let detection {
            let auroc =
                detection.areaUnderCurve.map { String(format: "%.4f", $0) } ?? "n/a (no wrong or no right pixels)"
            text +=
                "\nEntropy as a detector of pixel errors: AUROC \(auroc) "
                + "(\(detection.errors) wrong, \(detection.correct) right pixels)\n"
        }
        return text
    }

    /// The CSV files and plots the options ask for, each written atomically.
    func writeFiles(_ dataset: DatasetEvaluation) throws {
        if let csv {
            let base = csv.lowercased().hasSuffix(".csv") ? String(csv.dropLast(4)) : csv
            try ReportFile.write(dataset.imagesCSV(), toPath: csv)
            try ReportFile.write(dataset.thresholdsCSV(), toPath: base + "_thresholds.csv")
            try ReportFile.write(dataset.sizeBinsCSV(), toPath: base + "_size_bins.csv")
        }
        if let plots {
            do {
                try FileManager.default.createDirectory(atPath: plots, withIntermediateDirectories: true)
            } catch {
                throw EvaluationError.writeFailed(
                    path: plots, reason: "the folder cannot be created (\(error.localizedDescription))")
            }
            try dataset.writePlots(toFolder: plots)
        }
    }
}
