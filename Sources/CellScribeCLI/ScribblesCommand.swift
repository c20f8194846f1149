import ArgumentParser
import Foundation
import ImageFormats
import Scribbles
import Training

/// `cellscribe scribbles`: scribbles drawn from ground-truth instances, to benchmark learning from scribbles.
struct ScribblesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scribbles",
        abstract: "Generate scribbles from ground-truth instance labels.",
        discussion: """
            For each label image in --labels, writes <stem>.png (or the --format given) to --out: 1 on \
            foreground strokes (cell skeletons and a ring 3 px inside each outline), 255 on background strokes \
            (the skeleton of a 4 px band around the scribbled cells and of the far background near them), 0 \
            elsewhere. Cells are chosen box by box (32x32 around a random cell pixel) until the budget is \
            reached; the result depends only on the labels, the budget and --seed. For a 3D label stack the box \
            lies in the slice of the drawn voxel and its cells are scribbled in that slice only, as in a slice \
            viewer; stacks are written as TIFF when the format is png.
            """
    )

    @Option(help: ArgumentHelp("Folder of instance label images.", valueName: "dir")) var labels: String
    @Option(help: ArgumentHelp("Scribble this fraction of each image's cells (rounded up).", valueName: "f"))
    var fraction: Double?
    @Option(help: ArgumentHelp("Scribble this many cells per image.", valueName: "n")) var count: Int?
    @Option(help: "Seed of the random choice of cells.") var seed: UInt64 = 43
    @Option(help: ArgumentHelp("Folder for the scribbles (created if missing).", valueName: "dir")) var out: String
    @Option(help: "File format: png, tif or npz (ImPartial's scribble layout).") var format: String = "png"

    func validate() throws {
        guard (fraction == nil) != (count == nil) else { throw ValidationError("give --fraction or --count") }
        // The generator owns the budget's range; its error names --fraction or --count (`CommandLineErrors`).
        try ScribbleGenerator(budget: budget, seed: seed).validateBudget()
        guard ["png", "tif", "tiff", "npz"].contains(format.lowercased()) else {
            throw ValidationError("--format must be png, tif or npz, not '\(format)'")
        }
    }

    var budget: ScribbleBudget { fraction.map { .fraction($0) } ?? .count(count ?? 0) }

    func run() throws {
        let files = try DatasetIndex.filesByStem(
            in: URL(fileURLWithPath: labels), role: "labels", extensions: DatasetIndex.labelExtensions)
        let outFolder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        let generator = ScribbleGenerator(budget: budget, seed: seed)
        var failures = 0
        for (stem, url) in files.sorted(by: { $0.key < $1.key }) {
            do {
                let truth = try ImageFormats.readLabels(url)
                let map = try generator.scribbles(for: truth)
                let fileFormat = truth.isVolume && format.lowercased() == "png" ? "tif" : format.lowercased()
                try ScribbleFiles.write(map, to: outFolder.appendingPathComponent("\(stem).\(fileFormat)"))
                let cells = Set(truth.labels.filter { $0 != 0 }).count
                print(
                    "\(stem)  \(budget.instances(of: cells)) of \(cells) cells  "
                        + "\(map.count(of: 1)) foreground, \(map.count(of: ScribbleMap.background)) background pixels")
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(url.path): \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
