import Imaging

extension LabelImage {
    /// Grows every instance by up to `radius` pixels into background without merging instances.
    ///
    /// A background pixel whose Euclidean distance (in pixels, every axis one step, spacing ignored) to the
    /// nearest labelled pixel is at most `radius` takes the label of that nearest pixel; when several labels
    /// are equally near it takes the lowest. Labelled pixels never change, so touching instances stay apart
    /// and growth never overwrites a neighbour. Nearness is measured straight, ignoring other instances in
    /// between (as `skimage.segmentation.expand_labels` does).
    ///
    /// Cost: one distance transform plus, for each pixel in the grown band, a scan of the offsets at its
    /// exact distance.
    /// - Throws: `SegmentationError.invalidArgument` when `radius` is negative.
    public func dilatingLabels(radius: Int) throws -> LabelImage {
        guard radius >= 0 else {
            throw SegmentationError.invalidArgument(
                name: "radius", value: "\(radius)", reason: "a dilation radius cannot be negative")
        }
        guard radius > 0 else { return self }
        let grid = try Grid(shape: shape)
        let squared = DistanceTransform.squaredDistances(toSites: labels.map { $0 != 0 }, grid: grid, steps: .unit)
        let rings = OffsetRings(radius: radius, grid: grid)
        var out = labels
        for i in labels.indices where labels[i] == 0 {
            let d2 = squared[i]
            guard d2 <= Float(radius * radius) else { continue }  // also skips +infinity (no instance at all)
            let (z, y, x) = grid.coordinates(of: i)
            var best = UInt32.max
            for o in rings.offsets(atSquaredDistance: Int(d2)) where grid.contains(z: z, y: y, x: x, o) {
                let label = labels[i + o.delta]
                if label != 0 && label < best { best = label }
            }
            if best != UInt32.max { out[i] = best }
        }
        var copy = self
        copy.labels = out
        return copy
    }
}

/// The grid offsets within a radius, grouped by their exact squared length (an integer in pixel units).
struct OffsetRings {
    private var sorted: [GridOffset] = []
    /// `start[d2] ..< start[d2 + 1]` are the offsets of squared length `d2`.
    private var start: [Int]

    init(radius: Int, grid: Grid) {
        let r2 = radius * radius
        let zRange = grid.depth > 1 ? -radius...radius : 0...0
        var all: [(Int, GridOffset)] = []
        for dz in zRange {
            for dy in -radius...radius {
                for dx in -radius...radius {
                    let d2 = dz * dz + dy * dy + dx * dx
                    guard d2 <= r2 else { continue }
                    all.append(
                        (d2, GridOffset(dz: dz, dy: dy, dx: dx, delta: (dz * grid.height + dy) * grid.width + dx)))
                }
            }
        }
        all.sort { $0.0 < $1.0 }
        start = [Int](repeating: all.count, count: r2 + 2)
        for (k, entry) in all.enumerated().reversed() { start[entry.0] = k }
        for d2 in stride(from: r2, through: 0, by: -1) where start[d2] == all.count { start[d2] = start[d2 + 1] }
        sorted = all.map(\.1)
    }

    /// The offsets whose squared length is exactly `d2` (empty when none is).
    func offsets(atSquaredDistance d2: Int) -> ArraySlice<GridOffset> {
        guard d2 >= 0 && d2 + 1 < start.count else { return [] }
        return sorted[start[d2]..<start[d2 + 1]]
    }
}
