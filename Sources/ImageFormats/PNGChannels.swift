import Foundation
import Imaging

/// Channel layout between PNG's interleaved pixels and CellScribe's planar `[C, Y, X]` arrays,
/// including the decode rules that drop an opaque alpha channel and fold R = G = B colour to gray.
enum PNGChannels {
    /// Planar samples `[C, Y, X]` and a name per channel.
    struct Planes {
        var bytes: [UInt8]
        var names: [String]
    }

    /// Interleaved samples `[Y, X, C]` ready for libpng.
    struct Layout {
        var bytes: [UInt8]
        var width: Int
        var height: Int
        var channels: Int
        var bitDepth: Int
    }

    /// Splits interleaved pixels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) into planes, dropping an alpha
    /// channel that is fully opaque and folding RGB to one gray plane where R = G = B at every pixel.
    /// Each decision is appended to `notes`.
    static func planar(
        interleaved src: [UInt8], width: Int, height: Int, channels: Int, bytesPerSample b: Int,
        notes: inout [String]
    ) -> Planes {
        let hasAlpha = channels == 2 || channels == 4
        let isColour = channels >= 3
        let alphaOpaque = hasAlpha && isConstantMax(src, channel: channels - 1, channels: channels, bytesPerSample: b)
        let isGray = isColour && colourIsGray(src, channels: channels, bytesPerSample: b)

        var keep = isColour && !isGray ? [0, 1, 2] : [0]
        var names = isColour && !isGray ? ["R", "G", "B"] : ["gray"]
        if hasAlpha {
            if alphaOpaque {
                notes.append("alpha channel fully opaque: dropped")
            } else {
                keep.append(channels - 1)
                names.append("alpha")
                notes.append("alpha channel kept as channel \(keep.count - 1) (not fully opaque)")
            }
        }
        if isGray { notes.append("R = G = B at every pixel: read as one gray channel") }
        if keep.count == channels, channels == 1 { return Planes(bytes: src, names: names) }

        let pixelCount = width * height
        let stride = channels * b
        var out = [UInt8](repeating: 0, count: keep.count * pixelCount * b)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for (plane, channel) in keep.enumerated() {
                    let base = plane * pixelCount * b
                    for p in 0..<pixelCount {
                        for j in 0..<b { d[base + p * b + j] = s[p * stride + channel * b + j] }
                    }
                }
            }
        }
        return Planes(bytes: out, names: names)
    }

    /// True when every sample of `channel` is the largest value (all bytes 0xFF).
    private static func isConstantMax(_ src: [UInt8], channel: Int, channels: Int, bytesPerSample b: Int) -> Bool {
        src.withUnsafeBufferPointer { s in
            var offset = channel * b
            while offset < s.count {
                for j in 0..<b where s[offset + j] != 0xFF { return false }
                offset += channels * b
            }
            return true
        }
    }

    /// True when the first three channels are equal at every pixel.
    private static func colourIsGray(_ src: [UInt8], channels: Int, bytesPerSample b: Int) -> Bool {
        src.withUnsafeBufferPointer { s in
            var offset = 0
            while offset < s.count {
                for j in 0..<b {
                    let r = s[offset + j]
                    if s[offset + b + j] != r || s[offset + 2 * b + j] != r { return false }
                }
                offset += channels * b
            }
            return true
        }
    }

    /// The raster's samples interleaved for PNG. Accepts axes containing Y and X, C with 1...4 channels,
    /// Z and T only with extent 1, and uint8/uint16 samples; throws `unsupported` naming anything else.
    static func interleaved(_ raster: DecodedRaster, path: String) throws -> Layout {
        func unsupported(_ feature: String) -> ImageFormatsError {
            .unsupported(source: path, format: .png, feature: feature)
        }
        let type = raster.array.elementType
        guard type == .uint8 || type == .uint16 else {
            throw unsupported("\(type.rawValue) samples; PNG stores unsigned 8- or 16-bit integers (write TIFF or NPY)")
        }
        guard raster.extent(.z) == 1 else {
            throw unsupported("3D images (Z = \(raster.extent(.z)) planes); PNG holds one 2D plane (write TIFF)")
        }
        guard raster.extent(.t) == 1 else {
            throw unsupported("time series (T = \(raster.extent(.t)) frames); PNG holds one 2D plane")
        }
        guard raster.axes.contains(.y), raster.axes.contains(.x) else {
            throw unsupported("an array without Y and X axes (axes \(raster.axes.map(\.rawValue).joined()))")
        }
        let channels = raster.extent(.c)
        let height = raster.extent(.y)
        let width = raster.extent(.x)
        guard (1...4).contains(channels) else {
            throw unsupported("\(channels) channels; PNG holds 1 to 4 (gray, gray+alpha, RGB, RGBA)")
        }
        guard height > 0, width > 0, height <= Int(Int32.max), width <= Int(Int32.max) else {
            throw unsupported("an image of \(height) x \(width) pixels (PNG needs 1 to 2^31-1 per side)")
        }
        // Canonical order is T, C, Z, Y, X; with T = Z = 1 the bytes are planar [C, Y, X].
        let planar = raster.canonical().array.bytes
        let b = type.byteCount
        let layout = Layout(bytes: planar, width: width, height: height, channels: channels, bitDepth: 8 * b)
        guard channels > 1 else { return layout }
        let pixelCount = width * height
        var out = [UInt8](repeating: 0, count: planar.count)
        planar.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for c in 0..<channels {
                    for p in 0..<pixelCount {
                        for j in 0..<b { d[(p * channels + c) * b + j] = s[(c * pixelCount + p) * b + j] }
                    }
                }
            }
        }
        return Layout(bytes: out, width: width, height: height, channels: channels, bitDepth: 8 * b)
    }
}
