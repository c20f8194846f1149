import Foundation
import Imaging

/// The one entry point for reading and writing image files. Formats are recognised by content
/// (magic bytes; zip archives by their entry names), never by extension alone.
public enum ImageFormats {
    /// The format of `data`, or throws `unrecognizedFormat`.
    public static func detectFormat(of data: Data, source: String) throws -> FileFormat {
        if data.count >= 4, Array(data.prefix(4)) == Array("Iout".utf8) { return .imagejROIZip }
        guard let sniffed = FileFormat.sniff(data.prefix(8)) else {
            throw ImageFormatsError.unrecognizedFormat(source: source)
        }
        guard sniffed == .npz else { return sniffed }
        guard let names = ZipEntries.names(in: data) else {
            throw ImageFormatsError.corrupt(source: source, format: .npz, reason: "the zip archive cannot be read")
        }
        let lower = names.map { $0.lowercased() }
        if !lower.isEmpty, lower.allSatisfy({ $0.hasSuffix(".npy") }) { return .npz }
        if lower.contains(where: { $0.hasSuffix(".roi") }) || lower.isEmpty { return .imagejROIZip }
        if lower.contains(where: { $0.hasSuffix(".npy") }) { return .npz }
        throw ImageFormatsError.unsupported(
            source: source, format: .imagejROIZip,
            feature:
                "a zip archive with neither .roi nor .npy entries (found: \(names.prefix(3).joined(separator: ", ")))")
    }

    /// Reads and decodes the file at `url`.
    public static func read(contentsOf url: URL, limits: ReadLimits = .standard) throws -> ImageFile {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "the file cannot be opened" : "no such file"
            throw ImageFormatsError.unreadable(source: url.path, reason: reason)
        }
        return try decode(data, source: url.path, limits: limits)
    }

    /// Decodes file bytes already in memory (uploads, archive entries, tests).
    public static func decode(_ data: Data, source: String, limits: ReadLimits = .standard) throws -> ImageFile {
        let format = try detectFormat(of: data, source: source)
        let content: ImageFile.Content
        switch format {
        case .tiff: content = .raster(try TIFFCodec.decode(data, source: source, limits: limits))
        case .png: content = .raster(try PNGCodec.decode(data, source: source, limits: limits))
        case .npy:
            let array = try NPYCodec.decode(data, source: source, limits: limits)
            content = .raster(try DecodedRaster(guessingAxesOf: array, source: source))
        case .npz:
            let arrays = try NPZCodec.decode(data, source: source, limits: limits)
            content = .arrays(arrays.map { NamedArray(name: $0.name, array: $0.array) })
        case .imagejROIZip: content = .rois(try ROIZipCodec.decode(data, source: source, limits: limits))
        }
        return ImageFile(source: source, format: format, content: content)
    }

    /// Reads the image in `url` (for NPZ: the `image` array, or the only array).
    public static func readImage(_ url: URL, limits: ReadLimits = .standard) throws -> Image {
        try read(contentsOf: url, limits: limits).image()
    }

    /// Reads the label image in `url` (for NPZ: the `label` array; for ROI sets: rasterised at `shape`,
    /// which defaults to the extent of the ROIs).
    public static func readLabels(_ url: URL, shape: [Int]? = nil, limits: ReadLimits = .standard) throws -> LabelImage
    {
        try read(contentsOf: url, limits: limits).labels(shape: shape)
    }

    /// Writes `image` to `url` atomically. The format follows `format` or the extension (default TIFF);
    /// samples are stored as `sampleType` (default: the image's source type where the format allows it).
    public static func write(
        _ image: Image, to url: URL, format: FileFormat? = nil, sampleType: ElementType? = nil
    ) throws {
        let chosen = format ?? FileFormat.fromExtension(of: url) ?? .tiff
        try AtomicFile.write(try encode(image, format: chosen, sampleType: sampleType, path: url.path), to: url)
    }

    /// The bytes of `image` as a `format` file (for responses and uploads; `path` names it in errors).
    public static func encode(
        _ image: Image, format: FileFormat, sampleType: ElementType? = nil, path: String = "image"
    ) throws -> Data {
        let raster = try DecodedRaster(image: image, sampleType: sampleType ?? image.sourceType, format: format)
        switch format {
        case .tiff: return try TIFFCodec.encode(raster, path: path)
        case .png: return try PNGCodec.encode(raster, path: path)
        case .npy: return NPYCodec.encode(raster.array)
        case .npz:
            return try NPZCodec.encode([(ImPartialArrayName.image.rawValue, raster.array)], compress: true, path: path)
        case .imagejROIZip:
            throw ImageFormatsError.unsupported(
                source: path, format: .imagejROIZip, feature: "writing an intensity image as ROIs")
        }
    }

    /// Writes `labels` to `url` atomically: TIFF/PNG/NPY as uint16 when every label fits, else uint32;
    /// NPZ under the name `label`; ROI zip as one traced outline per instance.
    public static func write(_ labels: LabelImage, to url: URL, format: FileFormat? = nil) throws {
        let chosen = format ?? FileFormat.fromExtension(of: url) ?? .tiff
        try AtomicFile.write(try encode(labels, format: chosen, path: url.path), to: url)
    }

    /// The bytes of `labels` as a `format` file (see `write(_:to:format:)`; `path` names it in errors).
    public static func encode(_ labels: LabelImage, format: FileFormat, path: String = "labels") throws -> Data {
        switch format {
        case .imagejROIZip: return try ROIZipCodec.encode(labels, path: path)
        case .tiff: return try TIFFCodec.encode(DecodedRaster(labels: labels, allow32Bit: true), path: path)
        case .png:
            guard !labels.isVolume else {
                throw ImageFormatsError.unsupported(source: path, format: .png, feature: "3D label images")
            }
            guard labels.maxLabel <= UInt32(UInt16.max) else {
                throw ImageFormatsError.unsupported(
                    source: path, format: .png, feature: "labels above 65535 (found \(labels.maxLabel)); use TIFF")
            }
            return try PNGCodec.encode(DecodedRaster(labels: labels, allow32Bit: false), path: path)
        case .npy: return NPYCodec.encode(DecodedRaster(labels: labels, allow32Bit: true).array)
        case .npz:
            return try NPZCodec.encode(
                [(ImPartialArrayName.label.rawValue, DecodedRaster(labels: labels, allow32Bit: true).array)],
                compress: true, path: path)
        }
    }

    /// The outline of each instance of a 2D label image along pixel edges (as ImageJ's wand traces it):
    /// corner vertices at integer pixel-corner coordinates, ascending by label; each label's largest
    /// 4-connected piece, holes not represented.
    public static func outlines(of labels: LabelImage) throws -> [LabelOutline] {
        guard !labels.isVolume else {
            throw ImageFormatsError.unsupported(
                source: "labels", format: .imagejROIZip, feature: "outlines of 3D label images")
        }
        return ROITracer.outlines(of: labels).map { LabelOutline(label: $0.label, xs: $0.xs, ys: $0.ys) }
    }

    /// Writes named arrays as a compressed NPZ archive, atomically (ImPartial's `image`, `label`, `scribble`,
    /// `val_mask` layout, or any other names).
    public static func writeArrays(_ arrays: [NamedArray], to url: URL) throws {
        let data = try NPZCodec.encode(arrays.map { ($0.name, $0.array) }, compress: true, path: url.path)
        try AtomicFile.write(data, to: url)
    }
}

/// One instance's closed outline: vertices `(xs[i], ys[i])` at pixel corners, clockwise on screen.
public struct LabelOutline: Sendable, Equatable, Codable {
    public var label: UInt32
    public var xs: [Int]
    public var ys: [Int]
}
