import ImageFormats
import Imaging

/// Whether a single-channel integer raster is an intensity image, an instance label image or a binary mask.
///
/// Files do not say which they are, so `info` decides from content: two distinct values make a binary mask;
/// otherwise a label image is one where almost every pair of touching foreground pixels shares its value
/// (instances are flat regions), which intensity images, noisy by nature, never show.
enum LabelKind: Equatable {
    case image
    case labelImage(LabelImage)
    case binaryMask(LabelImage)

    /// Pairs of touching foreground pixels that must share a value for a label image.
    static let flatFraction = 0.9

    var name: String {
        switch self {
        case .image: "image"
        case .labelImage: "label image"
        case .binaryMask: "binary mask"
        }
    }

    var labels: LabelImage? {
        switch self {
        case .image: nil
        case .labelImage(let l), .binaryMask(let l): l
        }
    }

    static func classify(_ raster: DecodedRaster, source: String) -> LabelKind {
        guard raster.array.elementType.isInteger, raster.extent(.c) == 1, raster.extent(.t) == 1,
            let labels = try? raster.labels(source: source)
        else { return .image }
        var distinct = Set<UInt32>()
        for v in labels.labels {
            distinct.insert(v)
            if distinct.count > 2 { break }
        }
        if distinct.count <= 2, distinct.contains(0) { return .binaryMask(labels) }
        return flatness(labels) >= flatFraction ? .labelImage(labels) : .image
    }

    /// Fraction of horizontally or vertically touching pairs, at least one non-zero, that are equal.
    static func flatness(_ labels: LabelImage) -> Double {
        let (h, w) = (labels.height, labels.width)
        var equal = 0
        var total = 0
        labels.labels.withUnsafeBufferPointer { v in
            for z in 0..<labels.depth {
                for y in 0..<h {
                    let row = (z * h + y) * w
                    for x in 0..<w {
                        let a = v[row + x]
                        if x + 1 < w {
                            let b = v[row + x + 1]
                            if a != 0 || b != 0 { total += 1; if a == b { equal += 1 } }
                        }
                        if y + 1 < h {
                            let b = v[row + w + x]
                            if a != 0 || b != 0 { total += 1; if a == b { equal += 1 } }
                        }
                    }
                }
            }
        }
        return total == 0 ? 0 : Double(equal) / Double(total)
    }
}
