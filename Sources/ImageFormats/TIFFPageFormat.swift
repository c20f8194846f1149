import CImageCodecs
import Imaging

/// Which sample types, colour models and compressions of a page CellScribe decodes.
extension TIFFPage {
    /// The element type of the page's samples. 1-bit (bilevel) data becomes uint8 0/1.
    /// Throws `unsupported` for other bit depths, complex samples and signed/float 1-bit data.
    func elementType(source: String) throws -> ElementType {
        let bits = info.bits_per_sample
        let format = info.sample_format
        let kind: String
        switch format {
        case 1, 4: kind = "unsigned"  // 4 = "undefined": read as unsigned, as libtiff and tifffile do
        case 2: kind = "signed"
        case 3: kind = "float"
        default:
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff,
                feature: "SampleFormat \(format) (complex or unknown samples) on page \(index + 1)")
        }
        let types: [String: ElementType] = [
            "unsigned1": .uint8, "unsigned8": .uint8, "signed8": .int8, "unsigned16": .uint16, "signed16": .int16,
            "float16": .float16, "unsigned32": .uint32, "signed32": .int32, "float32": .float32, "unsigned64": .uint64,
            "signed64": .int64, "float64": .float64,
        ]
        guard let type = types["\(kind)\(bits)"] else {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff, feature: "\(bits)-bit \(kind) samples on page \(index + 1)")
        }
        return type
    }

    /// Throws `unsupported` for colour models and compressions whose samples are not plain intensities
    /// (palette, YCbCr, JPEG, CMYK, ...) or that this libtiff cannot decode.
    func checkSupported(source: String) throws {
        let location = "page \(index + 1)"
        switch info.photometric {
        case 0, 1, 0xFFFF: break  // MinIsWhite, MinIsBlack, absent
        case 2 where info.samples_per_pixel >= 3: break  // RGB (extra samples such as alpha become channels)
        default:
            let names: [UInt16: String] = [
                2: "RGB with fewer than 3 samples", 3: "palette (indexed) colour", 4: "transparency mask",
                5: "CMYK (separated)", 6: "YCbCr colour", 8: "CIE L*a*b*", 32844: "LogL", 32845: "LogLuv",
            ]
            let name = names[info.photometric] ?? "photometric interpretation \(info.photometric)"
            throw ImageFormatsError.unsupported(source: source, format: .tiff, feature: "\(name) on \(location)")
        }
        if info.compression == 6 || info.compression == 7 {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff, feature: "JPEG compression (lossy) on \(location)")
        }
        guard cs_tiff_codec_available(info.compression) != 0 else {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff,
                feature:
                    "\(TIFFCompression.name(info.compression)) compression on \(location) (not available in this libtiff)"
            )
        }
    }

    /// Bytes the page's samples occupy packed as stored (1-bit rows padded to whole bytes).
    var packedBytes: Int {
        let bits = Int(info.bits_per_sample)
        let rowSamples = info.planar_config == 2 ? width : width * samples
        let rowBytes = (rowSamples * bits + 7) / 8
        return rowBytes * height * (info.planar_config == 2 ? samples : 1)
    }
}

/// Names and worst-case ratios of TIFF compression schemes.
enum TIFFCompression {
    /// Name for notes and messages.
    static func name(_ code: UInt16) -> String {
        switch code {
        case 1: "uncompressed"
        case 2: "CCITT RLE"
        case 3: "CCITT Group 3"
        case 4: "CCITT Group 4"
        case 5: "LZW"
        case 6, 7: "JPEG"
        case 8, 32946: "Deflate"
        case 32773: "PackBits"
        case 34925: "LZMA"
        case 50000: "Zstandard"
        case 50001: "WebP"
        default: "compression scheme \(code)"
        }
    }

    /// The most decoded bytes one stored byte can expand to. A page whose declared size exceeds its
    /// stored bytes times this cannot be genuine, so it is rejected before anything is allocated.
    /// Bounds: PackBits 2 bytes -> 128; Deflate 1032:1; LZW at most 4096 bytes per 9-bit code;
    /// others (Zstandard, LZMA, CCITT) are generous.
    static func maxExpansion(_ code: UInt16) -> Int {
        switch code {
        case 1: 1
        case 32773: 64
        case 8, 32946: 1100
        case 5: 4096
        default: 1 << 16
        }
    }
}
