import Foundation

/// Atomic writes of text reports: the text goes to a temporary file in the destination's folder, is flushed,
/// then renamed over the destination, so a reader sees the old file or the complete new one.
///
/// This mirrors `ImageFormats.AtomicFile`; Metrics depends only on Imaging, so it keeps its own copy.
public enum ReportFile {
    /// Writes `text` as UTF-8 to `path`. Throws `MetricsError.writeFailed` (the destination is then untouched
    /// and the temporary file removed).
    public static func write(_ text: String, toPath path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw MetricsError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
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
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw MetricsError.writeFailed(path: path, reason: failure)
        }
    }
}
