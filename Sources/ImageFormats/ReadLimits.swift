/// Guards against files that would make CellScribe allocate absurd amounts of memory.
///
/// Headers can lie (a TIFF that claims 100000x100000 pixels, a zip bomb); readers check the
/// sizes they are about to allocate against these limits before allocating.
public struct ReadLimits: Sendable, Equatable {
    /// Largest decoded array, in bytes of its source type. Default 4 GiB.
    public var maxDecodedBytes: Int
    /// Largest number of samples in one array (images become Float32: 4 bytes each). Default 1 Gi samples.
    public var maxSamples: Int
    /// Largest total size of the entries decompressed from one zip archive. Default 4 GiB.
    public var maxArchiveBytes: Int
    /// Largest number of entries (ROIs, arrays) in one zip archive. Default 100 000.
    public var maxArchiveEntries: Int
    /// Largest number of outline vertices in one ROI set, all ROIs together (rasterising costs time per vertex
    /// and row). Default 10 million.
    public var maxROIVertices: Int

    public init(
        maxDecodedBytes: Int = 4 << 30, maxSamples: Int = 1 << 30,
        maxArchiveBytes: Int = 4 << 30, maxArchiveEntries: Int = 100_000, maxROIVertices: Int = 10_000_000
    ) {
        self.maxDecodedBytes = maxDecodedBytes
        self.maxSamples = maxSamples
        self.maxArchiveBytes = maxArchiveBytes
        self.maxArchiveEntries = maxArchiveEntries
        self.maxROIVertices = maxROIVertices
    }

    /// The defaults documented on each property.
    public static let standard = ReadLimits()

    /// Throws `tooLarge` unless an array of `shape` with `elementType` fits the limits.
    /// Uses overflow-checked arithmetic, so absurd header values are rejected rather than wrapped.
    public func check(shape: [Int], bytesPerSample: Int, source: String) throws {
        var samples = 1
        for extent in shape {
            guard extent >= 0 else {
                throw ImageFormatsError.incompatibleContent(source: source, reason: "negative extent in shape \(shape)")
            }
            let (product, overflow) = samples.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw ImageFormatsError.tooLarge(
                    source: source, what: "shape \(shape)", requested: Int.max, limit: maxSamples)
            }
            samples = product
        }
        guard samples <= maxSamples else {
            throw ImageFormatsError.tooLarge(
                source: source, what: "shape \(shape) (samples)", requested: samples, limit: maxSamples)
        }
        let (bytes, overflow) = samples.multipliedReportingOverflow(by: bytesPerSample)
        guard !overflow, bytes <= maxDecodedBytes else {
            throw ImageFormatsError.tooLarge(
                source: source, what: "shape \(shape) (bytes)", requested: overflow ? Int.max : bytes,
                limit: maxDecodedBytes)
        }
    }
}
