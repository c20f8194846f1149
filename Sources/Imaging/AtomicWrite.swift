import Foundation

/// Writes files so that readers see either the old content or the complete new content, never a partial
/// file: data goes to a temporary file in the same folder, is flushed to disk, then renamed over the
/// destination. Modules wrap it to throw their own error type (`ImageFormats.AtomicFile`,
/// `Evaluation.ReportFile`).
public enum AtomicWrite {
    /// Writes `data` to `url` atomically.
    ///
    /// - Returns: nil on success, else the system's reason for the failure (the destination is then untouched
    ///   and the temporary file removed).
    public static func write(_ data: Data, to url: URL) -> String? {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(temporary.path) }
        return failure
    }
}
