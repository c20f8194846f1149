import Imaging

/// Everything that can go wrong reading or writing an image file. Every case names the file
/// (`source`: a path, or a description such as "archive.npz/image.npy") and says what is wrong.
public enum ImageFormatsError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case unreadable(source: String, reason: String)
    /// The content matches none of the supported formats.
    case unrecognizedFormat(source: String)
    /// The file claims to be `format` but its bytes are inconsistent (truncated, bad header, bad offsets).
    case corrupt(source: String, format: FileFormat, reason: String)
    /// A valid file using a variant CellScribe does not read or write.
    case unsupported(source: String, format: FileFormat, feature: String)
    /// Decoding would exceed a configured limit (see `ReadLimits`).
    case tooLarge(source: String, what: String, requested: Int, limit: Int)
    /// The content cannot be turned into what was asked (an image, a label image).
    case incompatibleContent(source: String, reason: String)
    /// Writing failed; nothing was left at the destination.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            "cannot read '\(source)': \(reason)"
        case .unrecognizedFormat(let source):
            "'\(source)' is not a TIFF, PNG, NPY, NPZ or ImageJ ROI zip file"
        case .corrupt(let source, let format, let reason):
            "'\(source)' is not a valid \(format.displayName) file: \(reason)"
        case .unsupported(let source, let format, let feature):
            "'\(source)' uses a \(format.displayName) feature CellScribe does not support: \(feature)"
        case .tooLarge(let source, let what, let requested, let limit):
            "'\(source)' is too large: \(what) needs \(requested) but the limit is \(limit); raise the limit if the file is genuine"
        case .incompatibleContent(let source, let reason):
            "'\(source)': \(reason)"
        case .writeFailed(let path, let reason):
            "could not write '\(path)': \(reason)"
        }
    }
}
