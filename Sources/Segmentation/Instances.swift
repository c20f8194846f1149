import Imaging

/// Parameters of `Instances.fromProbabilities(_:options:)`.
public struct SeededWatershedOptions: Sendable, Equatable {
    /// Interior probability a pixel must exceed to be part of a seed. Default 0.5.
    public var interiorThreshold: Float
    /// Seed components with fewer pixels (voxels) are dropped. Default 5.
    public var minimumSeedSize: Int
    /// Foreground probability (1 - background) a pixel must exceed to belong to a cell. Default 0.5.
    public var foregroundThreshold: Float
    /// Final instances with fewer pixels (voxels) are removed. Default 5.
    public var minimumObjectSize: Int
    /// Neighbourhood for seeds, flooding and components: `.faces` (4/6, default) or `.full` (8/26).
    public var connectivity: Connectivity
    /// Foreground regions that no seed reaches become instances of their own (default `true`) rather than
    /// being dropped: a small cell whose interior never passed the threshold is still a cell.
    public var keepsUnseededRegions: Bool
    /// When above 0, a seed component is split further where its own distance transform has separate
    /// h-maxima (h = this many pixels): two nuclei whose interiors touch through a neck get a seed each.
    /// Default 0 (off).
    public var seedSplitHeight: Float

    public init(
        interiorThreshold: Float = 0.5, minimumSeedSize: Int = 5, foregroundThreshold: Float = 0.5,
        minimumObjectSize: Int = 5, connectivity: Connectivity = .faces, keepsUnseededRegions: Bool = true,
        seedSplitHeight: Float = 0
    ) {
        self.interiorThreshold = interiorThreshold
        self.minimumSeedSize = minimumSeedSize
        self.foregroundThreshold = foregroundThreshold
        self.minimumObjectSize = minimumObjectSize
        self.connectivity = connectivity
        self.keepsUnseededRegions = keepsUnseededRegions
        self.seedSplitHeight = seedSplitHeight
    }
}

/// Cell instances from network outputs and masks.
public enum Instances {
    /// Instances from a 3-class (background/interior/boundary) or binary-plus-edge network output.
    ///
    /// Steps: foreground mask = `foreground > foregroundThreshold`; seeds = components of
    /// `interior > interiorThreshold` with at least `minimumSeedSize` pixels (split at distance h-maxima with
    /// `seedSplitHeight`); seeded watershed inside the mask
    /// on the boundary probability (or on the negated distance transform of the mask, with `spacing`, when there
    /// is no boundary map); unseeded foreground regions kept as their own instances (if asked); instances under
    /// `minimumObjectSize` removed; labels 1...n in row-major order of first appearance.
    /// - Returns: instances of `probabilities.shape`, carrying its spacing.
    /// - Throws: `SegmentationError` for negative sizes or a bad spacing.
    public static func fromProbabilities(
        _ probabilities: InstanceProbabilities, options: SeededWatershedOptions = SeededWatershedOptions()
    ) throws -> LabelImage {
        let shape = probabilities.shape
        let grid = try Grid(shape: shape)
        let mask = probabilities.foreground.map { $0 > options.foregroundThreshold }
        var seeds = try Seeds.components(
            of: probabilities.interior, shape: shape, threshold: options.interiorThreshold,
            minimumSize: options.minimumSeedSize, connectivity: options.connectivity)
        if options.seedSplitHeight > 0 {
            seeds = try splittingMask(
                seeds,
                options: DistanceSplitOptions(
                    h: options.seedSplitHeight, usesSpacing: probabilities.spacing != nil,
                    minimumObjectSize: options.minimumSeedSize, connectivity: options.connectivity))
        }
        let surface: [Float]
        if let boundary = probabilities.boundary {
            surface = boundary
        } else {
            let distance = try DistanceTransform.euclidean(
                foreground: mask, shape: shape, spacing: probabilities.spacing)
            surface = distance.map { -$0 }
        }
        var labels = try Watershed.flood(surface, seeds: seeds, mask: mask, connectivity: options.connectivity)
        if options.keepsUnseededRegions {
            labels.labels = labelUnreached(labels.labels, mask: mask, grid: grid, connectivity: options.connectivity)
        }
        labels.spacing = probabilities.spacing
        return try labels.removingSmallObjects(minimumSize: options.minimumObjectSize).compacted()
    }

    /// `labels` with each connected region of mask pixels that stayed 0 given a new label above the largest.
    static func labelUnreached(_ labels: [UInt32], mask: [Bool], grid: Grid, connectivity: Connectivity) -> [UInt32] {
        var unreached = mask
        var any = false
        for i in unreached.indices where unreached[i] {
            if labels[i] != 0 { unreached[i] = false } else { any = true }
        }
        guard any else { return labels }
        let base = labels.max() ?? 0
        let (extra, _) = ComponentLabeler(grid: grid, connectivity: connectivity).label(unreached)
        var out = labels
        for i in out.indices where extra[i] != 0 { out[i] = base + extra[i] }
        return out
    }
}
