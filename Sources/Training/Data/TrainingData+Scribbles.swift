import Basics
import Foundation
import ImageFormats
import Imaging
import Scribbles
import Tensors

extension TrainingData {
    /// Reads images and their scribbles for the scribbles task. Each image keeps a validation region whose
    /// scribbles are not trained on: the `val_mask` of an ImPartial archive, else a square of side
    /// `validationSide` × the image's shorter in-plane side at a position drawn from `options.seed`. With
    /// `--val-fraction 0` no region is held out.
    ///
    /// Targets: one channel per task (the first from `labels`, task t + 2 from `taskLabels[t]`): class index
    /// (0 = background) with weight 1 on scribbled pixels outside the validation region, weight 0 elsewhere.
    /// Validation samples carry the region's first-task scribbles as a label image in scribble values
    /// (0 unlabelled, 1-254 class, 255 background).
    ///
    /// - Parameter fixedClasses: a fine-tuned model's classes per task; nil = from the scribbles.
    static func loadScribbles(
        _ entries: [DatasetEntry], options: TrainingOptions, channels fixedChannels: Int?,
        taskClasses fixedClasses: [Int]?,
        validationSide: Double = 0.4
    ) throws -> TrainingData {
        let usable = entries.filter { $0.split != .test }
        guard !usable.isEmpty else { throw TrainingError.invalidDataset("every listed sample is in the test split") }
        let taskCount = fixedClasses?.count ?? (1 + (usable.map(\.taskLabels.count).max() ?? 0))
        if let extra = usable.first(where: { $0.taskLabels.count >= taskCount }) {
            throw TrainingError.mismatchedSample(
                stem: extra.stem,
                reason: "it has scribbles for \(extra.taskLabels.count + 1) tasks; the model has \(taskCount)")
        }
        let first = try ImageFormats.readImage(usable[0].image)
        let channels = try fixedChannels ?? InputPreparation.naturalChannels(of: first)
        let preparation = InputPreparation(channels: channels)
        let holdsOut = options.validationFraction > 0
        let loaded = try concurrentMap(Array(usable.enumerated())) { index, entry in
            let raw = try ImageFormats.readImage(entry.image)
            guard raw.spatialShape.count == options.dimensions else {
                throw TrainingError.incompatibleImage(
                    source: entry.image.path,
                    reason:
                        "it is \(raw.spatialShape.count)D (shape \(raw.shape)) but training is \(options.dimensions)D")
            }
            let image = try preparation.prepare(raw, source: entry.image.path)
            let files =
                (entry.hasLabels ? [entry.labels] : [nil])
                + (0..<(taskCount - 1)).map { t in
                    t < entry.taskLabels.count ? entry.taskLabels[t] : nil
                }
            var maps: [ScribbleMap] = []
            var validationMask: [Bool]?
            do {
                for file in files {
                    guard let file else {
                        maps.append(try ScribbleMap(unlabelledWithShape: raw.spatialShape))
                        continue
                    }
                    let read = try ScribbleFiles.read(file, shape: raw.spatialShape)
                    maps.append(read.scribbles)
                    validationMask = validationMask ?? read.validationMask
                }
            } catch let error as ScribblesError {
                throw TrainingError.mismatchedSample(stem: entry.stem, reason: error.description)
            }
            var generator = RandomGenerator(seed: options.seed &+ UInt64(index) &* 7_654_321)
            let pixels = raw.spatialShape.reduce(1, *)
            let labelled = maps.contains { $0.values.contains { $0 != ScribbleMap.unlabelled } }
            let region =
                holdsOut && labelled
                ? validationMask
                    ?? Self.validationSquare(shape: raw.spatialShape, side: validationSide, generator: &generator)
                : [Bool](repeating: false, count: pixels)
            return (entry.stem, image, maps, region)
        }
        let taskClasses = try (0..<taskCount).map { t in
            let foregroundClasses = loaded.map { $0.2[t].foregroundClassCount }.max() ?? 0
            let classCount = fixedClasses?[t] ?? max(2, foregroundClasses + 1)
            if foregroundClasses >= classCount {
                throw TrainingError.invalidDataset(
                    "the scribbles\(taskCount > 1 ? " of task \(t + 1)" : "") use class \(foregroundClasses) but the model "
                        + "distinguishes \(classCount - 1) foreground classes")
            }
            guard
                loaded.contains(where: { item in
                    item.2[t].values.indices.contains { item.2[t].values[$0] != 0 && !item.3[$0] }
                })
            else {
                throw TrainingError.invalidDataset(
                    "no image has scribbles\(taskCount > 1 ? " for task \(t + 1)" : "") outside its validation region: "
                        + "scribble some cells and background")
            }
            return classCount
        }
        var training: [TrainingSample] = []
        var validation: [ValidationSample] = []
        for (stem, image, maps, region) in loaded {
            let pixels = region.count
            var target = [Float](repeating: 0, count: taskCount * pixels)
            var weights = [Float](repeating: 0, count: taskCount * pixels)
            var held = [UInt32](repeating: 0, count: pixels)
            var focused = [Bool](repeating: false, count: pixels)
            for (t, scribbles) in maps.enumerated() {
                for (i, value) in scribbles.values.enumerated() where value != ScribbleMap.unlabelled {
                    if region[i] {
                        if t == 0 { held[i] = UInt32(value) }
                        continue
                    }
                    target[t * pixels + i] = value == ScribbleMap.background ? 0 : Float(value)
                    weights[t * pixels + i] = 1
                    focused[i] = true
                }
            }
            let focus = focused.indices.compactMap { focused[$0] ? Int32($0) : nil }
            training.append(
                try TrainingSample(stem: stem, image: image, target: target, weights: weights, focus: focus))
            if held.contains(where: { $0 != 0 }) {
                validation.append(
                    ValidationSample(
                        stem: stem, image: image, labels: try LabelImage(shape: maps[0].shape, labels: held)))
            }
        }
        return TrainingData(
            training: training, validation: validation, channels: channels, classCount: taskClasses[0],
            taskClassCounts: taskClasses, spacing: nil)
    }

    /// A square (a cube's in-plane square through all slices in 3D) of side `side` × the shorter in-plane extent.
    static func validationSquare(shape: [Int], side: Double, generator: inout RandomGenerator) -> [Bool] {
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let depth = shape.count == 3 ? shape[0] : 1
        let extent = max(1, Int(side * Double(min(height, width))))
        let top = Int(generator.next() % UInt64(height - extent + 1))
        let left = Int(generator.next() % UInt64(width - extent + 1))
        var mask = [Bool](repeating: false, count: depth * height * width)
        for z in 0..<depth {
            for y in top..<(top + extent) {
                for x in left..<(left + extent) { mask[(z * height + y) * width + x] = true }
            }
        }
        return mask
    }
}
