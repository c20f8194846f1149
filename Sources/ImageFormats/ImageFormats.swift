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
            feature: "a zip archive with neither .roi nor .npy entries (found: \(names.prefix(3).joined(separator: ", ")))")
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
    public static func readLabels(_ url: URL, shape: [Int]? = nil, limits: ReadLimits = .standard) throws -> LabelImage {
        try read(contentsOf: url, limits: limits).labels(shape: shape)
    }

    /// Writes `image` to `url` atomically. The format follows `format` or the extension (default TIFF);
    /// samples are stored as `sampleType` (default: the image's source type where the format allows it).
    public static func write(
        _ image: Image, to url: URL, format: FileFormat? = nil, sampleType: ElementType? = nil
    ) throws {
        let chosen = format ?? FileFormat.fromExtension(of: url) ?? .tiff
        let raster = try DecodedRaster(image: image, sampleType: sampleType ?? image.sourceType, format: chosen)
        let data: Data
        switch chosen {
        case .tiff: data = try TIFFCodec.encode(raster, path: url.path)
        case .png: data = try PNGCodec.encode(raster, path: url.path)
        case .npy: data = NPYCodec.encode(raster.array)
        case .npz:
            data = try NPZCodec.encode(
                [(ImPartialArrayName.image.rawValue, raster.array)], compress: true, path: url.path)
        case .imagejROIZip:
            throw ImageFormatsError.unsupported(
                source: url.path, format: .imagejROIZip, feature: "writing an intensity image as ROIs")
        }
        try AtomicFile.write(data, to: url)
    }

    /// Writes `labels` to `url` atomically: TIFF/PNG/NPY as uint16 when every label fits, else uint32;
    /// NPZ under the name `label`; ROI zip as one traced outline per instance.
    public static func write(_ labels: LabelImage, to url: URL, format: FileFormat? = nil) throws {
        let chosen = format ?? FileFormat.fromExtension(of: url) ?? .tiff
        let data: Data
        switch chosen {
        case .imagejROIZip: data = try ROIZipCodec.encode(labels, path: url.path)
        case .tiff: data = try TIFFCodec.encode(DecodedRaster(labels: labels, allow32Bit: true), path: url.path)
        case .png:
            guard !labels.isVolume else {
                throw ImageFormatsError.unsupported(source: url.path, format: .png, feature: "3D label images")
            }
            guard labels.maxLabel <= UInt32(UInt16.max) else {
                throw ImageFormatsError.unsupported(
                    source: url.path, format: .png, feature: "labels above 65535 (found \(labels.maxLabel)); use TIFF")
            }
            data = try PNGCodec.encode(DecodedRaster(labels: labels, allow32Bit: false), path: url.path)
        case .npy: data = NPYCodec.encode(DecodedRaster(labels: labels, allow32Bit: true).array)
        case .npz:
            data = try NPZCodec.encode(
                [(ImPartialArrayName.label.rawValue, DecodedRaster(labels: labels, allow32Bit: true).array)],
                compress: true, path: url.path)
        }
        try AtomicFile.write(data, to: url)
    }

    /// Writes named arrays as a compressed NPZ archive, atomically (ImPartial's `image`, `label`, `scribble`,
    /// `val_mask` layout, or any other names).
    public static func writeArrays(_ arrays: [NamedArray], to url: URL) throws {
        let data = try NPZCodec.encode(arrays.map { ($0.name, $0.array) }, compress: true, path: url.path)
        try AtomicFile.write(data, to: url)
    }
}
