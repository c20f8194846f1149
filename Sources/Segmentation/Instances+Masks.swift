import Imaging

/// Parameters of `Instances.splittingMask(_:options:)`.
public struct DistanceSplitOptions: Sendable, Equatable {
    /// Minimal dynamic of a distance-map peak to seed its own cell, in pixels (or in the spacing unit when
    /// `usesSpacing`). Larger values merge more. Default 2.
    public var h: Float
    /// Measure distances with the mask's `spacing` (e.g. z = 2.18 in a stack). Default `true`; with no spacing
    /// on the mask, distances are in pixels either way.
    public var usesSpacing: Bool
    /// Final instances with fewer pixels (voxels) are removed. Default 5.
    public var minimumObjectSize: Int
    /// Neighbourhood for flooding and components: `.faces` (4/6, default) or `.full` (8/26). h-maxima always
    /// use `.full` so a diagonal ridge of equal distance stays one seed.
    public var connectivity: Connectivity

    public init(h: Float = 2, usesSpacing: Bool = true, minimumObjectSize: Int = 5, connectivity: Connectivity = .faces)
    {
        self.h = h
        self.usesSpacing = usesSpacing
        self.minimumObjectSize = minimumObjectSize
        self.connectivity = connectivity
    }
}

/// Parameters of `Instances.fromForegroundProbability(_:shape:options:)`, ImPartial's defaults.
public struct ThresholdInstanceOptions: Sendable, Equatable {
    /// Foreground probability a pixel must exceed. Default 0.5.
    public var threshold: Float
    /// Components with fewer pixels (voxels) are removed. Default 5.
    public var minimumSize: Int
    /// Growth into background after filtering, in pixels, never into another instance. Default 1.
    public var dilationRadius: Int
    /// Component neighbourhood: `.faces` (4/6, default, as ImPartial) or `.full` (8/26).
    public var connectivity: Connectivity

    public init(
        threshold: Float = 0.5, minimumSize: Int = 5, dilationRadius: Int = 1, connectivity: Connectivity = .faces
    ) {
        self.threshold = threshold
        self.minimumSize = minimumSize
        self.dilationRadius = dilationRadius
        self.connectivity = connectivity
    }
}

extension Instances {
    /// Splits touching cells in a binary mask: distance transform, h-maxima seeds, watershed on the negated
    /// distance inside the mask.
    ///
    /// Every non-zero pixel of `mask` is foreground (instance labels already there are ignored). Mask regions
    /// without a seed (too thin for any peak) keep one label each; instances under `minimumObjectSize` are
    /// removed; labels are 1...n in row-major order of first appearance.
    /// - Returns: instances of `mask.shape`, carrying its spacing.
    /// - Throws: `SegmentationError` for a negative `h` or size, or a bad spacing.
    public static func splittingMask(_ mask: LabelImage, options: DistanceSplitOptions = DistanceSplitOptions()) throws
        -> LabelImage
    {
        let grid = try Grid(shape: mask.shape)
        let foreground = mask.labels.map { $0 != 0 }
        let distance = try DistanceTransform.euclidean(
            foreground: foreground, shape: mask.shape, spacing: options.usesSpacing ? mask.spacing : nil)
        var seeds = try Seeds.hMaxima(of: distance, shape: mask.shape, h: options.h, connectivity: .full)
        for i in seeds.labels.indices where !foreground[i] { seeds.labels[i] = 0 }
        var labels = try Watershed.flood(
            distance.map { -$0 }, seeds: seeds, mask: foreground, connectivity: options.connectivity)
        labels.labels = labelUnreached(labels.labels, mask: foreground, grid: grid, connectivity: options.connectivity)
        labels.spacing = mask.spacing
        return try labels.removingSmallObjects(minimumSize: options.minimumObjectSize).compacted()
    }

    /// ImPartial's instances: threshold a foreground probability, connected components, drop the small ones,
    /// then dilate the rest into background without merging (`LabelImage.dilatingLabels(radius:)`).
    ///
    /// Touching cells separate only where the probability dips below the threshold between them.
    /// - Parameters:
    ///   - probability: row-major foreground probability of `shape` (`(Y, X)` or `(Z, Y, X)`).
    /// - Returns: instances labelled 1...n in row-major order of first pixel.
    /// - Throws: `SegmentationError` for a bad shape, count mismatch, NaN, or negative sizes.
    public static func fromForegroundProbability(
        _ probability: [Float], shape: [Int], options: ThresholdInstanceOptions = ThresholdInstanceOptions()
    ) throws -> LabelImage {
        let components = try Seeds.components(
            of: probability, shape: shape, threshold: options.threshold, minimumSize: options.minimumSize,
            connectivity: options.connectivity)
        return try components.dilatingLabels(radius: options.dilationRadius)
    }
}
