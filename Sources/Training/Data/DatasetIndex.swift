import Foundation
import ImageFormats

/// Where a sample belongs.
public enum DatasetSplit: String, Sendable, Codable, CaseIterable {
    case train, validation, test

    /// Reads the split names used in CSV files: train, val/valid/validation, test (case-insensitive).
    init?(csvValue: String) {
        switch csvValue.trimmingCharacters(in: .whitespaces).lowercased() {
        case "train", "training": self = .train
        case "val", "valid", "validation": self = .validation
        case "test", "testing": self = .test
        default: return nil
        }
    }
}

/// One image and its label image, found on disk.
public struct DatasetEntry: Sendable, Equatable {
    /// The file name without its extension: the key images and labels are matched by.
    public var stem: String
    public var image: URL
    /// The label image; for an NPZ holding both arrays, the same file as `image`.
    public var labels: URL
    /// The split the dataset assigned, or nil where the trainer chooses (`--val-fraction`).
    public var split: DatasetSplit?
    /// False for an image without annotations, listed for self-supervision (scribbles task: it contributes to
    /// the reconstruction term only); `labels` then repeats `image`.
    public var hasLabels: Bool
    /// Scribbles task with several tasks: the scribble files of tasks 2, 3, ... (nil where this image has none
    /// for that task); `labels` holds the first task's.
    public var taskLabels: [URL?]

    public init(
        stem: String, image: URL, labels: URL, split: DatasetSplit? = nil, hasLabels: Bool = true,
        taskLabels: [URL?] = []
    ) {
        self.stem = stem
        self.image = image
        self.labels = labels
        self.split = split
        self.hasLabels = hasLabels
        self.taskLabels = taskLabels
    }
}

/// Lists the samples of a dataset: a folder of images with a folder of label images matched by file stem, or a
/// CSV file listing them.
public enum DatasetIndex {
    /// Extensions of files the readers understand (others, such as notes or CSV files, are skipped).
    public static let imageExtensions: Set<String> = ["tif", "tiff", "png", "npy", "npz"]
    /// Extensions of annotation files: images, and ImageJ ROI sets.
    public static let labelExtensions: Set<String> = imageExtensions.union(["zip", "roi"])

    /// Pairs each image in `images` with the file of the same stem in `labels`. Images without one are skipped,
    /// or with `includingUnlabelled` listed with `hasLabels` false (scribbles: self-supervision). For a
    /// scribbles model with several tasks, `taskLabels` are the further tasks' folders, matched the same way
    /// (`DatasetEntry.taskLabels`).
    ///
    /// - Throws: `TrainingError.invalidDataset` when a folder is missing or empty, when stems repeat within a
    ///   folder, or when no image has a label (naming a few stems of each side).
    public static func folders(
        images: URL, labels: URL, includingUnlabelled: Bool = false, taskLabels: [URL] = []
    ) throws -> [DatasetEntry] {
        let imageFiles = try filesByStem(in: images, role: "images")
        let labelFiles = try filesByStem(in: labels, role: "labels", extensions: labelExtensions)
        let taskFiles = try taskLabels.enumerated().map { t, folder in
            try filesByStem(in: folder, role: "task \(t + 2) scribbles", extensions: labelExtensions)
        }
        let entries = imageFiles.keys.sorted().compactMap { stem -> DatasetEntry? in
            let further = taskFiles.map { $0[stem] }
            guard let label = labelFiles[stem] else {
                return includingUnlabelled
                    ? DatasetEntry(
                        stem: stem, image: imageFiles[stem]!, labels: imageFiles[stem]!, hasLabels: false,
                        taskLabels: further)
                    : nil
            }
            return DatasetEntry(stem: stem, image: imageFiles[stem]!, labels: label, taskLabels: further)
        }
        guard entries.contains(where: \.hasLabels) else {
            let imageStems = imageFiles.keys.sorted().prefix(3).joined(separator: ", ")
            let labelStems = labelFiles.keys.sorted().prefix(3).joined(separator: ", ")
            throw TrainingError.invalidDataset(
                "no image in '\(images.path)' has a label image of the same name in '\(labels.path)' "
                    + "(images: \(imageStems), …; labels: \(labelStems), …)")
        }
        return entries
    }

    /// The files of `folder` with one of `extensions`, by stem.
    ///
    /// - Throws: `TrainingError.invalidDataset` when the folder is missing, holds no such file, or two files
    ///   share a stem.
    public static func filesByStem(in folder: URL, role: String, extensions: Set<String> = imageExtensions) throws
        -> [String: URL]
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw TrainingError.invalidDataset("the \(role) folder '\(folder.path)' does not exist") }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        var files: [String: URL] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            guard extensions.contains(url.pathExtension.lowercased()) else { continue }
            let stem = url.deletingPathExtension().lastPathComponent
            if let other = files[stem] {
                throw TrainingError.invalidDataset(
                    "the \(role) folder holds two files named '\(stem)': '\(other.lastPathComponent)' and '\(name)'")
            }
            files[stem] = url
        }
        guard !files.isEmpty else {
            throw TrainingError.invalidDataset(
                "the \(role) folder '\(folder.path)' holds no \(extensions.sorted().joined(separator: ", ")) file")
        }
        return files
    }
}
