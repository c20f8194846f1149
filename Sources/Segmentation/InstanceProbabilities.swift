import Imaging

/// A network's per-pixel output, arranged for `Instances.fromProbabilities(_:options:)`.
///
/// All maps are row-major over `shape` (`(Y, X)` or `(Z, Y, X)`) with values in 0...1.
public struct InstanceProbabilities: Sendable, Equatable {
    /// `(Y, X)` or `(Z, Y, X)`.
    public let shape: [Int]
    /// Probability that a pixel belongs to any cell (1 - background probability).
    public var foreground: [Float]
    /// Probability that a pixel is inside a cell and away from its boundary; seeds come from it.
    public var interior: [Float]
    /// Probability that a pixel lies on a cell boundary; the watershed floods it. `nil` floods the negated
    /// distance transform of the foreground mask instead.
    public var boundary: [Float]?
    /// Physical pixel size, used for the distance transform when `boundary` is `nil`.
    public var spacing: Spacing?

    /// Wraps maps; throws `SegmentationError` when a map does not fill `shape` or holds NaN.
    public init(
        shape: [Int], foreground: [Float], interior: [Float], boundary: [Float]? = nil, spacing: Spacing? = nil
    ) throws {
        let grid = try Grid(shape: shape)
        try grid.check(count: foreground.count, name: "foreground", shape: shape)
        try grid.check(count: interior.count, name: "interior", shape: shape)
        try checkNoNaN(foreground, name: "foreground")
        try checkNoNaN(interior, name: "interior")
        if let boundary {
            try grid.check(count: boundary.count, name: "boundary", shape: shape)
            try checkNoNaN(boundary, name: "boundary")
        }
        self.shape = shape
        self.foreground = foreground
        self.interior = interior
        self.boundary = boundary
        self.spacing = spacing
    }

    /// From a three-class softmax output: `image` of shape `(3, [Z,] Y, X)` with channels background, interior,
    /// boundary. Foreground is `1 - background`.
    /// - Throws: `SegmentationError.invalidArgument` when the image does not have 3 channels.
    public init(threeClass image: Image) throws {
        guard image.channels == 3 else {
            throw SegmentationError.invalidArgument(
                name: "channels", value: "\(image.channels)",
                reason: "a three-class output has channels background, interior, boundary")
        }
        try self.init(
            shape: image.spatialShape, foreground: image.channel(0).map { 1 - $0 }, interior: Array(image.channel(1)),
            boundary: Array(image.channel(2)), spacing: image.spacing)
    }

    /// From a binary-plus-edge output: `image` of shape `(2, [Z,] Y, X)` with channels foreground and edge
    /// probability (two sigmoids). Interior is `foreground * (1 - edge)`: inside a cell and not on its edge.
    /// - Throws: `SegmentationError.invalidArgument` when the image does not have 2 channels.
    public init(foregroundAndEdge image: Image) throws {
        guard image.channels == 2 else {
            throw SegmentationError.invalidArgument(
                name: "channels", value: "\(image.channels)",
                reason: "a binary-plus-edge output has channels foreground, edge")
        }
        let (foreground, edge) = (Array(image.channel(0)), Array(image.channel(1)))
        let interior = zip(foreground, edge).map { $0 * (1 - $1) }
        try self.init(
            shape: image.spatialShape, foreground: foreground, interior: interior, boundary: edge,
            spacing: image.spacing)
    }
}
