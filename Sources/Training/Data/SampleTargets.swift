import Foundation
import Imaging
import Segmentation

/// Builds a sample's per-pixel target and loss weights from its label image, by task:
/// - instances: 0 background, 1 interior, 2 boundary (a cell's pixels touching another label or background);
/// - binary: 1 inside any cell; - edges: 1 on cell boundaries; - classes: the label value.
/// Weights balance the classes (each class present gets the same total weight) and, for instances and
/// binary with `w0` > 0, add the U-Net term w0·exp(−(d1 + d2)²/2σ²) that stresses the narrow gaps
/// between touching cells. Weights are scaled to mean 1.
struct SampleTargets {
    let task: SegmentationTask
    let classCount: Int
    /// U-Net weight-map amplitude (0: off) and width in pixels.
    let w0: Float
    let sigma: Float
    /// Exponent of the class balance: 1 gives every class the same total weight, 0 turns balancing off.
    var balancePower: Float = 1
    /// Instances task: width of the contact zones marked as boundary (0: outline only).
    var contactWidth: Int = 0

    func sample(stem: String, image: Image, labels: LabelImage) throws -> TrainingSample {
        let target: [Float]
        switch task {
        case .instances: target = labels.interiorBoundaryClasses(contactWidth: contactWidth).map(Float.init)
        case .binary, .scribbles: target = labels.labels.map { $0 > 0 ? 1 : 0 }
        case .edges: target = labels.edges().map(Float.init)
        case .classes:
            if let bad = labels.labels.first(where: { Int($0) >= classCount }) {
                throw TrainingError.mismatchedSample(
                    stem: stem, reason: "label value \(bad) is not one of the \(classCount) classes seen in training")
            }
            target = labels.labels.map(Float.init)
        }
        var weights = Self.classBalance(target, classes: max(classCount, 2), power: balancePower)
        if w0 > 0, task == .instances || task == .binary {
            let options = WeightMapOptions(
                w0: w0, sigma: sigma, usesSpacing: labels.spacing != nil, balancesClasses: false)
            let unet = try WeightMap.unet(for: labels, options: options)
            for index in weights.indices { weights[index] += unet[index] - 1 }
        }
        let mean = weights.reduce(0, +) / Float(max(weights.count, 1))
        if mean > 0 { weights = weights.map { $0 / mean } }
        return try TrainingSample(stem: stem, image: image, target: target, weights: weights)
    }

    /// Per-pixel weight (1/(number of classes present × that class's pixel fraction))^`power`: with power 1
    /// each present class gets the same total weight; smaller powers balance less.
    static func classBalance(_ target: [Float], classes: Int, power: Float = 1) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for value in target { counts[min(max(Int(value), 0), classes - 1)] += 1 }
        let present = Float(counts.filter { $0 > 0 }.count)
        let total = Float(target.count)
        let perClass = counts.map { $0 > 0 ? Float(pow(Double(total / (present * Float($0))), Double(power))) : 0 }
        return target.map { perClass[min(max(Int($0), 0), classes - 1)] }
    }
}
