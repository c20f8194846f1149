import ArgumentParser
import Basics
import Foundation
import ImageFormats
import Imaging
import Settings
import Training

/// `cellscribe predict`: label images (and probability maps) from a trained model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Segment images with a trained model.",
        discussion: """
            Images of any size are predicted in overlapping tiles blended without seams. For each image \
            <stem>.tif (instance labels, or classes for a classes model) is written to --out (for a scribbles \
            model with several tasks, the first task's; the others' go to <stem>_task2.tif, ...), and with \
            --probabilities <stem>_prob.tif (float32, one channel per class of every task), and with --uncertainty \
            <stem>_entropy.tif (binary entropy of the foreground probability, nats) and <stem>_variance.tif (each \
            class probability's variance over the Monte Carlo dropout passes; 8 passes unless --mc-samples says). \
            One line per image reports the instances found, the mean entropy and the time taken; the last line \
            the throughput. With --uncertainty, uncertainty.csv in --out ranks the images by mean entropy (most \
            uncertain first: annotate these next) with each image's most uncertain 64x64 region.
            """
    )

    @Option(help: ArgumentHelp("Model written by `cellscribe train`.", valueName: "model")) var model: String
    @Option(parsing: .upToNextOption, help: ArgumentHelp("A folder of images, or image files.", valueName: "dir|file"))
    var images: [String]
    @Option(help: ArgumentHelp("Folder for the results (created if missing).", valueName: "dir")) var out: String
    @Flag(help: "Also write <stem>_prob.tif probability maps.") var probabilities = false
    @Option(help: ArgumentHelp("Largest tile YxX or ZxYxX (default: from the training patch).", valueName: "size"))
    var tile: ShapeArgument?
    @Flag(help: "Also write <stem>_entropy.tif and <stem>_variance.tif uncertainty maps.") var uncertainty = false
    @Option(
        help: ArgumentHelp(
            "Average this many Monte Carlo dropout passes (0: one plain pass; default 0, or 8 with --uncertainty).",
            valueName: "n"))
    var mcSamples: Int?
    @Flag(help: "Average the predictions of the image and its three mirror images (4x the time).") var flips = false
    @Option(help: "Foreground probability threshold (default: the model's).") var foregroundThreshold: Float?
    @Option(help: "Interior probability threshold for seeds (default: the model's).") var seedThreshold: Float?
    @Option(help: ArgumentHelp("Smallest object kept, pixels (default: the model's).", valueName: "n")) var minSize:
        Int?
    @Option(
        help: ArgumentHelp(
            "Binary and scribbles models: split touching cells at distance peaks this high, pixels (0: no split).",
            valueName: "h"))
    var splitHeight: Float?
    @Option(
        help: ArgumentHelp(
            "Instances models: split seeds at distance peaks this high, pixels (0: no split; default: the model's).",
            valueName: "h"))
    var seedSplitHeight: Float?
    @Option(
        help: ArgumentHelp(
            "Median diameter of the cells in these images, pixels: models trained at a cell diameter resize images by "
                + "it instead of estimating it from a first pass.", valueName: "d"))
    var cellDiameter: Double?
    @Flag(help: "Print one JSON object per image instead of text.") var json = false
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image or folder with --images") }
        if let mcSamples, mcSamples < 0 { throw ValidationError("--mc-samples must be 0 or more, not \(mcSamples)") }
        for (name, value) in [("--foreground-threshold", foregroundThreshold), ("--seed-threshold", seedThreshold)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(name) must lie in [0, 1], not \(value)") }
        }
        if let cellDiameter, !(cellDiameter > 0 && TrainingLimits.cellDiameter.contains(cellDiameter)) {
            throw ValidationError(
                "--cell-diameter must be a diameter in pixels above 0, up to \(TrainingLimits.cellDiameter.maximum), not \(cellDiameter)"
            )
        }
        if let splitHeight, !(splitHeight >= 0) {
            throw ValidationError("--split-height must be 0 or more, not \(splitHeight)")
        }
        if let seedSplitHeight, !(seedSplitHeight >= 0) {
            throw ValidationError("--seed-split-height must be 0 or more, not \(seedSplitHeight)")
        }
    }

    func run() throws {
        try threads.apply()
        let model = try SegmentationModel(contentsOf: URL(fileURLWithPath: self.model))
        let files = try Self.imageFiles(images)
        let outFolder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        let predictor = try model.predictor(tileShape: tile?.extents)
        var reports: [PredictedImage] = []
        var failures = 0
        for file in files {
            do {
                let report = try predict(file, model: model, predictor: predictor, into: outFolder)
                reports.append(report)
                print(json ? try report.jsonLine() : report.text)
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(file.path): \(error)\n".utf8))
            }
        }
        if uncertainty { try writeRanking(reports, to: outFolder.appendingPathComponent("uncertainty.csv")) }
        let summary = PredictionSummary(reports: reports, failed: failures)
        print(json ? try summary.jsonLine() : summary.text)
        if failures > 0 { throw ExitCode(1) }
    }

    /// The instance options the flags ask for: the model's, with each given threshold replaced.
    func instanceOptions(of model: SegmentationModel) -> InstanceOptions {
        var options = model.info.instances
        if let foregroundThreshold { options.foregroundThreshold = foregroundThreshold }
        if let seedThreshold { options.seedThreshold = seedThreshold }
        if let minSize { options.minimumSize = minSize }
        if let splitHeight { options.splitHeight = splitHeight }
        if let seedSplitHeight { options.seedSplitHeight = seedSplitHeight }
        return options
    }

    /// Segments one image file and writes its maps into `outFolder`.
    private func predict(
        _ file: URL, model: SegmentationModel, predictor: TiledPredictor, into outFolder: URL
    ) throws -> PredictedImage {
        let stem = file.deletingPathExtension().lastPathComponent
        let start = ContinuousClock.now
        let image = try ImageFormats.readImage(file)
        let result = try model.segment(
            image, source: file.path, predictor: predictor, instances: instanceOptions(of: model),
            monteCarloSamples: mcSamples ?? (uncertainty ? 8 : 0), flipAveraging: flips,
            measuresUncertainty: uncertainty,
            cellDiameter: cellDiameter)
        func write(_ values: [Float], _ suffix: String) throws {
            let maps = try Image(
                shape: [values.count / image.planeCount] + image.spatialShape, pixels: values, sourceType: .float32,
                spacing: image.spacing)
            try ImageFormats.write(maps, to: outFolder.appendingPathComponent("\(stem)_\(suffix).tif"))
        }
        try ImageFormats.write(result.labels, to: outFolder.appendingPathComponent("\(stem).tif"))
        for (t, labels) in result.taskLabels.enumerated() {
            try ImageFormats.write(labels, to: outFolder.appendingPathComponent("\(stem)_task\(t + 2).tif"))
        }
        if probabilities { try write(result.probabilities, "prob") }
        if let entropy = result.entropy { try write(entropy, "entropy") }
        if let variance = result.variance { try write(variance, "variance") }
        return PredictedImage(
            image: stem, shape: image.spatialShape, instances: result.labels.instanceCount,
            meanEntropy: result.meanEntropy,
            uncertainRegion: result.uncertainRegions(count: 1).first, seconds: (ContinuousClock.now - start).seconds)
    }

    /// `uncertainty.csv`: images by mean entropy, most uncertain first, with their most uncertain region.
    private func writeRanking(_ reports: [PredictedImage], to url: URL) throws {
        var csv = "rank,image,mean_entropy,region_y,region_x,region_size,region_mean_entropy\n"
        let ranked = reports.compactMap { report in
            report.meanEntropy.flatMap { entropy in report.uncertainRegion.map { (report.image, entropy, $0) } }
        }
        for (rank, (stem, meanEntropy, r)) in ranked.sorted(by: { $0.1 > $1.1 }).enumerated() {
            csv += "\(rank + 1),\(stem),\(meanEntropy),\(r.y),\(r.x),\(r.size),\(r.meanUncertainty)\n"
        }
        try AtomicFile.write(Data(csv.utf8), to: url)
    }

    /// Image files named directly, and the image files of named folders (sorted).
    static func imageFiles(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("'\(path)' does not exist")
            }
            guard isDirectory.boolValue else {
                files.append(URL(fileURLWithPath: path))
                continue
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            files += names.filter { !$0.hasPrefix(".") }.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
                .filter { DatasetIndex.imageExtensions.contains($0.pathExtension.lowercased()) }
        }
        guard !files.isEmpty else {
            throw ValidationError("no TIFF, PNG, NPY or NPZ image in \(paths.joined(separator: ", "))")
        }
        return files
    }
}
