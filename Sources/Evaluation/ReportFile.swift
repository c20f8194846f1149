import Basics
import Foundation
import Imaging

/// Atomic writes of text reports (see `Imaging.AtomicWrite`): a reader sees the old file or the complete new one.
public enum ReportFile {
    /// Writes `text` as UTF-8 to `path`. Throws `EvaluationError.writeFailed` (the destination is then untouched
    /// and the temporary file removed).
    public static func write(_ text: String, toPath path: String) throws {
        if let failure = AtomicWrite.write(Data(text.utf8), to: URL(fileURLWithPath: path)) {
            throw EvaluationError.writeFailed(path: path, reason: failure.reason)
        }
    }
}
