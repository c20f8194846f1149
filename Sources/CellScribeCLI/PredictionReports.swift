import Foundation
import Training

/// One predicted image as `predict` reports it: a text line, or a JSON object with `--json`.
struct PredictedImage: Encodable {
    /// The most uncertain window, as JSON shows it.
    struct Region: Encodable {
        var y: Int
        var x: Int
        var size: Int
        var meanEntropy: Double

        enum CodingKeys: String, CodingKey {
            case y, x, size
            case meanEntropy = "mean_entropy"
        }
    }

    var image: String
    /// `(Y, X)` or `(Z, Y, X)`.
    var shape: [Int]
    var instances: Int
    /// Nats; only with `--uncertainty`.
    var meanEntropy: Double?
    var uncertainRegion: UncertainRegion?
    var seconds: Double

    var pixels: Int { shape.reduce(1, *) }

    var text: String {
        let shapeText = shape.map(String.init).joined(separator: "x")
        let entropy = meanEntropy.map { String(format: "  mean entropy %.4f", $0) } ?? ""
        return String(format: "%@  %@  %d instances%@  %.2f s", image, shapeText, instances, entropy, seconds)
    }

    enum CodingKeys: String, CodingKey {
        case image, shape, instances, seconds
        case meanEntropy = "mean_entropy"
        case uncertainRegion = "uncertain_region"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encode(shape, forKey: .shape)
        try container.encode(instances, forKey: .instances)
        try container.encodeIfPresent(meanEntropy, forKey: .meanEntropy)
        try container.encodeIfPresent(
            uncertainRegion.map { Region(y: $0.y, x: $0.x, size: $0.size, meanEntropy: $0.meanUncertainty) },
            forKey: .uncertainRegion)
        try container.encode(seconds, forKey: .seconds)
    }
}

/// The last line of `predict`: images, pixels and throughput.
struct PredictionSummary: Encodable {
    var images: Int
    var failed: Int
    var pixels: Int
    var seconds: Double
    var secondsPerMegapixel: Double

    init(reports: [PredictedImage], failed: Int) {
        images = reports.count
        self.failed = failed
        pixels = reports.reduce(0) { $0 + $1.pixels }
        seconds = reports.reduce(0) { $0 + $1.seconds }
        secondsPerMegapixel = pixels > 0 ? seconds / (Double(pixels) / 1e6) : 0
    }

    var text: String {
        String(
            format: "%d images, %.1f megapixels in %.1f s: %.3f s per megapixel (%.3f s per 10^7 voxels)",
            images, Double(pixels) / 1e6, seconds, secondsPerMegapixel, secondsPerMegapixel * 10)
    }

    enum CodingKeys: String, CodingKey {
        case images, failed, pixels, seconds
        case secondsPerMegapixel = "seconds_per_megapixel"
    }
}

/// JSON output of the commands: one object per line (`--json` streams), through `Codable` so every string is
/// escaped and every number is valid JSON.
enum JSONLines {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()

    /// `value` as one line of JSON.
    static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
