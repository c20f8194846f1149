/// An instance label image: 0 is background, k > 0 is instance k.
///
/// Layout: shape `(Y, X)` or `(Z, Y, X)`, row-major (X fastest).
public struct LabelImage: Sendable, Equatable {
    /// `(Y, X)` or `(Z, Y, X)`.
    public let shape: [Int]
    /// Row-major labels.
    public var labels: [UInt32]
    /// Physical pixel size, when known.
    public var spacing: Spacing?

    /// Creates a label image; throws when `labels` does not fill `shape` or the rank is not 2 or 3.
    public init(shape: [Int], labels: [UInt32], spacing: Spacing? = nil) throws {
        guard shape.count == 2 || shape.count == 3 else {
            throw ImagingError.invalidShape(shape: shape, reason: "a label image is (Y, X) or (Z, Y, X)")
        }
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ImagingError.invalidShape(shape: shape, reason: "every extent must be positive")
        }
        let count = shape.reduce(1, *)
        guard labels.count == count else {
            throw ImagingError.sampleCountMismatch(shape: shape, expected: count, actual: labels.count)
        }
        self.shape = shape
        self.labels = labels
        self.spacing = spacing
    }

    /// An all-background label image of the given shape.
    public init(zerosWithShape shape: [Int], spacing: Spacing? = nil) throws {
        try self.init(shape: shape, labels: [UInt32](repeating: 0, count: max(0, shape.reduce(1, *))), spacing: spacing)
    }

    /// True for `(Z, Y, X)` label images.
    public var isVolume: Bool { shape.count == 3 }
    /// Number of Z slices; 1 for 2D.
    public var depth: Int { isVolume ? shape[0] : 1 }
    /// Y extent.
    public var height: Int { shape[shape.count - 2] }
    /// X extent.
    public var width: Int { shape[shape.count - 1] }
    /// Axis names matching `shape`.
    public var axisNames: [String] { isVolume ? ["Z", "Y", "X"] : ["Y", "X"] }

    /// The distinct non-zero labels, ascending.
    public var instanceIDs: [UInt32] {
        var seen = Set<UInt32>()
        for v in labels where v != 0 { seen.insert(v) }
        return seen.sorted()
    }

    /// Number of distinct non-zero labels.
    public var instanceCount: Int { instanceIDs.count }

    /// The largest label value (0 for an empty image).
    public var maxLabel: UInt32 { labels.max() ?? 0 }

    /// Relabels instances to 1...n in order of first appearance (row-major), keeping 0 as background.
    public func relabeledSequentially() -> LabelImage {
        var map: [UInt32: UInt32] = [:]
        var next: UInt32 = 1
        var out = labels
        for i in out.indices where out[i] != 0 {
            if let m = map[out[i]] {
                out[i] = m
            } else {
                map[out[i]] = next
                out[i] = next
                next += 1
            }
        }
        var copy = self
        copy.labels = out
        return copy
    }
}
