import Foundation
import Imaging

#if !_endian(little)
    #error("TIFF decoding hands libtiff's host-order samples straight to NDArray, which is little-endian")
#endif

/// TIFF reading and writing through libtiff (CImageCodecs/tiff_shim).
///
/// Reading: single pages, multi-page stacks, ImageJ hyperstacks and OME-TIFF; strips or tiles;
/// contiguous or planar samples; any compression libtiff decodes except JPEG; BigTIFF; either byte order.
/// Writing: ImageJ-compatible stacks (see `TIFFWriter`).
enum TIFFCodec {
    /// Decodes `data` into a raster whose axes follow the file's metadata (see `TIFFLayout`), e.g.
    /// `[T, Z, C, Y, X]` for an ImageJ hyperstack (axes of extent 1 omitted), `[Z, Y, X]` for a plain stack.
    /// Throws `corrupt` (libtiff's message) for damaged or truncated files, `unsupported` for variants
    /// CellScribe does not read, `tooLarge` when the declared size exceeds `limits`.
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> DecodedRaster {
        try data.withUnsafeBytes { raw in
            // libtiff's own allocations are capped too; 1 MiB at least so its bookkeeping always fits.
            let reader = try TIFFReader(
                bytes: raw, source: source, maxSingleAlloc: max(limits.maxDecodedBytes, 1 << 20))
            return try decode(reader, limits: limits)
        }
    }

    /// Writes `raster` (axes a subsequence of C, Z, Y, X; uint8, uint16, uint32 or float32) as an
    /// ImageJ-compatible TIFF and returns the file's bytes. Throws `unsupported` for other axes or
    /// types, `writeFailed` when libtiff fails.
    static func encode(_ raster: DecodedRaster, path: String) throws -> Data {
        try TIFFWriter.encode(raster, path: path)
    }

    private static func decode(_ reader: TIFFReader, limits: ReadLimits) throws -> DecodedRaster {
        let source = reader.source
        let scan = try scanPages(reader, limits: limits)
        let first = scan.pages[0]
        let type = try first.elementType(source: source)
        let layout = try TIFFLayout.make(
            pages: scan.pages, description: scan.description, labels: scan.labels, source: source)
        let used = layout.pages.map { scan.pages[$0] }
        for page in used {
            guard page.agrees(with: first) else {
                throw ImageFormatsError.unsupported(
                    source: source, format: .tiff,
                    feature:
                        "pages of different sizes or types: \(page.describe(try? page.elementType(source: source))) "
                        + "differs from \(first.describe(type))")
            }
            try page.checkSupported(source: source)
        }
        let (axes, shape) = try layout.arrayAxes(
            samples: first.samples, height: first.height, width: first.width, source: source)
        try limits.check(shape: shape, bytesPerSample: type.byteCount, source: source)
        for page in used { try checkStoredData(page, fileSize: reader.fileSize, source: source) }

        let pageBytes = first.planeShape.reduce(type.byteCount, *)
        var bytes = [UInt8](repeating: 0, count: pageBytes * used.count)
        try bytes.withUnsafeMutableBytes { out in
            try readPages(reader, used, into: out, pageBytes: pageBytes)
        }
        return DecodedRaster(
            array: NDArray(shape: shape, elementType: type, bytes: bytes), axes: axes, spacing: layout.spacing,
            channelNames: layout.channelNames,
            notes: layout.notes + fileNotes(reader, first, pageCount: scan.pages.count))
    }

    /// Every page of the main IFD chain, plus page 0's description and ImageJ labels. Pages that fit
    /// `limits` on their own get their strip/tile extents (absurd pages are caught later, if used).
    private static func scanPages(
        _ reader: TIFFReader, limits: ReadLimits
    ) throws -> (pages: [TIFFPage], description: String?, labels: [String]?) {
        try reader.rewind()
        let description = reader.description()
        let labels = reader.imageJMetadata().flatMap { ImageJMetadataBlock.labels(counts: $0.counts, bytes: $0.bytes) }
        var pages: [TIFFPage] = []
        repeat {
            guard pages.count < limits.maxSamples else {
                throw ImageFormatsError.tooLarge(
                    source: reader.source, what: "page count", requested: pages.count + 1, limit: limits.maxSamples)
            }
            var page = try reader.pageInfo(index: pages.count)
            // Widened before adding: a damaged BitsPerSample near 65535 must not overflow UInt16.
            let bytesPerSample = max(1, (Int(page.info.bits_per_sample) + 7) / 8)
            if (try? limits.check(shape: page.planeShape, bytesPerSample: bytesPerSample, source: reader.source)) != nil
            {
                page.extent = try reader.dataExtent(pageIndex: page.index)
            }
            pages.append(page)
        } while try reader.nextPage()
        return (pages, description, labels)
    }

    /// Rejects a page whose strips/tiles lie past the end of the file, or hold too few bytes to
    /// decode to the declared size with its compression (a lying header), before anything is allocated.
    private static func checkStoredData(_ page: TIFFPage, fileSize: Int, source: String) throws {
        guard let extent = page.extent else {
            throw ImageFormatsError.corrupt(
                source: source, format: .tiff, reason: "\(page.describe(nil)) has no data table")
        }
        if extent.raw_end > UInt64(fileSize) {
            throw ImageFormatsError.corrupt(
                source: source, format: .tiff,
                reason:
                    "the data of page \(page.index + 1) ends at byte \(extent.raw_end) but the file has \(fileSize) bytes (truncated?)"
            )
        }
        let ratio = UInt64(TIFFCompression.maxExpansion(page.info.compression))
        let (capacity, overflow) = extent.raw_bytes.multipliedReportingOverflow(by: ratio)
        if !overflow, UInt64(page.packedBytes) > capacity {
            throw ImageFormatsError.corrupt(
                source: source, format: .tiff,
                reason:
                    "page \(page.index + 1) declares \(page.width)x\(page.height) pixels (\(page.packedBytes) bytes) "
                    + "but stores only \(extent.raw_bytes) bytes of \(TIFFCompression.name(page.info.compression)) data"
            )
        }
    }

    /// Decodes `pages` (ascending indices) one after the other into consecutive `pageBytes` slices of `out`.
    private static func readPages(
        _ reader: TIFFReader, _ pages: [TIFFPage], into out: UnsafeMutableRawBufferPointer, pageBytes: Int
    ) throws {
        try reader.rewind()
        var current = 0
        for (k, page) in pages.enumerated() {
            while current < page.index {
                guard try reader.nextPage() else {
                    throw ImageFormatsError.corrupt(
                        source: reader.source, format: .tiff, reason: "page \(page.index + 1) vanished")
                }
                current += 1
            }
            let slice = UnsafeMutableRawBufferPointer(rebasing: out[k * pageBytes..<(k + 1) * pageBytes])
            try reader.readPage(page, into: slice)
        }
    }

    /// Facts about the file for `cellscribe info`.
    private static func fileNotes(_ reader: TIFFReader, _ first: TIFFPage, pageCount: Int) -> [String] {
        var notes: [String] = []
        if reader.isBigTIFF { notes.append("BigTIFF") }
        if reader.isBigEndian { notes.append("big-endian") }
        if first.info.compression != 1 { notes.append(TIFFCompression.name(first.info.compression)) }
        if first.info.is_tiled != 0 { notes.append("tiled \(first.info.tile_width)x\(first.info.tile_length)") }
        if first.isPlanar { notes.append("planar") }
        if first.info.photometric == 2 { notes.append("RGB samples read as channels") }
        if first.info.photometric == 0 { notes.append("MinIsWhite: values as stored (0 is white)") }
        if first.info.bits_per_sample == 1 { notes.append("1-bit samples read as 0/1") }
        if first.info.subifd_count > 0 { notes.append("\(first.info.subifd_count) SubIFD levels (pyramid) ignored") }
        if pageCount > 1 { notes.append("\(pageCount) pages") }
        return notes
    }
}
