import Foundation
import ImageFormats
import Imaging
import Segmentation
import Storage
import Training

/// The files a prediction is served as, by name.
enum PredictionMap: String, CaseIterable, Sendable {
    case labelsTIFF = "labels.tif"
    case labelsPNG = "labels.png"
    case labelsROIZip = "labels.zip"
    case probabilities = "probabilities.tif"
    case entropyTIFF = "entropy.tif"
    case foregroundPNG = "foreground.png"
    case entropyPNG = "entropy.png"
    case measurements = "measurements.csv"

    /// The file extension, which decides the content type.
    var fileExtension: String { (rawValue as NSString).pathExtension }
}

/// What a client sees of a prediction: instances at a threshold, uncertain regions, outlines.
struct PredictionSummary: Sendable {
    var labels: LabelImage
    var threshold: Float
    var regions: [UncertainRegion]
    var outlines: [LabelOutline]?
}

/// Renders predictions: the summary, the maps as TIFF (full precision) or PNG (display), ImageJ ROI sets and
/// per-cell measurements.
struct PredictionExports: Sendable {
    let blobs: BlobStore

    /// Instances at `threshold` (the model's when nil), up to `regionCount` uncertain `regionSize` windows, and
    /// the cells' outlines (2D only) when `outlines`.
    func summary(
        of result: PredictionResult, threshold: Float?, regionCount: Int, regionSize: Int, outlines: Bool
    ) throws -> PredictionSummary {
        let labels = try result.labels(threshold: threshold)
        return PredictionSummary(
            labels: labels, threshold: threshold ?? result.instanceOptions.foregroundThreshold,
            regions: result.uncertainRegions(count: regionCount, size: regionSize),
            outlines: outlines && result.shape.count == 2 ? try ImageFormats.outlines(of: labels) : nil)
    }

    /// `map` of `result` (slice `z` of a stack for the PNG maps), for `image` of `project`.
    func render(
        _ map: PredictionMap, of result: PredictionResult, threshold: Float?, z: Int, image: ImageRecord,
        project: ProjectRecord
    ) throws -> Data {
        switch map {
        case .labelsTIFF: return try ImageFormats.encode(try result.labels(threshold: threshold), format: .tiff)
        case .labelsROIZip:
            return try ImageFormats.encode(try result.labels(threshold: threshold), format: .imagejROIZip)
        case .labelsPNG:
            let labels = try result.labels(threshold: threshold)
            let plane = try Self.slice(labels.labels.map(Float.init), shape: result.shape, z: z)
            return try ImageFormats.encode(
                try LabelImage(shape: plane.shape, labels: plane.values.map { UInt32($0) }), format: .png)
        case .probabilities:
            let classes = result.probabilities.count / result.pixelCount
            return try ImageFormats.encode(
                try Image(shape: [classes] + result.shape, pixels: result.probabilities, sourceType: .float32),
                format: .tiff)
        case .entropyTIFF:
            return try ImageFormats.encode(
                try Image(shape: [1] + result.shape, pixels: result.entropy, sourceType: .float32), format: .tiff)
        case .foregroundPNG:
            return try Self.png(try Self.slice(result.foreground, shape: result.shape, z: z), scale: 255)
        case .entropyPNG:
            return try Self.png(try Self.slice(result.entropy, shape: result.shape, z: z), scale: 255 / Float(log(2.0)))
        case .measurements:
            return try measurements(image: image, project: project, labels: try result.labels(threshold: threshold))
        }
    }

    /// One CSV row per cell: label, area, centroid and the mean of each channel (as stored, before normalisation).
    func measurements(image: ImageRecord, project: ProjectRecord, labels: LabelImage) throws -> Data {
        let data = try blobs.read(image.path, checksum: image.checksum)
        var pixels = try InputPreparation.reducedChannels(of: try ImageFormats.decode(data, source: image.name).image())
        if pixels.channels == 3, project.channelNames.count == 1 { pixels = try InputPreparation.grey(pixels) }
        let names =
            pixels.channels == project.channelNames.count
            ? project.channelNames : (0..<pixels.channels).map { "channel\($0)" }
        let rows = try InstanceMeasurement.measure(labels, in: pixels)
        return Data(InstanceMeasurement.csv(rows, channelNames: names, dimensions: labels.shape.count).utf8)
    }

    /// Slice `z` of a `([Z,] Y, X)` map.
    static func slice(_ values: [Float], shape: [Int], z: Int) throws -> (values: [Float], shape: [Int]) {
        guard shape.count == 3 else {
            guard z == 0 else {
                throw ServiceError.unacceptable("slice z=\(z) does not exist: the image is 2D", field: "z")
            }
            return (values, shape)
        }
        guard (0..<shape[0]).contains(z) else {
            throw ServiceError.unacceptable(
                "slice z=\(z) does not exist: the stack has slices 0...\(shape[0] - 1)", field: "z")
        }
        let plane = shape[1] * shape[2]
        return (Array(values[(z * plane)..<((z + 1) * plane)]), [shape[1], shape[2]])
    }

    static func png(_ map: (values: [Float], shape: [Int]), scale: Float) throws -> Data {
        let pixels = map.values.map { min(255, max(0, ($0 * scale).rounded())) }
        return try ImageFormats.encode(
            try Image(shape: [1] + map.shape, pixels: pixels, sourceType: .uint8), format: .png)
    }
}
