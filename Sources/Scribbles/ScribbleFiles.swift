import Foundation
import ImageFormats
import Imaging
import Segmentation

/// How an ImageJ ROI set becomes scribbles.
public enum ROIScribbleStyle: String, Sendable, CaseIterable {
    /// ImPartial's Fiji path: the skeleton of each ROI's fill is foreground, a one-pixel ring just outside its
    /// outline is background.
    case strokes
    /// Each ROI's whole fill is foreground (no background strokes).
    case masks
}

/// Scribbles as files: 8-bit label images (PNG, TIFF, NPY: 0 unlabelled, 1-254 class, 255 background),
/// ImPartial NPZ archives (`scribble` `(Y, X, C+1)` with channels [foreground classes..., background], and an
/// optional `val_mask`), and ImageJ ROI sets.
public enum ScribbleFiles {
    /// Scribbles read from `url`, with the validation mask an ImPartial NPZ carries (nil otherwise).
    ///
    /// - Parameters:
    ///   - shape: the image's spatial shape: the scribbles must match it (ROI sets are rasterised onto it).
    ///   - roiStyle: how ROI sets become scribbles.
    /// - Throws: `ScribblesError.invalidScribbles` for a shape mismatch or values that are not scribbles; the
    ///   reader's errors for unreadable files.
    public static func read(
        _ url: URL, shape: [Int], roiStyle: ROIScribbleStyle = .strokes
    ) throws -> (scribbles: ScribbleMap, validationMask: [Bool]?) {
        let file = try ImageFormats.read(contentsOf: url)
        let result: (ScribbleMap, [Bool]?)
        switch file.content {
        case .arrays(let arrays) where arrays.contains(where: { $0.name == ImPartialArrayName.scribble.rawValue }):
            result = try fromImPartial(arrays, shape: shape, source: url.path)
        case .rois:
            result = (try fromROIs(try file.labels(shape: shape), style: roiStyle, source: url.path), nil)
        default:
            result = (try ScribbleMap(labels: try file.labels(shape: shape), source: url.path), nil)
        }
        guard result.0.shape == shape else {
            throw ScribblesError.invalidScribbles(
                source: url.path, reason: "they are \(result.0.shape) but the image is \(shape)")
        }
        return result
    }

    /// Writes `scribbles` atomically: NPZ in ImPartial's layout (with `validationMask` as `val_mask`), else an
    /// 8-bit label image in the format of the extension (PNG for 2D, TIFF otherwise by default).
    public static func write(_ scribbles: ScribbleMap, validationMask: [Bool]? = nil, to url: URL) throws {
        if FileFormat.fromExtension(of: url) == .npz {
            try ImageFormats.writeArrays(imPartialArrays(scribbles, validationMask: validationMask), to: url)
        } else {
            try ImageFormats.write(scribbles.labelImage, to: url)
        }
    }

    static func fromImPartial(_ arrays: [NamedArray], shape: [Int], source: String) throws -> (ScribbleMap, [Bool]?) {
        let array = arrays.first { $0.name == ImPartialArrayName.scribble.rawValue }!.array
        guard array.shape.count == 3, Array(array.shape.prefix(2)) == shape, array.shape[2] >= 2 else {
            throw ScribblesError.invalidScribbles(
                source: source,
                reason:
                    "'scribble' is \(array.shape); expected (\(shape.map(String.init).joined(separator: ", ")), C+1) "
                    + "with channels [foreground classes..., background]")
        }
        let channels = array.shape[2]
        guard channels - 1 < Int(ScribbleMap.background) else {
            throw ScribblesError.invalidScribbles(source: source, reason: "\(channels - 1) classes is more than 254")
        }
        let pixels = shape.reduce(1, *)
        var values = [UInt8](repeating: ScribbleMap.unlabelled, count: pixels)
        for pixel in 0..<pixels {
            for channel in 0..<channels where array.value(at: pixel * channels + channel) != 0 {
                values[pixel] = channel == channels - 1 ? ScribbleMap.background : UInt8(channel + 1)
                break
            }
        }
        var validation: [Bool]?
        if let mask = arrays.first(where: { $0.name == ImPartialArrayName.validationMask.rawValue })?.array {
            guard mask.count == pixels else {
                throw ScribblesError.invalidScribbles(
                    source: source, reason: "'val_mask' is \(mask.shape), not \(shape)")
            }
            validation = (0..<pixels).map { mask.value(at: $0) != 0 }
        }
        return (try ScribbleMap(shape: shape, values: values), validation)
    }

    static func imPartialArrays(_ scribbles: ScribbleMap, validationMask: [Bool]?) throws -> [NamedArray] {
        let classes = max(1, scribbles.foregroundClassCount)
        let channels = classes + 1
        var planes = [UInt8](repeating: 0, count: scribbles.values.count * channels)
        for (pixel, value) in scribbles.values.enumerated() where value != ScribbleMap.unlabelled {
            let channel = value == ScribbleMap.background ? classes : Int(value) - 1
            planes[pixel * channels + channel] = 1
        }
        var arrays = [
            NamedArray(
                name: ImPartialArrayName.scribble.rawValue,
                array: NDArray(shape: scribbles.shape + [channels], integers: planes, as: .uint8))
        ]
        if let validationMask {
            arrays.append(
                NamedArray(
                    name: ImPartialArrayName.validationMask.rawValue,
                    array: NDArray(
                        shape: scribbles.shape, integers: validationMask.map { UInt8($0 ? 1 : 0) }, as: .uint8)))
        }
        return arrays
    }

    /// ROI fills (one label per ROI) as scribbles.
    static func fromROIs(_ fills: LabelImage, style: ROIScribbleStyle, source: String) throws -> ScribbleMap {
        let (height, width) = (fills.height, fills.width)
        let inside = fills.labels.map { $0 != 0 }
        guard style == .strokes else {
            return try ScribbleMap(shape: fills.shape, values: inside.map { $0 ? 1 : ScribbleMap.unlabelled })
        }
        var values = [UInt8](repeating: ScribbleMap.unlabelled, count: inside.count)
        // Skeleton per ROI, so touching ROIs keep separate strokes.
        let separated = ScribbleGenerator.separatingTouchingCells(fills)
        let skeleton = Skeleton.thinned(separated.labels.map { $0 != 0 }, height: height, width: width)
        for i in values.indices where skeleton[i] { values[i] = 1 }
        for y in 0..<height {
            for x in 0..<width where !inside[y * width + x] {
                let touches = [(-1, 0), (1, 0), (0, -1), (0, 1)].contains { dy, dx in
                    let (yy, xx) = (y + dy, x + dx)
                    return yy >= 0 && yy < height && xx >= 0 && xx < width && inside[yy * width + xx]
                }
                if touches { values[y * width + x] = ScribbleMap.background }
            }
        }
        return try ScribbleMap(shape: fills.shape, values: values)
    }
}
