import Imaging

/// Seeded watershed in 2D and 3D (Meyer's flooding with a priority queue).
public enum Watershed {
    /// Floods `surface` from `seeds`: lower values flood first, each pixel takes the label of the region that
    /// reaches it first, and equal values are reached in first-in first-out order so plateaus split evenly.
    ///
    /// A pixel enters the queue at `max(its value, the level it was reached at)`, so a basin without a seed is
    /// shared out at the level of its lowest pass rather than claimed whole by whichever region dips in first.
    /// Runs in O(n log n) for n pixels. No watershed lines are drawn: regions touch.
    ///
    /// - Parameters:
    ///   - surface: row-major values of `seeds.shape` (`(Y, X)` or `(Z, Y, X)`), e.g. a boundary probability
    ///     or a negated distance transform. NaN is rejected.
    ///   - seeds: markers; every non-zero pixel seeds its label. Seed pixels outside `mask` are dropped.
    ///   - mask: row-major flags of the same shape; pixels where it is `false` stay 0. `nil` floods everything.
    ///   - connectivity: `.faces` (4/6 neighbours) or `.full` (8/26).
    /// - Returns: labels with the seeds' values and spacing; pixels no seed can reach stay 0.
    /// - Throws: `SegmentationError` when the sizes disagree or the surface holds NaN.
    public static func flood(
        _ surface: [Float], seeds: LabelImage, mask: [Bool]? = nil, connectivity: Connectivity = .faces
    ) throws -> LabelImage {
        let grid = try Grid(shape: seeds.shape)
        try grid.check(count: surface.count, name: "surface", shape: seeds.shape)
        if let mask { try grid.check(count: mask.count, name: "mask", shape: seeds.shape) }
        guard grid.count < Int(Int32.max) else {
            throw SegmentationError.invalidShape(shape: seeds.shape, reason: "watershed handles under 2^31 pixels")
        }
        try checkNoNaN(surface, name: "surface")
        let blocked = UInt32.max  // marks pixels outside the mask, so the hot loop tests one array
        var out = [UInt32](repeating: 0, count: grid.count)
        if let mask {
            for i in out.indices where !mask[i] { out[i] = blocked }
        }
        var queue = PixelQueue(capacity: grid.count)
        for i in out.indices where seeds.labels[i] != 0 && out[i] == 0 {
            guard seeds.labels[i] != blocked else {
                throw SegmentationError.invalidArgument(
                    name: "seed label", value: "\(blocked)", reason: "labels must be below UInt32.max")
            }
            out[i] = seeds.labels[i]
            queue.push(i, value: surface[i])
        }
        surface.withUnsafeBufferPointer { surface in
            out.withUnsafeMutableBufferPointer { out in
                flood(surface, labels: out, queue: &queue, grid: grid, offsets: grid.offsets(connectivity))
            }
        }
        if mask != nil {
            for i in out.indices where out[i] == blocked { out[i] = 0 }
        }
        return try LabelImage(shape: seeds.shape, labels: out, spacing: seeds.spacing)
    }

    private static func flood(
        _ surface: UnsafeBufferPointer<Float>, labels: UnsafeMutableBufferPointer<UInt32>, queue: inout PixelQueue,
        grid: Grid, offsets: [GridOffset]
    ) {
        while let (i, level) = queue.pop() {
            let label = labels[i]
            let (z, y, x) = grid.coordinates(of: i)
            let interior = grid.isInterior(z: z, y: y, x: x)
            for o in offsets {
                guard interior || grid.contains(z: z, y: y, x: x, o) else { continue }
                let j = i + o.delta
                guard labels[j] == 0 else { continue }
                labels[j] = label
                queue.push(j, value: max(surface[j], level))
            }
        }
    }
}
