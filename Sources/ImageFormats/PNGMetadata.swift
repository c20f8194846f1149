import CImageCodecs
import Foundation
import Imaging

/// What the PNG header said, as notes, and pHYs ↔ `Spacing`.
extension PNGCodec {
    /// Notes describing how the stored colour type and depth were turned into samples.
    static func headerNotes(_ info: cs_png_info) -> [String] {
        let depth = Int(info.file_bit_depth)
        let kind =
            switch info.file_color_type {
            case 0: "gray"
            case 2: "RGB"
            case 3: "palette"
            case 4: "gray+alpha"
            case 6: "RGBA"
            default: "colour type \(info.file_color_type)"
            }
        var notes = ["PNG \(depth)-bit \(kind)\(info.interlaced != 0 ? ", Adam7-interlaced" : "")"]
        if info.file_color_type == 3 {
            notes.append("palette expanded to RGB\(info.has_trns != 0 ? "A" : "") samples")
        } else if depth < 8 {
            notes.append("\(depth)-bit samples scaled to 8 bits (0...255)")
        }
        if info.has_trns != 0, info.file_color_type != 3 {
            notes.append("tRNS transparency turned into an alpha channel")
        }
        var copy = info
        let warnings = withUnsafeBytes(of: &copy.warnings) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if info.trailer_error != 0 {
            notes.append("the file is damaged after the pixel data; all pixels were read (\(warnings))")
        } else if !warnings.isEmpty {
            notes.append("libpng warnings: \(warnings)")
        }
        return notes
    }

    /// The pixel size stated by pHYs in pixels per metre, in micron; nil (with a note) otherwise.
    static func spacing(_ info: cs_png_info, notes: inout [String]) -> Spacing? {
        guard info.phys_valid != 0 else { return nil }
        guard info.phys_unit_metre != 0 else {
            notes.append("pHYs states only the pixel aspect ratio \(info.phys_x):\(info.phys_y) (no unit): no spacing")
            return nil
        }
        guard info.phys_x > 0, info.phys_y > 0 else {
            notes.append("pHYs states zero pixels per metre: no spacing")
            return nil
        }
        let spacing = Spacing(x: 1e6 / Double(info.phys_x), y: 1e6 / Double(info.phys_y), unit: "micron")
        notes.append("pHYs \(info.phys_x) x \(info.phys_y) pixels per metre: spacing \(spacing)")
        return spacing
    }

    /// pHYs values (pixels per metre, rounded) for `spacing`, or nil when its unit is not a length
    /// or the result does not fit pHYs' 32-bit fields.
    static func pixelsPerMetre(_ spacing: Spacing) -> (x: UInt32, y: UInt32)? {
        let metresPerUnit: Double
        switch spacing.unit.lowercased() {
        case "micron", "microns", "µm", "μm", "um", "micrometer", "micrometre": metresPerUnit = 1e-6
        case "nm", "nanometer", "nanometre": metresPerUnit = 1e-9
        case "mm", "millimeter", "millimetre": metresPerUnit = 1e-3
        case "cm", "centimeter", "centimetre": metresPerUnit = 1e-2
        case "m", "meter", "metre": metresPerUnit = 1
        default: return nil
        }
        func ppm(_ size: Double) -> UInt32? {
            guard size.isFinite, size > 0 else { return nil }
            let value = (1 / (size * metresPerUnit)).rounded()
            return value >= 1 && value <= Double(UInt32(Int32.max)) ? UInt32(value) : nil
        }
        guard let x = ppm(spacing.x), let y = ppm(spacing.y) else { return nil }
        return (x, y)
    }
}
