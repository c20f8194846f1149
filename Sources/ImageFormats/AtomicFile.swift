import Basics
import Foundation
import Imaging

/// Atomic file writes (see `Imaging.AtomicWrite`) that fail with `ImageFormatsError.writeFailed`.
public enum AtomicFile {
    /// Writes `data` to `url` atomically. Throws `ImageFormatsError.writeFailed`; on failure the
    /// destination is untouched and the temporary file is removed.
    public static func write(_ data: Data, to url: URL) throws {
        if let failure = AtomicWrite.write(data, to: url) {
            throw ImageFormatsError.writeFailed(path: url.path, reason: failure.reason)
        }
    }
}
