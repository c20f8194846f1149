import Networks

/// How the learning rate changes over a training run.
public enum LearningRateScheduleKind: String, Codable, Sendable, CaseIterable {
    /// Cosine decay from the initial rate to 1% of it over the run (epochs or time budget).
    case cosine
    /// Multiply by 0.2 when the validation score has not improved for `plateauPatience` epochs.
    case plateau
    /// The initial rate throughout.
    case constant
}

/// Everything a supervised training run needs besides its data. Defaults suit 2D fluorescence nuclei on a
/// 2-core CPU.
public struct TrainingOptions: Codable, Sendable {
    public var task: SegmentationTask = .instances
    /// 2 (images) or 3 (volumes).
    public var dimensions: Int = 2
    /// U-Net channels per level, top first.
    public var widths: [Int] = [32, 64, 128, 256]
    public var dropout: Float = 0.1
    public var upsampling: UNetConfiguration.Upsampling = .linear
    /// Normalisation after each convolution (none, batch, group of 8 channels).
    public var normalization: UNetConfiguration.Normalization = .none
    /// Patch extent `(Y, X)` or `(Z, Y, X)`; nil = 128x128 in 2D, 16x96x96 in 3D.
    public var patchShape: [Int]? = nil
    /// Patches per step; nil = 8 in 2D, 2 in 3D.
    public var batchSize: Int? = nil
    public var learningRate: Float = 1e-3
    /// AdamW's decoupled weight decay.
    public var weightDecay: Float = 1e-4
    /// Stop after this many epochs (nil: only the time budget stops training).
    public var epochs: Int? = nil
    /// Stop when this much wall-clock time has passed (nil: only `epochs` stops training).
    public var timeBudgetSeconds: Double? = nil
    /// Optimiser steps per epoch; nil = enough patches to cover the training pixels once (20 to 400).
    public var stepsPerEpoch: Int? = nil
    /// Fraction of the images held out for validation when the dataset does not say which.
    public var validationFraction: Double = 0.2
    /// At most this many validation images are scored each epoch (a fixed subset; the rest are kept out of
    /// training all the same, and all of them choose the instance thresholds at the end).
    public var validationImageLimit: Int = 24
    /// Checkpoint ensemble (ImPartial): the run is split into this many equal cycles; each restarts Adam and the
    /// cosine schedule, its best checkpoint is kept, and prediction averages the kept networks. 1 = one model.
    public var ensembleSize: Int = 1
    /// Write a resumable checkpoint every this many epochs.
    public var checkpointEvery: Int = 1
    public var schedule: LearningRateScheduleKind = .cosine
    public var plateauPatience: Int = 10
    /// U-Net weight maps (Ronneberger et al.) for the instances and binary tasks: w0·exp(−(d1 + d2)²/2σ²)
    /// added on background pixels, d1, d2 the distances to the nearest and second-nearest cell; 0 turns it off.
    public var weightMapW0: Float = 10
    /// σ of the weight map, in pixels (in X pixel units for volumes with `spacing`).
    public var weightMapSigma: Float = 5
    /// How strongly rare classes are up-weighted: 1 gives each class the same total weight, 0.5 the square
    /// root of that, 0 none (the default: on DSB2018 nuclei, 3-minute runs scored test AP50 0.697 / 0.709 /
    /// 0.737 with 1 / 0.5 / 0; full balance inflates the boundary class and merges or bloats cells).
    public var classBalancePower: Float = 0
    /// Instances task: pixels within this many pixels of another cell are boundary too, widening the gap the
    /// network learns between touching cells (`LabelImage.interiorBoundaryClasses(contactWidth:)`); 0 = the
    /// one-pixel outline only.
    public var contactWidth: Int = 0
    /// 2D instances task: each training image is resized so that the median diameter of its cells
    /// (`LabelImage.medianObjectDiameter`) is this many pixels, and prediction resizes images the same way (from a
    /// first pass's cells, or the diameter the user gives), so small and large nuclei reach the network at one
    /// scale. nil: images keep their size (a fine-tuned model keeps the diameter it was trained at); 0: off.
    public var cellDiameter: Double? = nil
    /// Voxel size ratios `(Z, Y, X)` or `(Y, X)` for distances (weight maps), overriding the files' spacing.
    public var spacing: [Double]? = nil
    public var augmentation = AugmentationOptions()
    /// Fraction of patches centred on a foreground pixel.
    public var foregroundFraction: Float = 0.5
    /// Scribbles task: fraction of patches centred on a scribbled pixel (ImPartial: 0.6).
    public var scribbleFraction: Float = 0.6
    /// Scribbles task: weight of the blind-spot reconstruction term (ImPartial: 0.1; 0 turns it and the
    /// corruption off).
    public var reconstructionWeight: Float = 0.1
    /// Scribbles task: weight of each of the foreground and background scribble terms (ImPartial: 0.45).
    public var scribbleWeight: Float = 0.45
    /// Scribbles task: the blind-spot corruption.
    public var blindSpot = BlindSpot()
    /// Scribbles task: mixture components per class, background first (one value: the same for every class);
    /// nil gives ImPartial's default of one per input channel.
    public var mixtureComponents: [Int]? = nil
    /// Scribbles task: the input channels (0-based) each task reconstructs, one list per task or one for all;
    /// nil reconstructs every channel.
    public var reconstructedChannels: [[Int]]? = nil
    /// Scribbles task: weight of the total-variation term on the class probabilities (ImPartial: 0, off).
    public var totalVariationWeight: Float = 0
    public var seed: UInt64 = 1

    public init() {}

    /// The patch shape used: `patchShape` or the default for the dimensions.
    public var effectivePatchShape: [Int] { patchShape ?? (dimensions == 3 ? [16, 96, 96] : [128, 128]) }

    /// The batch size used: `batchSize` or the default for the dimensions.
    public var effectiveBatchSize: Int { batchSize ?? (dimensions == 3 ? 2 : 8) }

    /// - Throws: `TrainingError.invalidOption` naming the first option out of range.
    public func validate() throws {
        func fail(_ name: String, _ value: Any, _ reason: String) -> TrainingError {
            .invalidOption(name: name, value: "\(value)", reason: reason)
        }
        guard dimensions == 2 || dimensions == 3 else { throw fail("--dims", dimensions, "use 2 or 3") }
        guard effectivePatchShape.count == dimensions, effectivePatchShape.allSatisfy({ $0 > 0 }) else {
            throw fail("--patch", effectivePatchShape, "give \(dimensions) positive extents")
        }
        guard (1...1024).contains(effectiveBatchSize) else { throw fail("--batch-size", effectiveBatchSize, "use 1 to 1024") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("--learning-rate", learningRate, "it must be > 0") }
        guard weightDecay >= 0 else { throw fail("--weight-decay", weightDecay, "it must be ≥ 0") }
        if let epochs, epochs < 1 { throw fail("--epochs", epochs, "use at least 1") }
        if let timeBudgetSeconds, !(timeBudgetSeconds > 0) {
            throw fail("--time-budget", timeBudgetSeconds, "it must be a positive number of seconds")
        }
        guard epochs != nil || timeBudgetSeconds != nil else {
            throw fail("--epochs/--time-budget", "none", "give at least one, so training knows when to stop")
        }
        if let stepsPerEpoch, stepsPerEpoch < 1 { throw fail("--steps-per-epoch", stepsPerEpoch, "use at least 1") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw fail("--val-fraction", validationFraction, "use a fraction in [0, 1)")
        }
        guard checkpointEvery >= 1 else { throw fail("--checkpoint-every", checkpointEvery, "use at least 1") }
        guard (0...1).contains(foregroundFraction) else {
            throw fail("foreground fraction", foregroundFraction, "use a fraction in [0, 1]")
        }
        guard (1...10).contains(ensembleSize) else { throw fail("--ensemble", ensembleSize, "use 1 to 10 networks") }
        guard (0...16).contains(contactWidth) else {
            throw fail("--contact-width", contactWidth, "use 0 to 16 pixels")
        }
        if let cellDiameter, !(cellDiameter >= 0 && cellDiameter <= 1000) {
            throw fail("--cell-diameter", cellDiameter, "use 0 (off) or a diameter of up to 1000 pixels")
        }
        if let cellDiameter, cellDiameter > 0, !(task == .instances && dimensions == 2) {
            throw fail("--cell-diameter", cellDiameter, "cells are resized for the 2D instances task only")
        }
        guard weightMapSigma > 0, weightMapW0 >= 0 else {
            throw fail("--w0/--sigma", "\(weightMapW0)/\(weightMapSigma)", "need w0 ≥ 0 and sigma > 0")
        }
        if let spacing, spacing.count != dimensions || !spacing.allSatisfy({ $0 > 0 && $0.isFinite }) {
            throw fail("--spacing", spacing, "give \(dimensions) positive sizes, Z first in 3D")
        }
        guard totalVariationWeight >= 0, totalVariationWeight.isFinite else {
            throw fail("--tv-weight", totalVariationWeight, "it must be ≥ 0")
        }
        if let reconstructedChannels, reconstructedChannels.isEmpty {
            throw fail("--reconstruct", "(empty)", "give channel lists, or leave the option out to reconstruct all")
        }
        try augmentation.validate()
    }

    /// The scribbles head for `taskClasses` (each task's class count, background included) on `inputChannels`
    /// channels, from `mixtureComponents` and `reconstructedChannels`.
    ///
    /// - Throws: `TrainingError.invalidOption` when the lists do not fit the classes, tasks or channels.
    public func mixtureLayout(taskClasses: [Int], inputChannels: Int) throws -> MixtureLayout {
        if let lists = reconstructedChannels, lists.count != 1, lists.count != taskClasses.count {
            throw TrainingError.invalidOption(
                name: "--reconstruct", value: "\(lists.count) lists",
                reason: "give one list for all tasks or one per task (\(taskClasses.count) scribble folders)")
        }
        let tasks = try taskClasses.enumerated().map { t, classes in
            let components: [Int]
            switch mixtureComponents {
            case nil: components = [Int](repeating: inputChannels, count: classes)
            case let list? where list.count == 1: components = [Int](repeating: list[0], count: classes)
            case let list? where list.count == classes: components = list
            case let list?:
                throw TrainingError.invalidOption(
                    name: "--components", value: list.map(String.init).joined(separator: ","),
                    reason: "task \(t + 1) has \(classes) classes (background first); give one count or \(classes)")
            }
            let reconstructed = reconstructedChannels.map { $0.count == 1 ? $0[0] : $0[t] } ?? Array(0..<inputChannels)
            return MixtureLayout.Task(components: components, reconstructedChannels: reconstructed)
        }
        let layout = MixtureLayout(tasks: tasks)
        try layout.validate(inputChannels: inputChannels)
        return layout
    }
}
