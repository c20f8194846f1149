import Basics
import Crypto
import Foundation

/// Files under the data folder: images, scribbles, predictions and models, addressed by paths relative to
/// `root`. Every write is atomic and durable (a temporary file, fsync, rename, fsync of the folder; folders it
/// creates are made durable in their parents too) and returns the SHA-256 of the bytes, which the database
/// records; reads check it, so a file damaged on disk is reported, never silently used. A write that would leave
/// less than `reserveBytes` free on the disk is refused before anything is written.
public struct BlobStore: Sendable {
    /// Free space kept on the data folder's disk by default: room for the database to commit and logs to grow.
    public static let defaultReserveBytes = 256 << 20

    public let root: URL
    public let reserveBytes: Int

    /// Creates `root` when it is missing.
    public init(root: URL, reserveBytes: Int = BlobStore.defaultReserveBytes) throws {
        self.root = root
        self.reserveBytes = reserveBytes
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw StorageError.unreadableBlob(
                path: root.path, reason: "the data folder cannot be created (\(error.localizedDescription))")
        }
    }

    /// The absolute location of `path`.
    public func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Writes `data` to `path` atomically and durably (parent folders created) and returns its SHA-256 (hex).
    ///
    /// - Throws: `StorageError.insufficientSpace` before writing when the disk would keep less than
    ///   `reserveBytes`; `StorageError.unreadableBlob` when the write fails (the old file, if any, is untouched).
    @discardableResult
    public func write(_ data: Data, to path: String) throws -> String {
        try checkSpace(for: data.count)
        let target = url(path)
        try createFolders(for: path)
        if let failure = AtomicWrite.write(data, to: target) {
            if failure.isOutOfSpace { throw StorageError.insufficientSpace(needed: data.count, available: 0) }
            throw StorageError.unreadableBlob(path: path, reason: failure.reason)
        }
        return Self.checksum(of: data)
    }

    /// The bytes at `path`; when `checksum` is given they must match it.
    public func read(_ path: String, checksum: String? = nil) throws -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: url(path))
        } catch {
            throw StorageError.unreadableBlob(path: path, reason: "it is missing or unreadable")
        }
        if let checksum {
            let found = Self.checksum(of: data)
            guard found == checksum else {
                throw StorageError.corruptBlob(path: path, expected: checksum, found: found)
            }
        }
        return data
    }

    /// Copies the file at `source` into the store at `path` (atomically) and returns its checksum.
    @discardableResult
    public func importFile(_ source: URL, to path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: source)
        } catch {
            throw StorageError.unreadableBlob(path: source.path, reason: "it cannot be read")
        }
        return try write(data, to: path)
    }

    /// Bytes free for unprivileged writers on the data folder's disk, or nil where the system cannot tell.
    public func availableBytes() -> Int? {
        var stats = statvfs()
        guard statvfs(root.path, &stats) == 0 else { return nil }
        let (available, overflow) = Int(clamping: stats.f_bavail).multipliedReportingOverflow(by: Int(stats.f_frsize))
        return overflow ? Int.max : available
    }

    /// Throws `StorageError.insufficientSpace` when writing `count` more bytes would leave less than `reserveBytes`.
    public func checkSpace(for count: Int) throws {
        guard let available = availableBytes() else { return }
        let left = available - reserveBytes
        guard count <= left else { throw StorageError.insufficientSpace(needed: count, available: max(0, left)) }
    }

    /// Creates the folders of `path` that are missing, each made durable in its parent.
    private func createFolders(for path: String) throws {
        var folder = root
        for component in path.split(separator: "/").dropLast() {
            let parent = folder
            folder.appendPathComponent(String(component))
            guard !FileManager.default.fileExists(atPath: folder.path) else { continue }
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            } catch CocoaError.fileWriteFileExists {
                continue  // made meanwhile by a concurrent write
            } catch {
                guard !FileManager.default.fileExists(atPath: folder.path) else { continue }
                throw StorageError.unreadableBlob(path: path, reason: "its folder cannot be created")
            }
            if let failure = AtomicWrite.synchronizeDirectory(parent) {
                throw StorageError.unreadableBlob(path: path, reason: failure.reason)
            }
        }
    }

    /// Every file below `folder` (relative paths, sorted); empty when the folder is missing.
    public func files(under folder: String) -> [String] {
        let base = url(folder)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [String] = []
        let prefix = base.standardizedFileURL.path + "/"
        for case let file as URL in enumerator
        where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let full = file.standardizedFileURL.path
            guard full.hasPrefix(prefix) else { continue }
            files.append(
                folder.isEmpty ? String(full.dropFirst(prefix.count)) : "\(folder)/\(full.dropFirst(prefix.count))")
        }
        return files.sorted()
    }

    /// Removes `path` (a file or a folder); missing paths are fine.
    public func remove(_ path: String) {
        try? FileManager.default.removeItem(at: url(path))
    }

    /// Removes the files in `folder` whose names start with `prefix`.
    public func remove(in folder: String, prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(folder).path)) ?? []
        for name in names where name.hasPrefix(prefix) { remove("\(folder)/\(name)") }
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: url(path).path) }

    /// SHA-256 of `data` as 64 lowercase hex digits.
    public static func checksum(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
