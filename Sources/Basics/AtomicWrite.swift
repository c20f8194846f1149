import Foundation

/// Writes files so that readers see either the old content or the complete new content, never a partial
/// file, and so that a completed write survives a crash: data goes to a temporary file in the same folder, is
/// flushed to disk, renamed over the destination, and the folder is flushed so the rename itself is durable.
/// Modules wrap it to throw their own error type (`ImageFormats.AtomicFile`, `Evaluation.ReportFile`,
/// `Tensors.ModelFile`, `Storage.BlobStore`).
public enum AtomicWrite {
    /// Why a write failed: the system's error number and its text.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var code: Int32
        public var reason: String

        init(code: Int32) {
            self.code = code
            reason = String(cString: strerror(code))
        }

        /// Whether the disk (or the user's quota) is full.
        public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
        public var description: String { reason }
    }

    /// Writes `data` to `url` atomically and durably.
    ///
    /// - Returns: nil on success, else the system's reason for the failure (the destination is then untouched
    ///   and the temporary file removed).
    public static func write(_ data: Data, to url: URL) -> Failure? {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { return Failure(code: errno) }
        var failure = writeAll(data, to: descriptor)
        if failure == nil, fsync(descriptor) != 0 { failure = Failure(code: errno) }
        if close(descriptor) != 0, failure == nil { failure = Failure(code: errno) }
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = Failure(code: errno) }
        if failure != nil {
            unlink(temporary.path)
            return failure
        }
        return synchronizeDirectory(directory)
    }

    /// Flushes a folder's entries (a rename or a new file in it) to disk.
    ///
    /// - Returns: nil on success, else the system's reason for the failure.
    public static func synchronizeDirectory(_ directory: URL) -> Failure? {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return Failure(code: errno) }
        defer { close(descriptor) }
        return fsync(descriptor) == 0 ? nil : Failure(code: errno)
    }

    /// Writes every byte, retrying interrupted and short writes; returns the error text on failure.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Failure? {
        data.withUnsafeBytes { raw -> Failure? in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return Failure(code: errno)
                }
                offset += written
            }
            return nil
        }
    }
}
