import ImageFormats
import Imaging

/// Whether a single-channel integer raster is an intensity image, an instance label image or a binary mask.
///
/// Files do not say which they are, so `info` decides from content: two distinct values (one of them 0) make
/// a binary mask; otherwise a label image is one whose values each form about one connected piece
/// (instances are flat regions), which intensity images, where each grey level is scattered, never show.
enum LabelKind: Equatable {
    case image
    case labelImage(LabelImage)
    case binaryMask(LabelImage)

    /// Most connected pieces of equal value per distinct non-zero value that a label image may have.
    /// Instances are mostly one piece each; in an intensity image every grey level is scattered in many.
    static let maxPiecesPerValue = 1.5

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
        return looksLikeInstances(labels) ? .labelImage(labels) : .image
    }

    /// True when the pieces of equal value (8/26-connected) number at most `maxPiecesPerValue` per
    /// distinct non-zero value.
    static func looksLikeInstances(_ labels: LabelImage) -> Bool {
        let values = Set(labels.labels).subtracting([0]).count
        guard values > 0, let pieces = try? labels.connectedComponents(connectivity: .full).instanceCount else {
            return false
        }
        return Double(pieces) <= maxPiecesPerValue * Double(values)
    }
}
