import Foundation
import Imaging

extension LabelImage {
    /// The typical cell size of an image, in pixels: the equivalent diameter (of the disk, or for volumes the
    /// sphere, of the same area or volume) of the area-weighted median instance — the instance in which the
    /// middle foreground pixel lies when instances are ordered by size. Weighting by area keeps a scatter of
    /// specks from passing for the cells. nil when there are no instances.
    public func medianObjectDiameter() -> Double? {
        let sizes = CompactLabels(labels).sizes().dropFirst().sorted()
        guard !sizes.isEmpty else { return nil }
        let half = Double(sizes.reduce(0, +)) / 2
        var cumulative = 0
        var median = sizes[sizes.count - 1]
        for size in sizes {
            cumulative += size
            if Double(cumulative) >= half {
                median = size
                break
            }
        }
        let measure = Double(median)
        return isVolume ? cbrt(6 * measure / Double.pi) : 2 * (measure / Double.pi).squareRoot()
    }
}
