import Imaging

/// How label values become classes for pixel metrics.
public enum ClassMapping: Sendable, Equatable {
    /// Each value is its own class (semantic class maps; 0 is the background class).
    case classes
    /// The binary case: 0 is background (class 0) and any value > 0 is foreground (class 1), so an
    /// instance label image scores as a foreground mask.
    case foreground

    /// The class of one label value.
    @inline(__always)
    func callAsFunction(_ value: UInt32) -> UInt32 {
        switch self {
        case .classes: value
        case .foreground: value == 0 ? 0 : 1
        }
    }
}

/// A (predicted class, true class) cell of a confusion matrix.
public struct ClassPair: Hashable, Sendable, Comparable {
    public var predicted: UInt32
    public var truth: UInt32

    public init(predicted: UInt32, truth: UInt32) {
        self.predicted = predicted
        self.truth = truth
    }

    public static func < (a: ClassPair, b: ClassPair) -> Bool { (a.predicted, a.truth) < (b.predicted, b.truth) }
}

/// Pixel counts per (predicted class, true class), accumulated over any number of images so that dataset
/// scores come from pooled totals rather than means of per-image scores.
///
/// Sparse: only pairs that occur are stored, so class maps with many classes (or instance label images
/// scored with `.classes`) cost memory in the number of distinct pairs, not classes squared.
public struct ConfusionMatrix: Sendable, Equatable {
    /// Pixel (voxel) count per class pair; absent pairs are 0.
    public private(set) var counts: [ClassPair: Int] = [:]

    /// An empty matrix.
    public init() {}

    /// A matrix holding one image's counts. See `add(predicted:truth:mapping:)`.
    public init(predicted: LabelImage, truth: LabelImage, mapping: ClassMapping) throws {
        try add(predicted: predicted, truth: truth, mapping: mapping)
    }

    /// Adds the pixels of one image pair. Throws `EvaluationError.shapeMismatch` when the shapes differ.
    public mutating func add(predicted: LabelImage, truth: LabelImage, mapping: ClassMapping) throws {
        guard predicted.shape == truth.shape else {
            throw EvaluationError.shapeMismatch(prediction: predicted.shape, truth: truth.shape)
        }
        add(predicted: predicted.labels, truth: truth.labels, mapping: mapping)
    }

    /// Adds row-major class maps of equal length (any shape). Precondition: equal counts.
    public mutating func add(predicted: [UInt32], truth: [UInt32], mapping: ClassMapping) {
        precondition(predicted.count == truth.count, "class maps of \(predicted.count) and \(truth.count) pixels")
        guard !predicted.isEmpty else { return }
        // Labels come in runs, so count a run locally and touch the dictionary once per run.
        var current = ClassPair(predicted: mapping(predicted[0]), truth: mapping(truth[0]))
        var run = 0
        for i in predicted.indices {
            let pair = ClassPair(predicted: mapping(predicted[i]), truth: mapping(truth[i]))
            if pair != current {
                counts[current, default: 0] += run
                current = pair
                run = 0
            }
            run += 1
        }
        counts[current, default: 0] += run
    }

    /// Adds another matrix's counts (e.g. another image's).
    public mutating func merge(_ other: ConfusionMatrix) {
        for (pair, n) in other.counts { counts[pair, default: 0] += n }
    }

    /// The count of pixels predicted as `predicted` whose true class is `truth`.
    public func count(predicted: UInt32, truth: UInt32) -> Int {
        counts[ClassPair(predicted: predicted, truth: truth)] ?? 0
    }

    /// Every class seen in a prediction or a ground truth, ascending.
    public var classes: [UInt32] {
        Set(counts.keys.flatMap { [$0.predicted, $0.truth] }).sorted()
    }

    /// All pixels counted.
    public var totalPixels: Int { counts.values.reduce(0, +) }

    /// Pixels whose predicted class equals the true class.
    public var correctPixels: Int { counts.reduce(0) { $0 + ($1.key.predicted == $1.key.truth ? $1.value : 0) } }
}
