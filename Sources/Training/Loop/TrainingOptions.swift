import Networks
import Settings

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

    /// - Throws: `TrainingError.invalidSetting` naming the first setting out of range (ranges: `TrainingLimits`).
    public func validate() throws {
        try TrainingError.checking(checkLimits)
        guard dimensions == 2 || dimensions == 3 else { throw TrainingError.invalid(.dimensions, dimensions, "2 or 3") }
        guard effectivePatchShape.count == dimensions else {
            throw TrainingError.invalid(
                .patchShape, effectivePatchShape, "\(dimensions) extents for \(dimensions)D training")
        }
        let coarsest = 1 << max(0, widths.count - 1)
        guard effectivePatchShape.allSatisfy({ $0 >= coarsest }) else {
            throw TrainingError.invalid(
                .patchShape, effectivePatchShape, "at least \(coarsest) pixels per extent",
                context: "a U-Net of \(widths.count) levels halves it \(widths.count - 1) times")
        }
        guard epochs != nil || timeBudgetSeconds != nil else {
            throw TrainingError.invalid(
                .stopCondition, "none", "given: epochs, a time budget or both, so training knows when to stop")
        }
        if let cellDiameter, cellDiameter > 0, !(task == .instances && dimensions == 2) {
            throw TrainingError.invalid(
                .cellDiameter, cellDiameter, "0 or left out",
                context: "cells are resized for the 2D instances task only")
        }
        guard weightMapSigma > 0, weightMapSigma.isFinite, weightMapW0 >= 0, weightMapW0.isFinite else {
            throw TrainingError.invalid(
                .weightMap, "w0 \(weightMapW0), sigma \(weightMapSigma)", "w0 ≥ 0 and sigma > 0")
        }
        if let spacing, spacing.count != dimensions || !spacing.allSatisfy({ $0 > 0 && $0.isFinite }) {
            throw TrainingError.invalid(.spacing, spacing, "\(dimensions) positive sizes, Z first in 3D")
        }
        if let reconstructedChannels, reconstructedChannels.isEmpty {
            throw TrainingError.invalid(
                .reconstructedChannels, "(empty)", "channel lists, or left out to reconstruct all")
        }
        try augmentation.validate()
    }

    /// The settings with a range in `TrainingLimits`.
    private func checkLimits() throws {
        for extent in effectivePatchShape where !TrainingLimits.patchExtent.contains(extent) {
            throw InvalidSetting(
                .patchShape, value: "\(effectivePatchShape)",
                allowed: "extents of \(TrainingLimits.patchExtent.allowed)")
        }
        try TrainingLimits.batchSize.check(effectiveBatchSize)
        try TrainingLimits.learningRate.check(Double(learningRate))
        try TrainingLimits.weightDecay.check(Double(weightDecay))
        if let epochs { try TrainingLimits.epochs.check(epochs) }
        if let timeBudgetSeconds { try TrainingLimits.timeBudgetSeconds.check(timeBudgetSeconds) }
        if let stepsPerEpoch { try TrainingLimits.stepsPerEpoch.check(stepsPerEpoch) }
        try TrainingLimits.validationFraction.check(validationFraction)
        try TrainingLimits.checkpointEvery.check(checkpointEvery)
        try TrainingLimits.foregroundFraction.check(Double(foregroundFraction))
        try TrainingLimits.ensembleSize.check(ensembleSize)
        try TrainingLimits.contactWidth.check(contactWidth)
        if let cellDiameter { try TrainingLimits.cellDiameter.check(cellDiameter) }
        try TrainingLimits.totalVariationWeight.check(Double(totalVariationWeight))
    }

    /// The scribbles head for `taskClasses` (each task's class count, background included) on `inputChannels`
    /// channels, from `mixtureComponents` and `reconstructedChannels`.
    ///
    /// - Throws: `TrainingError.invalidSetting` when the lists do not fit the classes, tasks or channels.
    public func mixtureLayout(taskClasses: [Int], inputChannels: Int) throws -> MixtureLayout {
        if let lists = reconstructedChannels, lists.count != 1, lists.count != taskClasses.count {
            throw TrainingError.invalid(
                .reconstructedChannels, "\(lists.count) lists",
                "one list for all tasks or one per task (\(taskClasses.count) scribble tasks)")
        }
        let tasks = try taskClasses.enumerated().map { t, classes in
            let components: [Int]
            switch mixtureComponents {
            case nil: components = [Int](repeating: inputChannels, count: classes)
            case let list? where list.count == 1: components = [Int](repeating: list[0], count: classes)
            case let list? where list.count == classes: components = list
            case let list?:
                throw TrainingError.invalid(
                    .mixtureComponents, list.map(String.init).joined(separator: ","), "one count or \(classes)",
                    context: "task \(t + 1) has \(classes) classes, background first")
            }
            let reconstructed = reconstructedChannels.map { $0.count == 1 ? $0[0] : $0[t] } ?? Array(0..<inputChannels)
            return MixtureLayout.Task(components: components, reconstructedChannels: reconstructed)
        }
        let layout = MixtureLayout(tasks: tasks)
        try layout.validate(inputChannels: inputChannels)
        return layout
    }
}
