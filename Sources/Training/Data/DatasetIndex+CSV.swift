import Foundation

extension DatasetIndex {
    /// Column names accepted for each field (lower case); ImPartial's `files.csv` uses input_file, prefix, group.
    static let imageColumns = ["image", "input_file", "input", "image_file"]
    static let labelColumns = ["label", "labels", "label_file", "mask", "mask_file"]
    static let splitColumns = ["split", "group", "set", "subset"]
    static let stemColumns = ["stem", "prefix", "name"]

    /// Reads a CSV list of samples: a header row, then one row per sample. Paths are relative to the CSV's
    /// folder unless absolute. Without a label column the image file must hold the labels too (an NPZ with
    /// `image` and `label` arrays, as ImPartial stores them). Split values: train, val/validation, test; empty
    /// leaves the choice to the trainer.
    ///
    /// - Throws: `TrainingError.invalidDataset` naming the line for a missing column, an unknown split or a
    ///   listed file that does not exist.
    public static func csv(_ url: URL) throws -> [DatasetEntry] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TrainingError.invalidDataset(
                "cannot read the dataset list '\(url.path)': \(error.localizedDescription)")
        }
        let rows = CSVRows.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw TrainingError.invalidDataset("the dataset list '\(url.path)' is empty")
        }
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let imageColumn = column(imageColumns) else {
            throw TrainingError.invalidDataset(
                "the dataset list '\(url.path)' has no image column (one of \(imageColumns.joined(separator: ", ")); "
                    + "header: \(header.joined(separator: ", ")))")
        }
        let (labelColumn, splitColumn, stemColumn) = (column(labelColumns), column(splitColumns), column(stemColumns))
        let folder = url.deletingLastPathComponent()
        var entries: [DatasetEntry] = []
        for (offset, row) in rows.enumerated().dropFirst() where !row.allSatisfy({ $0.isEmpty }) {
            let line = offset + 1
            func field(_ index: Int?) -> String? {
                guard let index, index < row.count else { return nil }
                let value = row[index].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            guard let imagePath = field(imageColumn) else {
                throw TrainingError.invalidDataset("line \(line) of '\(url.path)' names no image")
            }
            let image = resolve(imagePath, in: folder)
            let labels = field(labelColumn).map { resolve($0, in: folder) } ?? image
            var split: DatasetSplit?
            if let value = field(splitColumn) {
                guard let parsed = DatasetSplit(csvValue: value) else {
                    throw TrainingError.invalidDataset(
                        "line \(line) of '\(url.path)': split '\(value)' is not train, val or test")
                }
                split = parsed
            }
            for file in Set([image, labels]) where !FileManager.default.fileExists(atPath: file.path) {
                throw TrainingError.invalidDataset("line \(line) of '\(url.path)': '\(file.path)' does not exist")
            }
            let stem = field(stemColumn) ?? image.deletingPathExtension().lastPathComponent
            entries.append(DatasetEntry(stem: stem, image: image, labels: labels, split: split))
        }
        guard !entries.isEmpty else {
            throw TrainingError.invalidDataset("the dataset list '\(url.path)' lists no sample")
        }
        return entries
    }

    private static func resolve(_ path: String, in folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    }
}

/// A minimal RFC 4180 reader: comma-separated fields, double quotes around fields that hold commas, quotes or
/// line breaks, and "" for a quote inside them.
enum CSVRows {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
