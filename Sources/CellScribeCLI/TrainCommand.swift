import ArgumentParser
import Foundation
import Networks
import Settings
import Training

/// `cellscribe train`: supervised training of a segmentation U-Net.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a 2D or 3D U-Net on labelled images.",
        discussion: """
            Images and label images are matched by file stem (--images/--labels), or listed in a CSV file with \
            image, label and split columns (ImPartial's files.csv with input_file and group is accepted). Tasks: \
            instances (background/interior/boundary, split by watershed), binary, classes (label value = class), \
            edges (instance boundaries), scribbles (sparse annotations in --scribbles: 0 unlabelled, 1-254 class, \
            255 background, or ImPartial NPZ, or ImageJ ROI sets; learnt with ImPartial's partial cross-entropy \
            and blind-spot reconstruction, validated on a held-out square of each image's scribbles; images \
            without a scribble file take part in the reconstruction term only). The best \
            model by validation score is written to --out; a resumable checkpoint is written beside it after each \
            epoch (--resume continues from it).
            """
    )

    @Option(help: ArgumentHelp("Folder of images.", valueName: "dir")) var images: String?
    @Option(help: ArgumentHelp("Folder of label images with the same file stems.", valueName: "dir")) var labels:
        String?
    @Option(
        help: ArgumentHelp(
            "Folder of scribbles with the same file stems (--task scribbles); repeat it for several tasks (say nuclei and "
                + "whole cells), each learnt by its own head.", valueName: "dir"))
    var scribbles: [String] = []
    @Option(help: ArgumentHelp("CSV list of image,label[,split] instead of --images/--labels.", valueName: "file"))
    var csv: String?
    @Option(help: "What to learn: instances, binary, classes, edges or scribbles.") var task: SegmentationTask
    @Option(help: "2 for images, 3 for volumes.") var dims: Int = Self.defaults.dimensions
    @Option(
        help: ArgumentHelp(
            "Fraction of images held out for validation (\(TrainingLimits.validationFraction.allowed)).", valueName: "f"
        ))
    var valFraction: Double = Self.defaults.validationFraction
    @Option(
        help: ArgumentHelp(
            "Stop after this many seconds (wall clock, data loading included; \(TrainingLimits.timeBudgetSeconds.allowed)).",
            valueName: "s"))
    var timeBudget: Double?
    @Option(help: ArgumentHelp("Stop after this many epochs (\(TrainingLimits.epochs.allowed)).", valueName: "n"))
    var epochs: Int?
    @Option(help: ArgumentHelp("Fine-tune from this model's weights.", valueName: "model")) var from: String?
    @Flag(help: "Continue from the checkpoint beside --out (weights, optimiser, epoch, elapsed time).")
    var resume = false
    @Option(help: ArgumentHelp("Where to write the best model (.safetensors).", valueName: "model")) var out: String

    @Option(
        help: ArgumentHelp(
            "Patch size YxX or ZxYxX, each extent \(TrainingLimits.patchExtent.allowed) (default "
                + "\(Self.shapeText(2)), 3D \(Self.shapeText(3))).", valueName: "size"))
    var patch: ShapeArgument?
    @Option(
        help: ArgumentHelp(
            "Patches per step, \(TrainingLimits.batchSize.allowed) (default \(Self.batchText(2)), 3D \(Self.batchText(3))).",
            valueName: "n"))
    var batchSize: Int?
    @Option(help: ArgumentHelp("U-Net channels per level (new models only).", valueName: "list"))
    var widths = WidthsArgument(widths: Self.defaults.widths)
    @Option(help: "Dropout probability in the inner blocks (new models only).") var dropout: Float = Self.defaults
        .dropout
    @Option(help: "Normalisation after each convolution: none, batch or group (new models only).")
    var norm: UNetConfiguration.Normalization = Self.defaults.normalization
    @Option(help: "Decoder upsampling: linear, nearest or transposed (new models only).")
    var upsampling: UNetConfiguration.Upsampling = Self.defaults.upsampling
    @Option(help: "Initial learning rate (AdamW; \(TrainingLimits.learningRate.allowed)).")
    var learningRate: Float = Self.defaults.learningRate
    @Option(help: "Learning-rate schedule: cosine, plateau or constant.")
    var schedule: LearningRateScheduleKind = Self.defaults.schedule
    @Option(help: ArgumentHelp("Steps per epoch (default: about one pass over the training pixels).", valueName: "n"))
    var stepsPerEpoch: Int?
    @Option(help: ArgumentHelp("Write a checkpoint every n epochs.", valueName: "n"))
    var checkpointEvery: Int = Self.defaults.checkpointEvery
    @Option(help: "Weight of U-Net boundary weights (0 turns them off).") var w0: Float = Self.defaults.weightMapW0
    @Option(help: "Width of U-Net boundary weights, pixels.") var sigma: Float = Self.defaults.weightMapSigma
    @Option(help: "Class balance: 1 gives each class equal total weight, 0.5 its square root, 0 none.")
    var classBalance: Float = Self.defaults.classBalancePower
    @Option(
        help: ArgumentHelp(
            "Instances: pixels within n pixels of another cell are boundary too (\(TrainingLimits.contactWidth.allowed)).",
            valueName: "n"))
    var contactWidth: Int = Self.defaults.contactWidth
    @Option(
        help: ArgumentHelp(
            "Instances (2D): resize each image so its cells' median diameter is d pixels, in training and prediction "
                + "(default: images keep their size; 0 also turns off a fine-tuned model's).", valueName: "d"))
    var cellDiameter: Double?
    @Option(help: "Scribbles: weight of the blind-spot reconstruction term (0 turns it off).")
    var reconstructionWeight: Float = Self.defaults.reconstructionWeight
    @Flag(help: "Scribbles: reconstruct patches without blind spots (an ablation; the default corrupts 85%).")
    var noBlindSpot = false
    @Option(
        help: ArgumentHelp(
            "Scribbles: mixture components per class, background first (one number: for every class; default: one per "
                + "image channel).", valueName: "list"))
    var components: CountsArgument?
    @Option(
        help: ArgumentHelp(
            "Scribbles: image channels (from 0) the blind-spot term reconstructs; one list for all tasks, or one per task "
                + "separated by ';' (default: all).", valueName: "list"))
    var reconstruct: ChannelListsArgument?
    @Option(help: "Scribbles: weight of a total-variation smoothness term on the class probabilities (default 0, off).")
    var tvWeight: Float = Self.defaults.totalVariationWeight
    @Option(
        help: ArgumentHelp(
            "Checkpoint ensemble: split the run into n cycles (Adam and the cosine restart each), keep each cycle's best "
                + "(\(TrainingLimits.ensembleSize.allowed)).", valueName: "n"))
    var ensemble: Int = Self.defaults.ensembleSize
    @Option(
        help: ArgumentHelp("Voxel size Z,Y,X (or Y,X) for distances, overriding the files' spacing.", valueName: "list")
    )
    var spacing: NumbersArgument?
    @Flag(help: "Train on plain crops (no flips, rotations, deformation or intensity changes).") var noAugmentation =
        false
    @Option(help: "Seed for initialisation, splits and sampling.") var seed: UInt64 = Self.defaults.seed
    @Flag(help: "Print one JSON event per line instead of a progress bar.") var json = false
    @OptionGroup var threads: ThreadOptions

    /// The annotation folder: --labels, or the first --scribbles for the scribbles task.
    var annotations: String? { labels ?? scribbles.first }

    func validate() throws {
        guard labels == nil || scribbles.isEmpty else {
            throw ValidationError("give --labels or --scribbles, not both")
        }
        guard scribbles.isEmpty || task == .scribbles else {
            throw ValidationError("--scribbles needs --task scribbles (or give dense labels with --labels)")
        }
        guard (images != nil) == (annotations != nil), (images != nil) != (csv != nil) else {
            throw ValidationError(
                task == .scribbles ? "give --images and --scribbles, or --csv" : "give --images and --labels, or --csv")
        }
        guard timeBudget != nil || epochs != nil else { throw ValidationError("give --time-budget or --epochs") }
    }

    func run() throws {
        try threads.apply()
        let dataset =
            try csv.map { try DatasetIndex.csv(URL(fileURLWithPath: $0)) }
            ?? DatasetIndex.folders(
                images: URL(fileURLWithPath: images!), labels: URL(fileURLWithPath: annotations!),
                includingUnlabelled: task == .scribbles,
                taskLabels: scribbles.dropFirst().map { URL(fileURLWithPath: $0) })
        // Ranges first (a batch of 2^63 is out of range, not out of memory), then the memory the step needs.
        try options.validate()
        try options.checkMemory(budgetBytes: TrainingOptions.defaultMemoryBudgetBytes)
        let trainer = Trainer(
            options: options, dataset: dataset, output: URL(fileURLWithPath: out),
            from: from.map { URL(fileURLWithPath: $0) }, resume: resume)
        let display = TrainingDisplay(json: json)
        do {
            try trainer.run { display.show($0) }
        } catch {
            display.finishLine()
            throw error
        }
    }

    var options: TrainingOptions {
        var options = TrainingOptions()
        options.task = task
        options.dimensions = dims
        options.patchShape = patch?.extents
        options.batchSize = batchSize
        options.widths = widths.widths
        options.dropout = dropout
        options.normalization = norm
        options.upsampling = upsampling
        options.learningRate = learningRate
        options.epochs = epochs
        options.timeBudgetSeconds = timeBudget
        options.stepsPerEpoch = stepsPerEpoch
        options.validationFraction = valFraction
        options.checkpointEvery = checkpointEvery
        options.schedule = schedule
        options.weightMapW0 = w0
        options.weightMapSigma = sigma
        options.spacing = spacing?.values
        options.classBalancePower = classBalance
        options.contactWidth = contactWidth
        options.cellDiameter = cellDiameter
        options.reconstructionWeight = reconstructionWeight
        if noBlindSpot { options.blindSpot.probability = 0 }
        options.mixtureComponents = components?.values
        options.reconstructedChannels = reconstruct?.lists
        options.totalVariationWeight = tvWeight
        options.ensembleSize = ensemble
        if noAugmentation { options.augmentation = .none }
        options.seed = seed
        return options
    }
}

extension TrainCommand {
    /// The trainer's defaults: every option without a value on the command line keeps these.
    static let defaults = TrainingOptions()

    static func shapeText(_ dimensions: Int) -> String {
        var options = defaults
        options.dimensions = dimensions
        return options.effectivePatchShape.map(String.init).joined(separator: "x")
    }

    static func batchText(_ dimensions: Int) -> String {
        var options = defaults
        options.dimensions = dimensions
        return "\(options.effectiveBatchSize)"
    }
}

extension SegmentationTask: ExpressibleByArgument {}
extension LearningRateScheduleKind: ExpressibleByArgument {}
extension UNetConfiguration.Normalization: ExpressibleByArgument {}
extension UNetConfiguration.Upsampling: ExpressibleByArgument {}
