import Imaging

/// Exact Euclidean distance transforms in 2D and 3D, with anisotropic pixel sizes.
///
/// The transform is separable and linear in the pixel count (Felzenszwalb and Huttenlocher's lower envelope of
/// parabolas, one pass per axis, each axis weighted by its physical step). Distances are exact up to `Float`
/// rounding: no chamfer or vector-propagation approximation.
public enum DistanceTransform {
    /// The distance from every pixel to the nearest background pixel.
    ///
    /// - Parameters:
    ///   - foreground: row-major flags of `shape`; `false` is background.
    ///   - shape: `(Y, X)` or `(Z, Y, X)`.
    ///   - spacing: physical size of a pixel along each axis (e.g. x = y = 1, z = 2.18). `nil` measures in
    ///     pixels; a missing `z` is taken equal to `x`.
    /// - Returns: row-major distances in the unit of `spacing` (pixels when `nil`): 0 on background, and
    ///   `+infinity` everywhere when the image holds no background pixel.
    /// - Throws: `SegmentationError` for a bad shape, a count mismatch, or a non-positive spacing.
    public static func euclidean(foreground: [Bool], shape: [Int], spacing: Spacing? = nil) throws -> [Float] {
        let grid = try Grid(shape: shape)
        try grid.check(count: foreground.count, name: "foreground", shape: shape)
        var values = foreground.map { $0 ? Float.infinity : 0 }
        SquaredDistanceTransform.apply(&values, grid: grid, steps: try AxisSteps(spacing))
        takeSquareRoots(&values)
        return values
    }

    /// The squared distance from every pixel to the nearest site (`isSite` true), in squared pixel units scaled
    /// by `steps`; `+infinity` everywhere when there is no site.
    static func squaredDistances(toSites isSite: [Bool], grid: Grid, steps: AxisSteps) -> [Float] {
        var values = isSite.map { $0 ? 0 : Float.infinity }
        SquaredDistanceTransform.apply(&values, grid: grid, steps: steps)
        return values
    }

    static func takeSquareRoots(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = buffer[i].squareRoot() }
        }
    }
}

extension LabelImage {
    /// The distance from every pixel to the nearest background (label 0) pixel, measured with this image's
    /// `spacing` (in pixels when it is `nil`; a missing `z` is taken equal to `x`).
    ///
    /// - Returns: row-major distances of `shape` (`(Y, X)` or `(Z, Y, X)`): 0 on background, `+infinity`
    ///   everywhere when no pixel is background.
    /// - Throws: `SegmentationError.invalidArgument` when the spacing is not positive and finite.
    public func distanceToBackground() throws -> [Float] {
        try DistanceTransform.euclidean(foreground: labels.map { $0 != 0 }, shape: shape, spacing: spacing)
    }
}
