import Basics
import Foundation
import ImageFormats
import Imaging
import Segmentation
import Synchronization
import Tensors

/// The prepared training and validation samples of a run.
struct TrainingData {
    var training: [TrainingSample]
    var validation: [ValidationSample]
    /// Channels of the prepared images.
    var channels: Int
    /// Classes, background included (scribbles: the first task's).
    var classCount: Int
    /// Scribbles task: each task's classes, background included (target channel t is task t).
    var taskClassCounts: [Int]? = nil
    /// `(Z, Y, X)` voxel size ratios of the first volume (nil in 2D or when the files do not say).
    var spacing: [Double]?
}

/// A held-out image with its true labels, for scoring each epoch.
struct ValidationSample {
    var stem: String
    /// Network input, prepared.
    var image: Image
    var labels: LabelImage
}

extension TrainingData {
    /// Splits `entries` (test entries are never used), reads and prepares every image, and builds targets.
    ///
    /// - Parameters:
    ///   - channels: the input channels a fine-tuned model takes; nil = those of the first image.
    ///   - classCount: a fine-tuned model's classes; nil = from the labels.
    ///   - cellDiameter: training images and labels are resized so that their cells' median diameter is this
    ///     many pixels (`CellScale`); nil keeps their size. Validation images keep theirs (they are scored as
    ///     prediction sees images).
    static func load(
        _ entries: [DatasetEntry], options: TrainingOptions, channels fixedChannels: Int?,
        classCount fixedClasses: Int?,
        cellDiameter: Double? = nil
    ) throws -> TrainingData {
        let usable = entries.filter { $0.split != .test }
        guard !usable.isEmpty else { throw TrainingError.invalidDataset("every listed sample is in the test split") }
        let (trainEntries, validationEntries) = split(usable, fraction: options.validationFraction, seed: options.seed)
        guard !trainEntries.isEmpty else {
            throw TrainingError.invalidDataset("no training images remain after holding out validation images")
        }
        let first = try ImageFormats.readImage(trainEntries[0].image)
        let channels = try fixedChannels ?? InputPreparation.naturalChannels(of: first)
        let preparation = InputPreparation(channels: channels)
        let loaded = try readAll(
            trainEntries + validationEntries, preparation: preparation, dimensions: options.dimensions,
            task: options.task)
        let classCount: Int
        switch options.task {
        case .instances: classCount = 3
        case .binary, .edges, .scribbles: classCount = 2
        case .classes:
            classCount =
                fixedClasses ?? Int(loaded.prefix(trainEntries.count).map { $0.labels.maxLabel }.max() ?? 0) + 1
        }
        if options.task == .classes, classCount < 2 {
            throw TrainingError.invalidDataset("the label images hold no class other than background (0)")
        }
        let targets = SampleTargets(
            task: options.task, classCount: classCount, w0: options.weightMapW0, sigma: options.weightMapSigma,
            balancePower: options.classBalancePower, contactWidth: options.contactWidth)
        let override = options.spacing.map { values in
            Spacing(
                x: values[values.count - 1], y: values[values.count - 2], z: values.count == 3 ? values[0] : nil,
                unit: "pixel")
        }
        let training = try concurrentMap(Array(loaded.prefix(trainEntries.count))) { item in
            var (image, labels) = (item.image, item.labels)
            if let override { labels.spacing = override }
            if let cellDiameter, let diameter = labels.medianObjectDiameter() {
                let factor = CellScale.factor(target: cellDiameter, diameter: diameter)
                (image, labels) = (try CellScale.resized(image, by: factor), try CellScale.resized(labels, by: factor))
            }
            return try targets.sample(stem: item.stem, image: image, labels: labels)
        }
        let validation = loaded.dropFirst(trainEntries.count).map {
            ValidationSample(stem: $0.stem, image: $0.image, labels: $0.labels)
        }
        var spacing = options.spacing
        if spacing == nil, options.dimensions == 3, let s = first.spacing, let z = s.z, s.x > 0 {
            spacing = [z / s.x, s.y / s.x, 1]
        }
        return TrainingData(
            training: training, validation: validation, channels: channels, classCount: classCount, spacing: spacing)
    }

    /// Entries with a dataset split keep it; the others are shuffled by `seed` and `fraction` of them (at least
    /// one when there are two or more) become validation images.
    static func split(_ entries: [DatasetEntry], fraction: Double, seed: UInt64) -> ([DatasetEntry], [DatasetEntry]) {
        var train = entries.filter { $0.split == .train }
        var validation = entries.filter { $0.split == .validation }
        var open = entries.filter { $0.split == nil }
        var generator = RandomGenerator(seed: seed)
        open.shuffle(using: &generator)
        var held = Int((Double(open.count) * fraction).rounded())
        if fraction > 0, held == 0, open.count >= 2, validation.isEmpty { held = 1 }
        validation += open.prefix(held)
        train += open.dropFirst(held)
        return (train, validation)
    }

    /// A read image and its labels, checked against each other.
    struct LoadedPair {
        var stem: String
        var image: Image
        var labels: LabelImage
    }

    static func readAll(
        _ entries: [DatasetEntry], preparation: InputPreparation, dimensions: Int, task: SegmentationTask
    ) throws -> [LoadedPair] {
        try concurrentMap(entries) { entry in
            let raw = try ImageFormats.readImage(entry.image)
            guard raw.spatialShape.count == dimensions else {
                throw TrainingError.incompatibleImage(
                    source: entry.image.path,
                    reason: "it is \(raw.spatialShape.count)D (shape \(raw.shape)) but training is \(dimensions)D")
            }
            let labels = try ImageFormats.readLabels(entry.labels, shape: raw.spatialShape)
            guard labels.shape == raw.spatialShape else {
                throw TrainingError.mismatchedSample(
                    stem: entry.stem,
                    reason:
                        "the image is \(raw.spatialShape) but its labels '\(entry.labels.lastPathComponent)' are \(labels.shape)"
                )
            }
            // A binary mask (one non-zero value) holds instances as its connected components.
            let instances = task == .classes ? labels : try Validator.instances(labels)
            return LoadedPair(
                stem: entry.stem, image: try preparation.prepare(raw, source: entry.image.path), labels: instances)
        }
    }
}

/// Maps `items` on all cores, keeping order; rethrows the first error.
///
/// The work runs on threads started here and gone when it ends (the caller is one of them), not on Dispatch's
/// shared pool: threads inherit their creator's scheduling priority, and a niced training thread must not leave
/// niced workers in a pool that later serves requests.
func concurrentMap<Input: Sendable, Output: Sendable>(
    _ items: [Input], _ transform: @Sendable (Input) throws -> Output
) throws -> [Output] {
    let workers = min(items.count, ProcessInfo.processInfo.activeProcessorCount)
    guard workers > 1 else { return try items.map(transform) }
    let results = UnsafeMutableBufferPointer<Result<Output, any Error>?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    withoutActuallyEscaping(transform) { transform in
        let map = ConcurrentMapJob(items: items, transform: transform, slots: UncheckedBuffer(results))
        let finished = DispatchSemaphore(value: 0)
        for _ in 1..<workers {
            let thread = Thread {
                map.run()
                finished.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        map.run()
        for _ in 1..<workers { finished.wait() }
        // The threads may outlive this call for a moment, holding `map`: it must not hold the closure any more.
        map.release()
    }
    return try results.map { try $0!.get() }
}

/// The items, the transform and where each result goes, shared by the threads of one `concurrentMap`; each
/// thread takes the next index until none is left.
private final class ConcurrentMapJob<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    let items: [Input]
    private var transform: (@Sendable (Input) throws -> Output)?
    let slots: UncheckedBuffer<Result<Output, any Error>?>
    private let next = Atomic(0)

    init(
        items: [Input], transform: @escaping @Sendable (Input) throws -> Output,
        slots: UncheckedBuffer<Result<Output, any Error>?>
    ) {
        self.items = items
        self.transform = transform
        self.slots = slots
    }

    func run() {
        guard let transform else { return }
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < items.count else { return }
            slots.buffer[index] = Result { try transform(items[index]) }
        }
    }

    /// Drops the transform (called once every thread has finished `run`).
    func release() { transform = nil }
}

/// A buffer whose elements distinct threads write at distinct indices.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
