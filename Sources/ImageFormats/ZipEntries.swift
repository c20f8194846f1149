import Foundation
import ZIPFoundation

/// Reading and writing zip archives in memory, guarded against zip bombs: entry count and the total
/// number of decompressed bytes are counted while inflating, not trusted from the headers.
enum ZipEntries {
    /// Paths of the file entries, or nil when `data` is not a readable zip archive.
    static func names(in data: Data) -> [String]? {
        guard let (archive, file) = try? openForReading(data) else { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        return archive.filter { $0.type == .file }.map(\.path)
    }

    /// Opens `data` as an archive backed by a temporary file. ZIPFoundation's in-memory reader traps on
    /// corrupted archives (a range check fails inside it); its file-backed reader fails with an error.
    /// The caller removes the returned file.
    private static func openForReading(_ data: Data) throws -> (Archive, URL) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-\(UUID().uuidString).zip")
        try data.write(to: file)
        do {
            return (try Archive(url: file, accessMode: .read), file)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// The contents of the file entries accepted by `include`, in archive order.
    static func read(
        _ data: Data, source: String, format: FileFormat, limits: ReadLimits,
        include: (String) -> Bool = { _ in true }
    ) throws -> [(name: String, bytes: Data)] {
        let archive: Archive
        let file: URL
        do {
            (archive, file) = try openForReading(data)
        } catch {
            throw ImageFormatsError.corrupt(source: source, format: format, reason: "not a readable zip archive")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        var out: [(name: String, bytes: Data)] = []
        var total = 0
        var entryCount = 0
        for entry in archive where entry.type == .file && include(entry.path) {
            entryCount += 1
            guard entryCount <= limits.maxArchiveEntries else {
                throw ImageFormatsError.tooLarge(
                    source: source, what: "archive entries", requested: entryCount, limit: limits.maxArchiveEntries)
            }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    total += chunk.count
                    guard total <= limits.maxArchiveBytes else {
                        throw ImageFormatsError.tooLarge(
                            source: source, what: "decompressed archive bytes", requested: total,
                            limit: limits.maxArchiveBytes)
                    }
                    bytes.append(chunk)
                }
            } catch let error as ImageFormatsError {
                throw error
            } catch {
                throw ImageFormatsError.corrupt(
                    source: source, format: format, reason: "entry '\(entry.path)' cannot be decompressed (\(error))")
            }
            out.append((entry.path, bytes))
        }
        return out
    }

    /// A zip archive holding `entries` in order, deflated when `compress` is true.
    static func write(_ entries: [(name: String, bytes: Data)], compress: Bool, path: String) throws -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, bytes) in entries {
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: Int64(bytes.count),
                    compressionMethod: compress ? .deflate : .none
                ) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else {
                throw ImageFormatsError.writeFailed(path: path, reason: "the zip archive could not be assembled")
            }
            return data
        } catch let error as ImageFormatsError {
            throw error
        } catch {
            throw ImageFormatsError.writeFailed(path: path, reason: "zip: \(error)")
        }
    }
}
