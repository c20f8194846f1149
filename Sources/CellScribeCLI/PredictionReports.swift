import Foundation
import Training

/// One predicted image as `predict` reports it: a text line, or a JSON object with `--json`.
struct PredictedImage {
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

    /// `{"image", "shape", "instances"[, "mean_entropy", "uncertain_region"], "seconds"}` on one line.
    func jsonLine() throws -> String {
        var members: [(key: String, value: any Encodable)] = [
            ("image", image), ("shape", shape), ("instances", instances),
        ]
        if let meanEntropy { members.append(("mean_entropy", meanEntropy)) }
        if let region = uncertainRegion {
            let value = Region(y: region.y, x: region.x, size: region.size, meanEntropy: region.meanUncertainty)
            members.append(("uncertain_region", value))
        }
        members.append(("seconds", seconds))
        return try OrderedJSON.object(members)
    }
}

/// The last line of `predict`: images, pixels and throughput.
struct PredictionSummary {
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

    /// `{"images", "failed", "pixels", "seconds", "seconds_per_megapixel"}` on one line.
    func jsonLine() throws -> String {
        try OrderedJSON.object([
            ("images", images), ("failed", failed), ("pixels", pixels), ("seconds", seconds),
            ("seconds_per_megapixel", secondsPerMegapixel),
        ])
    }
}
