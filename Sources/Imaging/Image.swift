/// A microscopy image held as Float32 samples.
///
/// Layout: shape `(C, Y, X)` for 2D or `(C, Z, Y, X)` for 3D, row-major (X fastest). Channels are
/// always present, so a grey 2D image has shape `(1, Y, X)`.
public struct Image: Sendable, Equatable {
    /// `(C, Y, X)` or `(C, Z, Y, X)`.
    public let shape: [Int]
    /// Row-major samples, `shape.reduce(1, *)` of them.
    public var pixels: [Float]
    /// The sample type of the file the image came from (or should be written as).
    public var sourceType: ElementType
    /// Physical pixel size, when the file states it.
    public var spacing: Spacing?
    /// Channel names, when the file states them; `channels` entries when set.
    public var channelNames: [String]?

    /// Creates an image; throws when `pixels` does not fill `shape` or the shape is not (C,[Z,]Y,X).
    public init(
        shape: [Int], pixels: [Float], sourceType: ElementType = .float32,
        spacing: Spacing? = nil, channelNames: [String]? = nil
    ) throws {
        guard shape.count == 3 || shape.count == 4 else {
            throw ImagingError.invalidShape(shape: shape, reason: "an image is (C, Y, X) or (C, Z, Y, X)")
        }
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ImagingError.invalidShape(shape: shape, reason: "every extent must be positive")
        }
        let count = shape.reduce(1, *)
        guard pixels.count == count else {
            throw ImagingError.sampleCountMismatch(shape: shape, expected: count, actual: pixels.count)
        }
        if let names = channelNames, names.count != shape[0] {
            throw ImagingError.invalidArgument(
                name: "channelNames", value: "\(names)", reason: "the image has \(shape[0]) channels")
        }
        self.shape = shape
        self.pixels = pixels
        self.sourceType = sourceType
        self.spacing = spacing
        self.channelNames = channelNames
    }

    /// Number of channels C.
    public var channels: Int { shape[0] }
    /// True for `(C, Z, Y, X)` images.
    public var isVolume: Bool { shape.count == 4 }
    /// Number of Z slices; 1 for 2D images.
    public var depth: Int { isVolume ? shape[1] : 1 }
    /// Y extent.
    public var height: Int { shape[shape.count - 2] }
    /// X extent.
    public var width: Int { shape[shape.count - 1] }
    /// Samples per channel: Z * Y * X.
    public var planeCount: Int { depth * height * width }
    /// The spatial shape `([Z,] Y, X)`.
    public var spatialShape: [Int] { Array(shape.dropFirst()) }

    /// Axis names matching `shape`, e.g. `["C", "Z", "Y", "X"]`.
    public var axisNames: [String] { isVolume ? ["C", "Z", "Y", "X"] : ["C", "Y", "X"] }

    /// The samples of channel `c`, `([Z,] Y, X)` row-major.
    public func channel(_ c: Int) -> ArraySlice<Float> {
        precondition(c >= 0 && c < channels, "channel \(c) out of 0..<\(channels)")
        return pixels[c * planeCount..<(c + 1) * planeCount]
    }
}
