import CImageCodecs
import Foundation
import Imaging

/// Writes rasters as ImageJ-compatible TIFF stacks that Fiji opens with the right dimensions.
///
/// Layout: one single-sample page per (z, c), channel fastest (ImageJ's order), each Deflate-compressed;
/// page 0 carries the ImageJ description (images, channels, slices, unit, spacing), the X/Y resolution
/// (1/spacing, ResolutionUnit none) and, when the raster names its channels, ImageJ slice labels.
enum TIFFWriter {
    /// Files whose samples approach 4 GiB are written as BigTIFF (classic TIFF offsets are 32-bit).
    private static let bigTIFFThreshold = 3 << 30

    /// The encoded file. Throws `unsupported` for axes other than a subsequence of C, Z, Y, X (after
    /// reordering) or sample types other than uint8, uint16, uint32, float32; `writeFailed` on libtiff errors.
    static func encode(_ raster: DecodedRaster, path: String) throws -> Data {
        let sorted = raster.canonical()
        guard sorted.axes.allSatisfy({ $0 != .t }) || sorted.extent(.t) == 1, sorted.axes.suffix(2) == [.y, .x] else {
            throw ImageFormatsError.unsupported(
                source: path, format: .tiff,
                feature: "writing axes \(raster.axes.map(\.rawValue).joined()) (TIFF output takes C, Z, Y, X)")
        }
        let (bits, format) = try sampleLayout(sorted.array.elementType, path: path)
        let (c, z, h, w) = (sorted.extent(.c), sorted.extent(.z), sorted.extent(.y), sorted.extent(.x))
        guard c > 0, z > 0, h > 0, w > 0, h <= Int(UInt32.max), w <= Int(UInt32.max) else {
            throw ImageFormatsError.unsupported(
                source: path, format: .tiff, feature: "an empty image (shape \(raster.array.shape))")
        }
        let description = imageJDescription(channels: c, slices: z, spacing: raster.spacing)
        let labels = raster.channelNames.flatMap { $0.count == c ? $0 : nil }.map { names in
            // libtiff writes host (little-endian) byte order.
            ImageJMetadataBlock.encode(labels: (0..<z * c).map { names[$0 % c] }, bigEndian: false)
        }
        var messages = cs_tiff_messages()
        guard let writer = cs_tiff_writer_open(sorted.array.bytes.count > bigTIFFThreshold ? 1 : 0, &messages) else {
            throw failure(path, messages, "cannot start the TIFF")
        }
        defer { cs_tiff_writer_free(writer) }

        let planeBytes = h * w * (bits / 8)
        try sorted.array.bytes.withUnsafeBytes { raw in
            // Array order is (C, Z, Y, X); ImageJ wants pages (z, c) with c fastest.
            for zi in 0..<z {
                for ci in 0..<c {
                    let first = zi == 0 && ci == 0
                    let plane = raw.baseAddress! + (ci * z + zi) * planeBytes
                    try addPage(
                        writer, width: w, height: h, bits: bits, format: format, spacing: raster.spacing,
                        description: first ? description : nil, labels: first ? labels : nil, pixels: plane, path: path)
                }
            }
        }
        var out: UnsafePointer<UInt8>?
        var size = 0
        guard cs_tiff_writer_finish(writer, &out, &size) != 0, let out else {
            throw failure(path, cs_tiff_writer_messages(writer).pointee, "cannot complete the TIFF")
        }
        return Data(bytes: out, count: size)
    }

    /// Bits per sample and TIFF SampleFormat (1 unsigned, 3 float) for `type`.
    private static func sampleLayout(_ type: ElementType, path: String) throws -> (Int, UInt16) {
        switch type {
        case .uint8: return (8, 1)
        case .uint16: return (16, 1)
        case .uint32: return (32, 1)
        case .float32: return (32, 3)
        default:
            throw ImageFormatsError.unsupported(
                source: path, format: .tiff,
                feature: "writing \(type) samples (TIFF output takes uint8, uint16, uint32, float32)")
        }
    }

    /// The ImageJ description for a (C, Z) stack, with only the keys that apply.
    static func imageJDescription(channels c: Int, slices z: Int, spacing: Spacing?) -> String {
        var lines = ["ImageJ=1.11a"]
        if c * z > 1 { lines.append("images=\(c * z)") }
        if c > 1 { lines.append("channels=\(c)") }
        if z > 1 { lines.append("slices=\(z)") }
        if c > 1 { lines += ["hyperstack=true", "mode=grayscale"] }
        if let spacing {
            lines.append("unit=\(ImageJDescription.escape(spacing.unit))")
            if z > 1, let dz = spacing.z, dz.isFinite, dz > 0 { lines.append("spacing=\(dz)") }
        }
        lines.append("loop=false")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func addPage(
        _ writer: OpaquePointer, width: Int, height: Int, bits: Int, format: UInt16, spacing: Spacing?,
        description: String?, labels: (counts: [UInt32], bytes: [UInt8])?, pixels: UnsafeRawPointer, path: String
    ) throws {
        var spec = cs_tiff_page_spec()
        spec.width = UInt32(width)
        spec.height = UInt32(height)
        spec.bits_per_sample = UInt16(bits)
        spec.sample_format = format
        if let spacing, spacing.x.isFinite, spacing.x > 0, spacing.y.isFinite, spacing.y > 0 {
            spec.has_resolution = 1
            spec.x_resolution = 1 / spacing.x
            spec.y_resolution = 1 / spacing.y
        }
        let ok = (description ?? "").withCString { text in
            (labels?.counts ?? []).withUnsafeBufferPointer { counts in
                (labels?.bytes ?? []).withUnsafeBufferPointer { bytes in
                    spec.description = description == nil ? nil : text
                    if labels != nil {
                        spec.ij_metadata = bytes.baseAddress
                        spec.ij_metadata_size = UInt32(bytes.count)
                        spec.ij_metadata_counts = counts.baseAddress
                        spec.ij_metadata_count_count = UInt32(counts.count)
                    }
                    return cs_tiff_writer_add_page(writer, &spec, pixels) != 0
                }
            }
        }
        guard ok else { throw failure(path, cs_tiff_writer_messages(writer).pointee, "cannot write a page") }
    }

    private static func failure(_ path: String, _ messages: cs_tiff_messages, _ what: String) -> ImageFormatsError {
        let detail = TIFFReader.text(messages.error, or: "")
        return .writeFailed(path: path, reason: detail.isEmpty ? what : "\(what): \(detail)")
    }
}
