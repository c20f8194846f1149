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
    /// Targets: class index (0 = background) with weight 1 on scribbled pixels outside the validation region,
    /// weight 0 elsewhere. Validation samples carry the region's scribbles as a label image in scribble values
    /// (0 unlabelled, 1-254 class, 255 background).
    static func loadScribbles(
        _ entries: [DatasetEntry], options: TrainingOptions, channels fixedChannels: Int?, classCount fixedClasses: Int?,
        validationSide: Double = 0.4
    ) throws -> TrainingData {
        let usable = entries.filter { $0.split != .test }
        guard !usable.isEmpty else { throw TrainingError.invalidDataset("every listed sample is in the test split") }
        let first = try ImageFormats.readImage(usable[0].image)
        let channels = try fixedChannels ?? InputPreparation.naturalChannels(of: first)
        let preparation = InputPreparation(channels: channels)
        let holdsOut = options.validationFraction > 0
        let loaded = try concurrentMap(Array(usable.enumerated())) { index, entry in
            let raw = try ImageFormats.readImage(entry.image)
            guard raw.spatialShape.count == options.dimensions else {
                throw TrainingError.incompatibleImage(
                    source: entry.image.path,
                    reason: "it is \(raw.spatialShape.count)D (shape \(raw.shape)) but training is \(options.dimensions)D (--dims)")
            }
            let image = try preparation.prepare(raw, source: entry.image.path)
            let read: (scribbles: ScribbleMap, validationMask: [Bool]?)
            do {
                read = entry.hasLabels
                    ? try ScribbleFiles.read(entry.labels, shape: raw.spatialShape)
                    : (try ScribbleMap(unlabelledWithShape: raw.spatialShape), nil)
            } catch let error as ScribblesError {
                throw TrainingError.mismatchedSample(stem: entry.stem, reason: error.description)
            }
            var generator = RandomGenerator(seed: options.seed &+ UInt64(index) &* 7_654_321)
            let region = holdsOut && entry.hasLabels
                ? read.validationMask ?? Self.validationSquare(shape: raw.spatialShape, side: validationSide, generator: &generator)
                : [Bool](repeating: false, count: read.scribbles.values.count)
            return (entry.stem, image, read.scribbles, region)
        }
        let foregroundClasses = loaded.map { $0.2.foregroundClassCount }.max() ?? 0
        let classCount = fixedClasses ?? max(2, foregroundClasses + 1)
        if foregroundClasses >= classCount {
            throw TrainingError.invalidDataset(
                "the scribbles use class \(foregroundClasses) but the model distinguishes \(classCount - 1) foreground classes")
        }
        guard loaded.contains(where: { item in item.2.values.indices.contains { item.2.values[$0] != 0 && !item.3[$0] } }) else {
            throw TrainingError.invalidDataset("no image has scribbles outside its validation region: scribble some cells and background")
        }
        var training: [TrainingSample] = []
        var validation: [ValidationSample] = []
        for (stem, image, scribbles, region) in loaded {
            var target = [Float](repeating: 0, count: scribbles.values.count)
            var weights = [Float](repeating: 0, count: scribbles.values.count)
            var held = [UInt32](repeating: 0, count: scribbles.values.count)
            var focus: [Int32] = []
            for (i, value) in scribbles.values.enumerated() where value != ScribbleMap.unlabelled {
                if region[i] {
                    held[i] = UInt32(value)
                    continue
                }
                target[i] = value == ScribbleMap.background ? 0 : Float(value)
                weights[i] = 1
                focus.append(Int32(i))
            }
            training.append(try TrainingSample(stem: stem, image: image, target: target, weights: weights, focus: focus))
            if held.contains(where: { $0 != 0 }) {
                validation.append(ValidationSample(stem: stem, image: image, labels: try LabelImage(shape: scribbles.shape, labels: held)))
            }
        }
        return TrainingData(training: training, validation: validation, channels: channels, classCount: classCount, spacing: nil)
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
