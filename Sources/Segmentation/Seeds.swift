import Imaging

/// Markers for the seeded watershed: one labelled region per expected cell.
public enum Seeds {
    /// The regions where `probability > threshold` (e.g. a network's interior probability), as connected
    /// components of at least `minimumSize` pixels (voxels), labelled 1...n in row-major order of first pixel.
    ///
    /// - Parameters:
    ///   - probability: row-major values of `shape` (`(Y, X)` or `(Z, Y, X)`); NaN is rejected.
    ///   - threshold: strict lower bound a pixel must exceed.
    ///   - minimumSize: smaller components are dropped (they are usually noise, not cells).
    ///   - connectivity: `.faces` (4/6) or `.full` (8/26).
    /// - Throws: `SegmentationError` for a bad shape, a count mismatch, NaN, or a negative `minimumSize`.
    public static func components(
        of probability: [Float], shape: [Int], threshold: Float, minimumSize: Int = 1,
        connectivity: Connectivity = .faces
    ) throws -> LabelImage {
        let grid = try Grid(shape: shape)
        try grid.check(count: probability.count, name: "probability", shape: shape)
        try checkNoNaN(probability, name: "probability")
        guard minimumSize >= 0 else {
            throw SegmentationError.invalidArgument(
                name: "minimumSize", value: "\(minimumSize)", reason: "a pixel count cannot be negative")
        }
        let labeler = ComponentLabeler(grid: grid, connectivity: connectivity)
        let (labels, _) = labeler.label(probability.map { $0 > threshold }, minimumSize: minimumSize)
        return try LabelImage(shape: shape, labels: labels)
    }

    /// The h-maxima of `map`: its regional maxima of dynamic at least `h`, as labelled regions.
    ///
    /// Morphologically: the regional maxima of the reconstruction by dilation of `map - h` under `map`. A peak
    /// survives when every path from it to a higher (or equal) peak dips more than `h` below it, so on a
    /// distance transform each clearly separate cell keeps one seed while two summits joined by a shallow
    /// saddle (less than `h` down) merge into one region. Each region is the set of pixels within `h` of its
    /// summit's level, connected to it. The global maximum always survives; a constant map is one region.
    ///
    /// Reconstruction uses Vincent's hybrid algorithm (two raster scans, then a FIFO queue): linear in
    /// practice.
    /// - Parameters:
    ///   - map: row-major values of `shape` (`(Y, X)` or `(Z, Y, X)`), e.g. a distance transform; NaN rejected.
    ///   - h: minimal dynamic, in the map's units (`h >= 0`; 0 gives the plain regional maxima).
    ///   - connectivity: `.full` (8/26, the default, so diagonal plateaus stay one region) or `.faces`.
    /// - Returns: regions labelled 1...n in row-major order of first pixel.
    /// - Throws: `SegmentationError` for a bad shape, count mismatch, NaN, or a negative or non-finite `h`.
    public static func hMaxima(
        of map: [Float], shape: [Int], h: Float, connectivity: Connectivity = .full
    ) throws -> LabelImage {
        let grid = try Grid(shape: shape)
        try grid.check(count: map.count, name: "map", shape: shape)
        try checkNoNaN(map, name: "map")
        guard h >= 0 && h.isFinite else {
            throw SegmentationError.invalidArgument(name: "h", value: "\(h)", reason: "must be finite and >= 0")
        }
        var reconstruction = map.map { $0 - h }
        GrayReconstruction.byDilation(&reconstruction, under: map, grid: grid, connectivity: connectivity)
        let labels = GrayReconstruction.regionalMaxima(of: reconstruction, grid: grid, connectivity: connectivity)
        return try LabelImage(shape: shape, labels: labels)
    }
}
