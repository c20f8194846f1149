import Imaging

/// Squared distances from every pixel to its nearest and second-nearest instance.
struct NearestCellDistances {
    /// Squared distance to the nearest instance (0 inside an instance); `+infinity` beyond the cutoff.
    var nearest: [Float]
    /// Squared distance to the nearest instance other than that one; `+infinity` beyond the cutoff.
    var secondNearest: [Float]

    /// One exact distance transform per instance, each confined to the instance's bounding box grown by
    /// `cutoff` (physical units of `steps`) along every axis.
    ///
    /// Exactness: inside the grown box the transform is the true distance to the instance (the Euclidean
    /// distance ignores everything but the instance's own pixels, and all of them lie in the box). A pixel
    /// outside the box is farther than `cutoff` from the instance. So every distance below `cutoff` is exact,
    /// and a nearest or second-nearest distance reported as `+infinity` is at least `cutoff`.
    /// Cost: the sum of the grown boxes' volumes, times a constant.
    init(labels: LabelImage, steps: AxisSteps, cutoff: Double) {
        let grid = Grid(depth: labels.depth, height: labels.height, width: labels.width)
        nearest = [Float](repeating: .infinity, count: grid.count)
        secondNearest = nearest
        guard cutoff > 0 else { return }
        let compact = CompactLabels(labels.labels)
        let boxes = Self.boundingBoxes(compact, grid: grid)
        let grow = (
            z: grid.depth > 1 ? Int((cutoff / steps.z).rounded(.up)) : 0,
            y: Int((cutoff / steps.y).rounded(.up)), x: Int((cutoff / steps.x).rounded(.up))
        )
        let limit = Float(cutoff * cutoff)
        for (k, box) in boxes.enumerated() {
            let label = UInt32(k + 1)
            let (z0, z1) = (max(0, box.z0 - grow.z), min(grid.depth - 1, box.z1 + grow.z))
            let (y0, y1) = (max(0, box.y0 - grow.y), min(grid.height - 1, box.y1 + grow.y))
            let (x0, x1) = (max(0, box.x0 - grow.x), min(grid.width - 1, box.x1 + grow.x))
            let sub = Grid(depth: z1 - z0 + 1, height: y1 - y0 + 1, width: x1 - x0 + 1)
            var buffer = [Float](repeating: .infinity, count: sub.count)
            for z in box.z0...box.z1 {
                for y in box.y0...box.y1 {
                    let row = (z * grid.height + y) * grid.width
                    let subRow = ((z - z0) * sub.height + (y - y0)) * sub.width - x0
                    for x in box.x0...box.x1 where compact.labels[row + x] == label { buffer[subRow + x] = 0 }
                }
            }
            let rows = SiteRows(z: (box.z0 - z0)...(box.z1 - z0), y: (box.y0 - y0)...(box.y1 - y0))
            SquaredDistanceTransform.apply(&buffer, grid: sub, steps: steps, sites: rows)
            buffer.withUnsafeBufferPointer { buffer in
                nearest.withUnsafeMutableBufferPointer { nearest in
                    secondNearest.withUnsafeMutableBufferPointer { second in
                        var j = 0
                        for z in z0...z1 {
                            for y in y0...y1 {
                                let row = (z * grid.height + y) * grid.width
                                for x in x0...x1 {
                                    let d = buffer[j]
                                    j += 1
                                    guard d < limit else { continue }
                                    let i = row + x
                                    if d < nearest[i] {
                                        second[i] = nearest[i]
                                        nearest[i] = d
                                    } else if d < second[i] {
                                        second[i] = d
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Inclusive bounding boxes of compact labels 1...n, indexed k - 1.
    private static func boundingBoxes(
        _ compact: CompactLabels, grid: Grid
    ) -> [(z0: Int, z1: Int, y0: Int, y1: Int, x0: Int, x1: Int)] {
        var boxes = [(z0: Int, z1: Int, y0: Int, y1: Int, x0: Int, x1: Int)](
            repeating: (Int.max, -1, Int.max, -1, Int.max, -1), count: compact.count)
        var i = 0
        for z in 0..<grid.depth {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let v = Int(compact.labels[i])
                    i += 1
                    guard v != 0 else { continue }
                    var b = boxes[v - 1]
                    b = (min(b.z0, z), max(b.z1, z), min(b.y0, y), max(b.y1, y), min(b.x0, x), max(b.x1, x))
                    boxes[v - 1] = b
                }
            }
        }
        return boxes
    }
}
