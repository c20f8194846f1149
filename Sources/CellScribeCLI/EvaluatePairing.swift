import Evaluation
import Foundation
import ImageFormats

/// Which prediction goes with which ground truth: files are paired by stem (the name without its
/// extension, and without `.ome` before `.tif`), so `a.tif` in the prediction folder matches `a.png` in the
/// ground-truth folder.
///
/// Only files with an extension of a format CellScribe reads count; hidden files and folders are ignored, and
/// so are predictions whose stem ends in `_prob`, `_entropy` or `_variance` (the maps `predict` writes beside
/// its labels).
struct EvaluatePairing: Equatable {
    /// One image: its stem and both files.
    struct Pair: Equatable {
        var stem: String
        var prediction: URL
        var truth: URL
    }

    /// Stem suffixes of prediction files that are not label images.
    static let ignoredPredictionSuffixes = ["_prob", "_entropy", "_variance"]

    /// Pairs in stem order.
    var pairs: [Pair]
    /// Files without a partner, one sentence each (printed on stderr).
    var warnings: [String]

    /// Pairs the files of two folders. Throws `EvaluationError.missingFolder`, `duplicateStem`, or
    /// `noMatchingStems` (listing a few stems of each side).
    init(predictionFolder: String, truthFolder: String) throws {
        let predictions = try Self.filesByStem(in: predictionFolder, role: "prediction").filter { stem, _ in
            !Self.ignoredPredictionSuffixes.contains { stem.hasSuffix($0) }
        }
        let truths = try Self.filesByStem(in: truthFolder, role: "ground-truth")
        let common = Set(predictions.keys).intersection(truths.keys)
        guard !common.isEmpty else {
            throw EvaluationError.noMatchingStems(
                predictionFolder: predictionFolder, predictionStems: predictions.keys.sorted(),
                truthFolder: truthFolder, truthStems: truths.keys.sorted())
        }
        pairs = common.sorted().map { Pair(stem: $0, prediction: predictions[$0]!, truth: truths[$0]!) }
        func unpaired(_ files: [String: URL], _ role: String, _ missing: String, _ folder: String) -> [String] {
            files.filter { !common.contains($0.key) }.sorted { $0.key < $1.key }.map { stem, url in
                "\(role) '\(url.lastPathComponent)' has no \(missing) with the stem '\(stem)' in '\(folder)'; skipped"
            }
        }
        warnings =
            unpaired(predictions, "prediction", "ground truth", truthFolder)
            + unpaired(truths, "ground truth", "prediction", predictionFolder)
    }

    /// The readable files of `folder` keyed by stem.
    static func filesByStem(in folder: String, role: String) throws -> [String: URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvaluationError.missingFolder(role: role, path: folder)
        }
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var byStem: [String: [URL]] = [:]
        for name in names where !name.hasPrefix(".") {
            let file = url.appendingPathComponent(name)
            var fileIsFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &fileIsFolder),
                !fileIsFolder.boolValue,
                FileFormat.fromExtension(of: file) != nil
            else { continue }
            byStem[stem(of: name), default: []].append(file)
        }
        var result: [String: URL] = [:]
        for (stem, files) in byStem {
            guard files.count == 1 else {
                throw EvaluationError.duplicateStem(
                    folder: folder, stem: stem, files: files.map(\.lastPathComponent).sorted())
            }
            result[stem] = files[0]
        }
        return result
    }

    /// The file name without its extension, and without `.ome` of `.ome.tif`/`.ome.tiff`.
    static func stem(of name: String) -> String {
        var stem = (name as NSString).deletingPathExtension
        if stem.lowercased().hasSuffix(".ome") { stem.removeLast(4) }
        return stem
    }
}
