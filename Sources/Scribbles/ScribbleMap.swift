import Imaging

/// Sparse annotations of one image. Per pixel: 0 = unlabelled, 1...254 = that foreground class,
/// 255 = background. Stored as an 8-bit label image (PNG or TIFF) with exactly these values.
public struct ScribbleMap: Sendable, Equatable {
    public static let unlabelled: UInt8 = 0
    public static let background: UInt8 = 255

    /// Spatial shape `(Y, X)` or `(Z, Y, X)`.
    public let shape: [Int]
    /// Row-major values over `shape`.
    public var values: [UInt8]

    /// - Throws: `ScribblesError.invalidScribbles` when `values` does not cover `shape`.
    public init(shape: [Int], values: [UInt8]) throws {
        guard shape.count == 2 || shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw ScribblesError.invalidScribbles(
                source: "scribble map", reason: "shape \(shape) is not (Y, X) or (Z, Y, X)")
        }
        guard values.count == shape.reduce(1, *) else {
            throw ScribblesError.invalidScribbles(
                source: "scribble map", reason: "\(values.count) values for shape \(shape)")
        }
        self.shape = shape
        self.values = values
    }

    /// A map with nothing scribbled.
    public init(unlabelledWithShape shape: [Int]) throws {
        try self.init(shape: shape, values: [UInt8](repeating: Self.unlabelled, count: max(0, shape.reduce(1, *))))
    }

    /// A label image read from a scribble file: its values must be 0, 1...254 or 255.
    ///
    /// - Throws: `ScribblesError.invalidScribbles` naming `source` for a value above 255.
    public init(labels: LabelImage, source: String) throws {
        if let bad = labels.labels.first(where: { $0 > UInt32(Self.background) }) {
            throw ScribblesError.invalidScribbles(
                source: source,
                reason: "value \(bad) is not a scribble value (0 = unlabelled, 1-254 = class, 255 = background)")
        }
        try self.init(shape: labels.shape, values: labels.labels.map { UInt8($0) })
    }

    /// A dense annotation used as scribbles: every pixel is labelled, label 0 as background and any other
    /// value as foreground class 1 (instance labels), or as class `value` when `keepsClasses` (class maps).
    ///
    /// - Throws: `ScribblesError.invalidScribbles` when a kept class value is 255 or above.
    public init(denseLabels labels: LabelImage, keepsClasses: Bool = false, source: String) throws {
        var values = [UInt8](repeating: Self.background, count: labels.labels.count)
        for (i, label) in labels.labels.enumerated() where label != 0 {
            guard !keepsClasses || label < UInt32(Self.background) else {
                throw ScribblesError.invalidScribbles(source: source, reason: "class \(label) is above 254")
            }
            values[i] = keepsClasses ? UInt8(label) : 1
        }
        try self.init(shape: labels.shape, values: values)
    }

    /// The map as a label image (for writing).
    public var labelImage: LabelImage {
        // The shape and count were checked on construction.
        try! LabelImage(shape: shape, labels: values.map(UInt32.init))
    }

    /// The largest foreground class present (0 when only background or nothing is scribbled).
    public var foregroundClassCount: Int { Int(values.lazy.filter { $0 != Self.background }.max() ?? 0) }

    /// Pixels scribbled with any foreground class.
    public var foregroundPixelCount: Int { values.lazy.filter { $0 != Self.unlabelled && $0 != Self.background }.count }

    /// Pixels holding `value`.
    public func count(of value: UInt8) -> Int { values.lazy.filter { $0 == value }.count }

    /// Pixels that are scribbled (any class or background).
    public var scribbledCount: Int { values.lazy.filter { $0 != Self.unlabelled }.count }
}
