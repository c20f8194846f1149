import Foundation

/// Reading and writing zip archives in memory: reading through `ZipDirectory` (every offset and size
/// checked, entry count and total decompressed size limited before anything is inflated), writing
/// through `ZipWriter`.
enum ZipEntries {
    /// Paths of the file entries, or nil when `data` is not a readable zip archive.
    static func names(in data: Data) -> [String]? {
        (try? ZipDirectory(data, maxEntries: .max))?.files.map(\.name)
    }

    /// The contents of the file entries accepted by `include`, in archive order.
    ///
    /// Throws `corrupt` naming the archive and entry when something is damaged, `unsupported` for encrypted
    /// entries and compression methods other than stored and deflate, and `tooLarge` when the entries
    /// accepted would exceed `limits.maxArchiveEntries` or `limits.maxArchiveBytes` (checked from the
    /// directory before inflating; inflating never writes more than an entry states).
    static func read(
        _ data: Data, source: String, format: FileFormat, limits: ReadLimits,
        include: (String) -> Bool = { _ in true }
    ) throws -> [(name: String, bytes: Data)] {
        do {
            let directory = try ZipDirectory(data, maxEntries: limits.maxArchiveEntries)
            let wanted = directory.files.filter { include($0.name) }
            guard wanted.count <= limits.maxArchiveEntries else {
                throw ImageFormatsError.tooLarge(
                    source: source, what: "archive entries", requested: wanted.count, limit: limits.maxArchiveEntries)
            }
            var total = 0
            for entry in wanted {
                let (sum, overflow) = total.addingReportingOverflow(entry.uncompressedSize)
                total = overflow ? .max : sum
                guard total <= limits.maxArchiveBytes else {
                    throw ImageFormatsError.tooLarge(
                        source: source, what: "decompressed archive bytes", requested: total,
                        limit: limits.maxArchiveBytes)
                }
            }
            return try wanted.map { (name: $0.name, bytes: try directory.contents(of: $0)) }
        } catch let failure as ZipDirectory.Failure {
            switch failure {
            case .corrupt(let reason):
                throw ImageFormatsError.corrupt(source: source, format: format, reason: reason)
            case .unsupported(let feature):
                throw ImageFormatsError.unsupported(source: source, format: format, feature: feature)
            }
        }
    }

    /// A zip archive holding `entries` in order, deflated when `compress` is true (an entry that does not
    /// shrink is stored). Throws `writeFailed` for archives that would need Zip64 (over 4 GiB or 65 535 entries).
    static func write(_ entries: [(name: String, bytes: Data)], compress: Bool, path: String) throws -> Data {
        do {
            var writer = ZipWriter()
            for (name, bytes) in entries {
                try writer.add(name: name, bytes: bytes, compress: compress)
            }
            return try writer.finish()
        } catch let failure as ZipWriter.Failure {
            throw ImageFormatsError.writeFailed(path: path, reason: "zip: \(failure.reason)")
        }
    }
}
