import CImageCodecs
import Foundation
import Imaging

/// What one TIFF page (IFD) declares, plus where its encoded data lies (`extent`, filled in only
/// for pages small enough to be checked against `ReadLimits`).
struct TIFFPage {
    /// Zero-based position in the main IFD chain.
    let index: Int
    let info: cs_tiff_page_info
    var extent: cs_tiff_data_extent?

    var width: Int { Int(info.width) }
    var height: Int { Int(info.height) }
    var samples: Int { Int(info.samples_per_pixel) }
    var isPlanar: Bool { info.planar_config == 2 && info.samples_per_pixel > 1 }
    var isReducedResolution: Bool { info.subfile_type & 1 != 0 }

    /// The shape of one decoded page, `[samples, height, width]`.
    var planeShape: [Int] { [samples, height, width] }

    /// "page 3 (400x400, 1 x uint16)" for messages; pages are numbered from 1 as viewers do.
    func describe(_ type: ElementType?) -> String {
        "page \(index + 1) (\(width)x\(height), \(samples) x \(type.map(\.rawValue) ?? "\(info.bits_per_sample)-bit"))"
    }

    /// True when `other` has the same size, sample type and samples per pixel.
    func agrees(with other: TIFFPage) -> Bool {
        info.width == other.info.width && info.height == other.info.height
            && info.bits_per_sample == other.info.bits_per_sample && info.sample_format == other.info.sample_format
            && info.samples_per_pixel == other.info.samples_per_pixel
    }
}

/// A libtiff handle over bytes in memory. Valid only while the bytes it was opened on are alive
/// (`TIFFCodec.decode` keeps them pinned for the reader's whole life). Not shared between threads.
final class TIFFReader {
    private let handle: OpaquePointer
    let source: String
    let fileSize: Int

    /// Opens the TIFF in `bytes`; throws `corrupt` with libtiff's reason when its header is unreadable.
    init(bytes: UnsafeRawBufferPointer, source: String, maxSingleAlloc: Int) throws {
        var messages = cs_tiff_messages()
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let base, let handle = cs_tiff_reader_open(base, bytes.count, UInt64(maxSingleAlloc), &messages) else {
            throw ImageFormatsError.corrupt(
                source: source, format: .tiff, reason: Self.text(messages.error, or: "empty file"))
        }
        self.handle = handle
        self.source = source
        self.fileSize = bytes.count
    }

    deinit { cs_tiff_reader_close(handle) }

    var isBigTIFF: Bool { cs_tiff_reader_is_bigtiff(handle) != 0 }
    var isBigEndian: Bool { cs_tiff_reader_is_big_endian(handle) != 0 }

    /// Makes the first page current.
    func rewind() throws {
        guard cs_tiff_rewind(handle) != 0 else { throw corrupt("cannot return to the first page") }
    }

    /// Moves to the next page of the main chain; false after the last page.
    func nextPage() throws -> Bool {
        switch cs_tiff_next_page(handle) {
        case 1: return true
        case 0: return false
        default: throw corrupt("the page list is damaged")
        }
    }

    /// The current page's tags.
    func pageInfo(index: Int) throws -> TIFFPage {
        var info = cs_tiff_page_info()
        guard cs_tiff_page_info_get(handle, &info) != 0 else { throw corrupt("page \(index + 1) is unreadable") }
        return TIFFPage(index: index, info: info)
    }

    /// Offsets and byte counts of the current page's strips or tiles.
    func dataExtent(pageIndex: Int) throws -> cs_tiff_data_extent {
        var extent = cs_tiff_data_extent()
        guard cs_tiff_data_extent_get(handle, &extent) != 0 else {
            throw corrupt("the strip/tile table of page \(pageIndex + 1) is unreadable")
        }
        return extent
    }

    /// The current page's ImageDescription (decoded as UTF-8, else Latin-1), or nil.
    func description() -> String? {
        guard let text = cs_tiff_description(handle) else { return nil }
        let length = strlen(text)
        let bytes = UnsafeRawBufferPointer(start: text, count: length)
        return String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1)
    }

    /// The current page's ImageJ metadata tags (byte counts, bytes), or nil when absent.
    func imageJMetadata() -> (counts: [UInt32], bytes: [UInt8])? {
        var counts: UnsafePointer<UInt32>?
        var countCount: UInt32 = 0
        var bytes: UnsafePointer<UInt8>?
        var byteCount: UInt32 = 0
        guard cs_tiff_imagej_metadata(handle, &counts, &countCount, &bytes, &byteCount) != 0,
            let counts, let bytes
        else { return nil }
        return (
            Array(UnsafeBufferPointer(start: counts, count: Int(countCount))),
            Array(UnsafeBufferPointer(start: bytes, count: Int(byteCount)))
        )
    }

    /// Decodes the current page into `out` as `[samples][height][width]` host-order samples.
    /// `out.count` must be the page's decoded size (checked in C as well).
    func readPage(_ page: TIFFPage, into out: UnsafeMutableRawBufferPointer) throws {
        var info = page.info
        let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let base, cs_tiff_read_page(handle, &info, base, out.count) != 0 else {
            throw corrupt("\(page.describe(nil)) cannot be decoded")
        }
    }

    /// A `corrupt` error carrying libtiff's own message for the call that just failed.
    private func corrupt(_ what: String) -> ImageFormatsError {
        let detail = Self.text(cs_tiff_reader_messages(handle).pointee.error, or: "")
        return .corrupt(source: source, format: .tiff, reason: detail.isEmpty ? what : "\(what): \(detail)")
    }

    /// The NUL-terminated C string held in a fixed-size tuple buffer.
    static func text<T>(_ buffer: T, or fallback: String) -> String {
        var copy = buffer
        let message = withUnsafeBytes(of: &copy) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return message.isEmpty ? fallback : message
    }
}
