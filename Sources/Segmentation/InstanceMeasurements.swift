import Imaging

/// Per-instance measurements of a label image over an intensity image: size, centroid and mean intensity of
/// each channel (the "cells CSV" a biologist exports).
public struct InstanceMeasurement: Sendable, Equatable {
    public var label: UInt32
    /// Pixels (voxels in 3D).
    public var area: Int
    /// Centroid in pixel coordinates, `(Z,) Y, X` like the image axes.
    public var centroid: [Double]
    /// Mean of each channel's raw values over the instance.
    public var meanIntensity: [Double]

    /// One measurement per label present, ascending by label.
    ///
    /// - Throws: `SegmentationError.shapeMismatch` when `labels` and `image` differ in spatial shape.
    public static func measure(_ labels: LabelImage, in image: Image) throws -> [InstanceMeasurement] {
        guard labels.shape == image.spatialShape else {
            throw SegmentationError.shapeMismatch(
                operation: "measuring instances", lhs: labels.shape, rhs: image.spatialShape)
        }
        let shape = labels.shape
        let plane = image.planeCount
        var index: [UInt32: Int] = [:]
        var measurements: [InstanceMeasurement] = []
        var sums: [[Double]] = []
        for pixel in 0..<plane {
            let label = labels.labels[pixel]
            guard label != 0 else { continue }
            let k: Int
            if let known = index[label] {
                k = known
            } else {
                k = measurements.count
                index[label] = k
                measurements.append(
                    InstanceMeasurement(
                        label: label, area: 0, centroid: [Double](repeating: 0, count: shape.count),
                        meanIntensity: [Double](repeating: 0, count: image.channels)))
                sums.append([Double](repeating: 0, count: image.channels))
            }
            measurements[k].area += 1
            var rest = pixel
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                measurements[k].centroid[axis] += Double(rest % shape[axis])
                rest /= shape[axis]
            }
            for c in 0..<image.channels { sums[k][c] += Double(image.pixels[c * plane + pixel]) }
        }
        for k in measurements.indices {
            let area = Double(measurements[k].area)
            measurements[k].centroid = measurements[k].centroid.map { $0 / area }
            measurements[k].meanIntensity = sums[k].map { $0 / area }
        }
        return measurements.sorted { $0.label < $1.label }
    }

    /// CSV with a header: label, area, centroid columns (z_, y, x), then `mean_<channel>` per channel.
    public static func csv(_ measurements: [InstanceMeasurement], channelNames: [String], dimensions: Int) -> String {
        let axes = dimensions == 3 ? ["centroid_z", "centroid_y", "centroid_x"] : ["centroid_y", "centroid_x"]
        let names = channelNames.map {
            "mean_" + $0.map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce("") { $0 + String($1) }
        }
        var text = (["label", "area"] + axes + names).joined(separator: ",") + "\n"
        for m in measurements {
            let fields =
                ["\(m.label)", "\(m.area)"] + m.centroid.map { String(format: "%.2f", $0) }
                + m.meanIntensity.map { String(format: "%.4f", $0) }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}
