import CImageCodecs
import Foundation
import Imaging

/// PNG reading and writing through libpng (all libpng calls live in the C shim `png_shim.c`, because
/// libpng reports errors with longjmp).
///
/// Decoding delivers axes `[C, Y, X]`: gray, gray+alpha, RGB or RGBA after palette expansion, with
/// samples below 8 bits scaled to 8 bits and 16-bit samples kept as uint16. A fully opaque alpha
/// channel is dropped and colour whose R = G = B everywhere becomes one gray channel; every such
/// decision is recorded in `DecodedRaster.notes`.
enum PNGCodec {
    /// Decodes the PNG in `data` to a raster with axes `[C, Y, X]` (C in 1...4), uint8 or uint16.
    ///
    /// Throws `corrupt` for damaged files (bad signature, CRC errors, truncated pixel data; libpng's own
    /// message is the reason) and `tooLarge` when the header's size exceeds `limits` (checked before
    /// any pixel memory is allocated).
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> DecodedRaster {
        try precheckHeader(data, source: source, limits: limits)
        var readLimits = cs_png_read_limits(
            max_width: UInt32(clamping: min(limits.maxSamples, 0x7FFF_FFFF)),
            max_height: UInt32(clamping: min(limits.maxSamples, 0x7FFF_FFFF)),
            // libpng reads 0 as "no limit", so the bound is at least 1 byte.
            max_chunk_bytes: max(1, min(8 << 20, limits.maxDecodedBytes)))
        var info = cs_png_info()
        let headerStatus = data.withUnsafeBytes { raw in
            cs_png_read(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &readLimits, &info, nil, 0)
        }
        guard headerStatus == 0 else { throw corrupt(source, info) }

        let width = Int(info.width)
        let height = Int(info.height)
        let channels = Int(info.channels)
        let bytesPerSample = Int(info.bit_depth) / 8
        try limits.check(shape: [channels, height, width], bytesPerSample: bytesPerSample, source: source)
        var pixels = [UInt8](repeating: 0, count: channels * height * width * bytesPerSample)
        let status = data.withUnsafeBytes { raw in
            pixels.withUnsafeMutableBufferPointer { out in
                cs_png_read(
                    raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &readLimits, &info,
                    out.baseAddress, out.count)
            }
        }
        guard status == 0 else { throw corrupt(source, info) }

        var notes = headerNotes(info)
        let planes = PNGChannels.planar(
            interleaved: pixels, width: width, height: height, channels: channels,
            bytesPerSample: bytesPerSample, notes: &notes)
        let type: ElementType = bytesPerSample == 2 ? .uint16 : .uint8
        let array = NDArray(shape: [planes.names.count, height, width], elementType: type, bytes: planes.bytes)
        return DecodedRaster(
            array: array, axes: [.c, .y, .x], spacing: spacing(info, notes: &notes),
            channelNames: planes.names.count > 1 ? planes.names : nil, notes: notes)
    }

    /// Encodes a raster with axes `[C, Y, X]` or `[Y, X]` (Z and T allowed only with extent 1),
    /// C in 1...4 (gray, gray+alpha, RGB, RGBA), uint8 or uint16 samples. Writes pHYs when the
    /// spacing has a metric unit. Throws `unsupported` for anything PNG cannot hold (3D, time series,
    /// other sample types, more than 4 channels, an empty image) and `writeFailed` if libpng fails.
    static func encode(_ raster: DecodedRaster, path: String) throws -> Data {
        let layout = try PNGChannels.interleaved(raster, path: path)
        let ppm = raster.spacing.flatMap(pixelsPerMetre) ?? (0, 0)
        var buffer = cs_png_buffer()
        var message = [CChar](repeating: 0, count: 256)
        let status = layout.bytes.withUnsafeBufferPointer { pixels in
            cs_png_write(
                pixels.baseAddress, UInt32(layout.width), UInt32(layout.height), Int32(layout.channels),
                Int32(layout.bitDepth), ppm.x, ppm.y, &buffer, &message, message.count)
        }
        defer { cs_png_buffer_free(&buffer) }
        guard status == 0, let bytes = buffer.data else {
            throw ImageFormatsError.writeFailed(path: path, reason: "PNG encoding failed: \(text(message))")
        }
        return Data(bytes: bytes, count: buffer.size)
    }

    /// Checks the IHDR dimensions against `limits` before libpng allocates its row buffers, using the
    /// fewest channels the colour type can decode to (the exact check follows the header pass).
    private static func precheckHeader(_ data: Data, source: String, limits: ReadLimits) throws {
        let head = [UInt8](data.prefix(26))
        guard head.count == 26, Array(head[12..<16]) == Array("IHDR".utf8) else { return }
        func be32(_ at: Int) -> Int { head[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let minimumChannels = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][Int(head[25])] ?? 1
        try limits.check(
            shape: [minimumChannels, be32(20), be32(16)], bytesPerSample: head[24] == 16 ? 2 : 1, source: source)
    }

    private static func corrupt(_ source: String, _ info: cs_png_info) -> ImageFormatsError {
        var copy = info
        let reason = withUnsafeBytes(of: &copy.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return .corrupt(
            source: source, format: .png, reason: reason.isEmpty ? "libpng failed without a message" : reason)
    }

    private static func text(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
