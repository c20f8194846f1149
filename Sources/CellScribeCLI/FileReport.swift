import Foundation
import ImageFormats
import Imaging

/// What `cellscribe info` says about one file; encodes to the `--json` output.
struct FileReport: Codable, Equatable {
    /// One array of an NPZ archive.
    struct ArrayReport: Codable, Equatable {
        var name: String
        var shape: [Int]
        var dtype: String
        var range: [Double]?
        /// The role ImPartial gives this name (image, label, scribble, val_mask), if any.
        var role: String?
    }

    var path: String
    var format: String?
    /// "image", "label image", "binary mask", "ROI set" or "arrays".
    var kind: String?
    var shape: [Int]?
    var axes: String?
    var dtype: String?
    /// [min, max] over all samples (NaN ignored).
    var range: [Double]?
    var spacing: Spacing?
    var channelNames: [String]?
    /// Instances in a label image, mask (connected components) or ROI set.
    var instances: Int?
    var notes: [String] = []
    var arrays: [ArrayReport]?
    var error: String?
}

extension FileReport {
    /// Reads `url` and describes it; a file that cannot be read gives a report with `error` set.
    init(url: URL, limits: ReadLimits) {
        self.init(path: url.path)
        do {
            let file = try ImageFormats.read(contentsOf: url, limits: limits)
            try describe(file)
        } catch {
            self.error = "\(error)"
        }
    }

    private mutating func describe(_ file: ImageFile) throws {
        format = file.format.displayName
        switch file.content {
        case .raster(let raster):
            try describe(raster, source: file.source)
        case .arrays(let arrays):
            kind = "arrays"
            self.arrays = arrays.map { named in
                ArrayReport(
                    name: named.name, shape: named.array.shape, dtype: named.array.elementType.rawValue,
                    range: named.array.valueRange, role: ImPartialArrayName(rawValue: named.name)?.rawValue)
            }
            if let image = try? file.image() {
                notes.append(
                    "image array: \(image.shape.map(String.init).joined(separator: " x ")) (\(image.axisNames.joined(separator: ", ")))"
                )
            }
        case .rois(let set):
            kind = "ROI set"
            instances = set.rois.count
            let extent = set.extent
            shape = [extent.height, extent.width]
            axes = "YX"
            notes.append("shape is the extent of the ROIs; rasterise onto the image's own shape")
        }
    }

    private mutating func describe(_ raster: DecodedRaster, source: String) throws {
        shape = raster.array.shape
        axes = raster.axes.map(\.rawValue).joined()
        dtype = raster.array.elementType.rawValue
        range = raster.array.valueRange
        spacing = raster.spacing
        channelNames = raster.channelNames
        notes = raster.notes
        let labelKind = LabelKind.classify(raster, source: source)
        kind = labelKind.name
        switch labelKind {
        case .image: break
        case .labelImage(let labels): instances = labels.instanceCount
        case .binaryMask(let mask):
            instances = try mask.connectedComponents(connectivity: .faces).instanceCount
            notes.append("instances are the 4/6-connected components of the mask")
        }
    }
}

extension NDArray {
    /// [min, max] of the samples, NaN ignored; nil when empty or all NaN.
    var valueRange: [Double]? {
        var lo = Double.infinity
        var hi = -Double.infinity
        for i in 0..<count {
            let v = value(at: i)
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return lo <= hi ? [lo, hi] : nil
    }
}
