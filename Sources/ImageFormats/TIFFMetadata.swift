import Foundation
import Imaging

/// The keys of an ImageJ ImageDescription ("ImageJ=1.52p\nimages=2\nchannels=2\n...") that
/// CellScribe uses. ImageJ stores pages channel fastest, then slice, then frame.
struct ImageJDescription: Equatable {
    var images: Int?
    var channels: Int?
    var slices: Int?
    var frames: Int?
    var hyperstack = false
    /// Length unit of the X/Y resolution and of `spacing` ("micron", "nm", ...).
    var unit: String?
    /// Z step in `unit`s.
    var spacing: Double?

    /// Parses `text`; nil unless it starts with "ImageJ=".
    init?(_ text: String) {
        guard text.hasPrefix("ImageJ=") else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "images": images = Self.count(value)
            case "channels": channels = Self.count(value)
            case "slices": slices = Self.count(value)
            case "frames": frames = Self.count(value)
            case "hyperstack": hyperstack = value == "true"
            case "unit": unit = Self.unescape(value)
            case "spacing": spacing = Double(value).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            default: continue
            }
        }
    }

    /// A positive count, or nil for anything else (ImageJ never writes 0 or negatives).
    private static func count(_ value: String) -> Int? {
        guard let n = Int(value), n > 0 else { return nil }
        return n
    }

    /// ImageJ writes non-ASCII units as Java escapes ("\u00B5m" for µm).
    static func unescape(_ value: String) -> String {
        guard value.contains("\\u") else { return value }
        var out = ""
        var rest = Substring(value)
        while let range = rest.range(of: "\\u") {
            out += rest[..<range.lowerBound]
            let hex = rest[range.upperBound...].prefix(4)
            if hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
                rest = rest[hex.endIndex...]
            } else {
                out += "\\u"
                rest = rest[range.upperBound...]
            }
        }
        return out + rest
    }

    /// The inverse of `unescape` for writing: ASCII stays, everything else becomes "\uXXXX".
    static func escape(_ value: String) -> String {
        value.unicodeScalars.map { s in
            s.isASCII && s.value >= 0x20 && s != "\\" ? String(s) : String(format: "\\u%04X", min(s.value, 0xFFFF))
        }.joined()
    }
}

/// ImageJ's private IJMetadata tag (50839) with its byte counts (50838): a header "IJIJ" followed by
/// (type, count) pairs, then the entries; "labl" entries are per-image labels in UTF-16.
enum ImageJMetadataBlock {
    private static let magic = Array("IJIJ".utf8)
    private static let labelType = Array("labl".utf8)

    /// The per-image labels, or nil when the block has none or is malformed (never throws: the
    /// labels are optional extras, so a damaged block is ignored).
    static func labels(counts: [UInt32], bytes: [UInt8]) -> [String]? {
        guard counts.count >= 2, counts[0] >= 4, Int(counts[0]) <= bytes.count, (counts[0] - 4) % 8 == 0 else {
            return nil
        }
        let bigEndian: Bool
        if Array(bytes[0..<4]) == magic {
            bigEndian = true
        } else if Array(bytes[0..<4].reversed()) == magic {
            bigEndian = false
        } else {
            return nil
        }
        func u32(_ at: Int) -> UInt32 {
            let b: [UInt8] = bigEndian ? Array(bytes[at..<at + 4]) : bytes[at..<at + 4].reversed()
            return u32Big(b)
        }
        var entry = 1  // index into counts of the next entry
        var offset = Int(counts[0])
        var labels: [String]?
        for pair in stride(from: 4, to: Int(counts[0]), by: 8) {
            let type = u32(pair)
            let n = Int(u32(pair + 4))
            guard n >= 0, entry + n <= counts.count else { return nil }
            let isLabel = type == u32Big(labelType)  // `u32` already undid the byte order
            var found: [String] = []
            for k in entry..<entry + n {
                let size = Int(counts[k])
                guard offset + size <= bytes.count else { return nil }
                if isLabel {
                    found.append(
                        String(decoding: utf16(bytes[offset..<offset + size], bigEndian: bigEndian), as: UTF16.self))
                }
                offset += size
            }
            entry += n
            if isLabel { labels = found }
        }
        return labels
    }

    /// A "labl" block for `labels`: (counts, bytes). ImageJ reads the block, like every other field,
    /// in the TIFF's byte order, so it must match the file's (`bigEndian`).
    static func encode(labels: [String], bigEndian: Bool) -> (counts: [UInt32], bytes: [UInt8]) {
        func word(_ v: UInt32) -> [UInt8] {
            let be = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            return bigEndian ? be : be.reversed()
        }
        var bytes = word(u32Big(magic)) + word(u32Big(labelType)) + word(UInt32(labels.count))
        var counts: [UInt32] = [UInt32(bytes.count)]
        for label in labels {
            let units = Array(label.utf16).flatMap { u in
                bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)]
            }
            bytes += units
            counts.append(UInt32(units.count))
        }
        return (counts, bytes)
    }

    private static func u32Big(_ b: some Collection<UInt8>) -> UInt32 {
        b.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> [UInt16] {
        stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map { (i: Int) -> UInt16 in
            let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
            return bigEndian ? a << 8 | b : b << 8 | a
        }
    }
}

/// Pixel sizes from TIFF resolution tags (pixels per unit).
enum TIFFResolution {
    /// The pixel size for `resolution` pixels per unit, rounded to the 7 significant digits a TIFF
    /// RATIONAL read back as Float can hold, so 0.3 written as 1/0.3 reads back as 0.3.
    static func pixelSize(_ resolution: Float, scale: Double = 1) -> Double? {
        guard resolution.isFinite, resolution > 0 else { return nil }
        let size = scale / Double(resolution)
        guard size.isFinite, size > 0 else { return nil }
        let digits = 7 - Int((log10(size)).rounded(.up))
        let factor = pow(10, Double(digits))
        let rounded = (size * factor).rounded() / factor
        return rounded.isFinite && rounded > 0 ? rounded : size
    }

    /// Spacing from the tags alone: only for ResolutionUnit inch (2) or centimetre (3), converted to
    /// micron. ResolutionUnit none carries no physical size without ImageJ's `unit`.
    static func spacing(_ info: TIFFPage) -> Spacing? {
        let micronsPerUnit: Double
        switch info.info.resolution_unit {
        case 2: micronsPerUnit = 25_400
        case 3: micronsPerUnit = 10_000
        default: return nil
        }
        guard let x = pixelSize(info.info.x_resolution, scale: micronsPerUnit) else { return nil }
        let y = pixelSize(info.info.y_resolution, scale: micronsPerUnit) ?? x
        return Spacing(x: x, y: y, unit: "micron")
    }
}
