import Basics
import Crypto
import Foundation

/// Files under the data folder: images, scribbles, predictions and models, addressed by paths relative to
/// `root`. Every write is atomic (write a temporary file, then rename) and returns the SHA-256 of the bytes, which
/// the database records; reads check it, so a file damaged on disk is reported, never silently used.
public struct BlobStore: Sendable {
    public let root: URL

    /// Creates `root` when it is missing.
    public init(root: URL) throws {
        self.root = root
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw StorageError.unreadableBlob(
                path: root.path, reason: "the data folder cannot be created (\(error.localizedDescription))")
        }
    }

    /// The absolute location of `path`.
    public func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Writes `data` to `path` atomically (parent folders created) and returns its SHA-256 (hex).
    @discardableResult
    public func write(_ data: Data, to path: String) throws -> String {
        let target = url(path)
        do {
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StorageError.unreadableBlob(path: path, reason: "its folder cannot be created")
        }
        if let failure = AtomicWrite.write(data, to: target) {
            throw StorageError.unreadableBlob(path: path, reason: failure)
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
