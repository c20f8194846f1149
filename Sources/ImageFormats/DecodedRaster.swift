import Imaging

/// The axis an array dimension stands for.
public enum Axis: String, Sendable, Codable {
    case t = "T", c = "C", z = "Z", y = "Y", x = "X"
}

/// A decoded pixel array with its axes and the metadata the file stated.
///
/// Readers interpret the file's own metadata (ImageJ hyperstack description, OME-XML, PNG colour type,
/// NPY axis heuristics) to name the axes; conversion to `Image`/`LabelImage` happens in one place
/// (`DecodedRaster+Conversion.swift`).
public struct DecodedRaster: Sendable, Equatable {
    /// The samples; `array.shape[i]` is the extent of `axes[i]`.
    public var array: NDArray
    /// One axis per dimension, each at most once, in storage order (e.g. `[.c, .z, .y, .x]`).
    public var axes: [Axis]
    /// Physical pixel size, when stated.
    public var spacing: Spacing?
    /// Channel names, when stated.
    public var channelNames: [String]?
    /// Free-form notes on how the file was interpreted (shown by `info`), e.g. "R=G=B: one channel".
    public var notes: [String]

    public init(
        array: NDArray, axes: [Axis], spacing: Spacing? = nil, channelNames: [String]? = nil, notes: [String] = []
    ) {
        precondition(array.shape.count == axes.count, "axes \(axes) do not match shape \(array.shape)")
        self.array = array
        self.axes = axes
        self.spacing = spacing
        self.channelNames = channelNames
        self.notes = notes
    }

    /// Extent of `axis`, 1 when absent.
    public func extent(_ axis: Axis) -> Int {
        axes.firstIndex(of: axis).map { array.shape[$0] } ?? 1
    }
}
