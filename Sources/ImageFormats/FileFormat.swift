import Foundation

/// The file formats CellScribe reads and writes.
public enum FileFormat: String, Sendable, Codable, CaseIterable {
    case tiff
    case png
    case npy
    case npz
    case imagejROIZip = "roi-zip"

    /// Name for messages.
    public var displayName: String {
        switch self {
        case .tiff: "TIFF"
        case .png: "PNG"
        case .npy: "NPY"
        case .npz: "NPZ"
        case .imagejROIZip: "ImageJ ROI zip"
        }
    }

    /// The format the first bytes announce, or nil. Zip archives are told apart by their entry names:
    /// `.npy` entries make an NPZ, `.roi` entries an ImageJ ROI set (see `ImageFormats.detectFormat`).
    static func sniff(_ head: some Collection<UInt8>) -> FileFormat? {
        let b = Array(head.prefix(8))
        if b.count >= 4,
            (b[0] == 0x49 && b[1] == 0x49 && (b[2] == 42 || b[2] == 43) && b[3] == 0)
                || (b[0] == 0x4D && b[1] == 0x4D && b[2] == 0 && (b[3] == 42 || b[3] == 43))
        {
            return .tiff
        }
        if b.count >= 8, b == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if b.count >= 6, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) { return .npy }
        if b.count >= 4, b[0] == 0x50, b[1] == 0x4B, (b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) {
            return .npz  // refined by entry names
        }
        return nil
    }

    /// The format a file name's extension suggests (used for writing, and as a tie-breaker).
    public static func fromExtension(of url: URL) -> FileFormat? {
        switch url.pathExtension.lowercased() {
        case "tif", "tiff", "btf", "tf8": .tiff
        case "png": .png
        case "npy": .npy
        case "npz": .npz
        case "zip", "roi": .imagejROIZip
        default: nil
        }
    }
}
