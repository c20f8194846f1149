import Basics
import Foundation
import ImageFormats
import Imaging
import Scribbles
import Tensors
import Testing

@testable import Training

@Suite struct MixtureLayoutTests {
    @Test("ImPartial's default layout: 2 channels give 2C + C·2C = 12 outputs")
    func standardLayoutChannels() {
        let layout = MixtureLayout.standard(classCount: 2, inputChannels: 2)
        #expect(layout.outputChannels == 12)
        #expect(layout.probabilityChannels == 2)
        #expect(layout.tasks[0].components == [2, 2])
        #expect(layout.tasks[0].reconstructedChannels == [0, 1])
    }

    @Test func tasksFollowEachOther() throws {
        let layout = MixtureLayout(tasks: [
            .init(components: [2, 1], reconstructedChannels: [0]),
            .init(components: [1, 1, 1], reconstructedChannels: [0, 1]),
        ])
        try layout.validate(inputChannels: 2)
        #expect(layout.tasks.map(\.outputChannels) == [6, 9])
        #expect(layout.outputChannels == 15)
        #expect(layout.outputOffset(ofTask: 1) == 6)
        #expect(layout.probabilityChannels == 5)
        #expect(layout.probabilityOffset(ofTask: 1) == 2)
        #expect(layout.tasks[1].componentRange(ofClass: 2) == 2..<3)
    }

    @Test func badLayoutsNameTheSetting() {
        func setting(_ layout: MixtureLayout) -> String? {
            do {
                try layout.validate(inputChannels: 2)
                return nil
            } catch let TrainingError.invalidSetting(invalid) {
                return invalid.setting.rawValue
            } catch { return "\(error)" }
        }
        #expect(
            setting(MixtureLayout(tasks: [.init(components: [1], reconstructedChannels: [0])])) == "mixtureComponents")
        #expect(
            setting(MixtureLayout(tasks: [.init(components: [1, 0], reconstructedChannels: [0])]))
                == "mixtureComponents")
        #expect(
            setting(MixtureLayout(tasks: [.init(components: [1, 1], reconstructedChannels: [2])]))
                == "reconstructedChannels")
        #expect(
            setting(MixtureLayout(tasks: [.init(components: [1, 1], reconstructedChannels: [1, 1])]))
                == "reconstructedChannels")
        #expect(setting(MixtureLayout(tasks: [.init(components: [1, 1], reconstructedChannels: [])])) == nil)
    }

    @Test("training options build the layout, one list for all tasks or one per task")
    func optionsBuildLayouts() throws {
        var options = TrainingOptions()
        #expect(
            try options.mixtureLayout(taskClasses: [2], inputChannels: 3) == .standard(classCount: 2, inputChannels: 3))
        options.mixtureComponents = [2]
        options.reconstructedChannels = [[0], [0, 1]]
        let layout = try options.mixtureLayout(taskClasses: [2, 3], inputChannels: 2)
        #expect(layout.tasks.map(\.components) == [[2, 2], [2, 2, 2]])
        #expect(layout.tasks.map(\.reconstructedChannels) == [[0], [0, 1]])
        options.mixtureComponents = [3, 1]
        #expect(throws: TrainingError.self) { try options.mixtureLayout(taskClasses: [2, 3], inputChannels: 2) }
        options.mixtureComponents = nil
        options.reconstructedChannels = [[0], [1], [0]]
        #expect(throws: TrainingError.self) { try options.mixtureLayout(taskClasses: [2, 2], inputChannels: 2) }
    }
}

@Suite struct MixtureLossTests {
    /// Two tasks on a 2x2 single-channel patch, one component per class and no reconstruction: scores
    /// `(1, 4, 2, 2)` are task 1's (background, foreground) logits, then task 2's.
    @Test("each task learns from its own target channel")
    func eachTaskReadsItsOwnTargetChannel() throws {
        let task = MixtureLayout.Task(components: [1, 1], reconstructedChannels: [])
        let loss = ScribbleLoss(layout: MixtureLayout(tasks: [task, task]))
        let log3 = Float(Foundation.log(3.0)), log4 = Float(Foundation.log(4.0))
        let scores = try Tensor(
            shape: [1, 4, 2, 2], values: [0, log4, 0, 0, log3, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, log4])
        // Task 1: pixel 0 foreground (P 3/4), pixel 1 background (P 4/5); task 2: pixel 2 foreground (P 1/2),
        // pixel 3 background (P 1/5).
        let batch = PatchBatch(
            input: [0, 0, 0, 0], target: [1, 0, 0, 0] + [0, 0, 1, 0], weights: [1, 1, 0, 0] + [0, 0, 1, 1],
            inputShape: [1, 1, 2, 2], targetChannels: 2)
        let value = try loss(scores, batch: batch).values()[0]
        let expected =
            0.45 * -(Foundation.log(0.75) + Foundation.log(0.8)) + 0.45 * -(Foundation.log(0.5) + Foundation.log(0.2))
        #expect(abs(Double(value) - expected) < 1e-5)
    }

    @Test("a class's probability sums its components")
    func classProbabilitySumsComponents() throws {
        // Components: two background, one foreground, equal logits: P(background) = 2/3.
        let loss = ScribbleLoss(layout: MixtureLayout(tasks: [.init(components: [2, 1], reconstructedChannels: [])]))
        let scores = try Tensor(shape: [1, 3, 1, 2], values: [0, 0, 0, 0, 0, 0])
        let batch = PatchBatch(input: [0, 0], target: [0, 0], weights: [1, 0], inputShape: [1, 1, 1, 2])
        let value = try loss(scores, batch: batch).values()[0]
        #expect(abs(Double(value) - 0.45 * -Foundation.log(2.0 / 3.0)) < 1e-5)
    }

    @Test("total variation: mean absolute difference between neighbours")
    func totalVariationOfAKnownMap() throws {
        // 3x3 map [[0,1,1],[0,1,1],[0,0,0]]: the four 2x2 windows' (x, y) differences are (1,0), (0,0), (1,0),
        // (0,−1): 3 over 8 = 0.375.
        let map = try Tensor(shape: [1, 1, 3, 3], values: [0, 1, 1, 0, 1, 1, 0, 0, 0])
        #expect(abs(try ScribbleLoss.totalVariation(map).values()[0] - 0.375) < 1e-6)
        let flat = try Tensor(shape: [1, 2, 3, 3], values: [Float](repeating: 0.5, count: 18))
        #expect(try ScribbleLoss.totalVariation(flat).values()[0] == 0)
    }

    @Test func totalVariationTermAddsItsWeight() throws {
        let layout = MixtureLayout(tasks: [.init(components: [1, 1], reconstructedChannels: [])])
        // Logits make P(foreground) a checkerboard of 1/2 ± δ; no scribbles, so only the TV term counts.
        let scores = try Tensor(shape: [1, 2, 2, 2], values: [0, 0, 0, 0, 1, -1, -1, 1])
        let batch = PatchBatch(
            input: [0, 0, 0, 0], target: [0, 0, 0, 0], weights: [0, 0, 0, 0], inputShape: [1, 1, 2, 2])
        let plain = try ScribbleLoss(layout: layout)(scores, batch: batch).values()[0]
        let smooth = try ScribbleLoss(layout: layout, totalVariationWeight: 2)(scores, batch: batch).values()[0]
        let p = { (z: Double) in 1 / (1 + Foundation.exp(-z)) }
        // Each class map alternates p(1) and p(−1) in both directions: |Δ| = p(1) − p(−1) everywhere.
        #expect(plain == 0)
        #expect(abs(Double(smooth) - 2 * (p(1) - p(-1))) < 1e-5)
    }
}

@Suite struct MultiChannelTargetTests {
    @Test("every target channel is cut, mirrored and rotated like the image")
    func targetChannelsShareTheGeometry() throws {
        let (height, width) = (20, 20)
        let pixels = height * width
        let image = try Image(shape: [1, height, width], pixels: (0..<pixels).map(Float.init), sourceType: .float32)
        let first = (0..<pixels).map(Float.init)
        let sample = try TrainingSample(
            stem: "ramp", image: image, target: first + first.map { $0 + 1000 },
            weights: [Float](repeating: 1, count: 2 * pixels))
        #expect(sample.targetChannels == 2)
        var options = AugmentationOptions.none
        options.flips = true
        options.rotations = true
        let sampler = try PatchSampler(patchShape: [8, 8], augmentation: options)
        var generator = RandomGenerator(seed: 9)
        let batch = sampler.batch(from: [sample], count: 6, generator: &generator)
        #expect(batch.targetShape == [6, 2, 8, 8])
        for n in 0..<6 {
            for pixel in 0..<64 {
                let a = batch.target[(n * 2) * 64 + pixel], b = batch.target[(n * 2 + 1) * 64 + pixel]
                guard batch.weights[(n * 2) * 64 + pixel] > 0 else { continue }
                #expect(b == a + 1000)
                #expect(batch.input[n * 64 + pixel] == a)
            }
        }
    }
}

/// A training with two scribble tasks on the same image: bright left third against dark right third, scribbled
/// one way round in the first task and the other way round in the second.
@Suite(.serialized)
struct MultiTaskScribbleTrainingTests {
    @Test("two tasks learn opposite segmentations from their own scribbles")
    func twoTasksLearnTheirOwnScribbles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (height, width) = (48, 96)
        let image = try ScribbleTrainingTests.threeBands(height: height, width: width, seed: 4)
        for name in ["images", "bright", "dark"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try ImageFormats.write(image, to: folder.appendingPathComponent("images/bands.tif"))
        for (name, cellColumn, backgroundColumn) in [("bright", 12, 84), ("dark", 84, 12)] {
            var values = [UInt8](repeating: 0, count: height * width)
            for y in 4..<(height - 4) {
                values[y * width + cellColumn] = 1
                values[y * width + backgroundColumn] = ScribbleMap.background
            }
            try ScribbleFiles.write(
                try ScribbleMap(shape: [height, width], values: values),
                to: folder.appendingPathComponent("\(name)/bands.png"))
        }
        let dataset = try DatasetIndex.folders(
            images: folder.appendingPathComponent("images"), labels: folder.appendingPathComponent("bright"),
            includingUnlabelled: true, taskLabels: [folder.appendingPathComponent("dark")])
        #expect(dataset.first?.taskLabels.count == 1)
        var options = ScribbleTrainingTests.options(epochs: 3, steps: 15)
        options.patchShape = [48, 48]
        options.validationFraction = 0
        let output = folder.appendingPathComponent("model.safetensors")
        try Trainer(options: options, dataset: dataset, output: output).run { _ in }

        let model = try SegmentationModel(contentsOf: output)
        #expect(model.info.mixtureLayout?.tasks.count == 2)
        let result = try model.segment(image, source: "bands", predictor: try model.predictor())
        #expect(result.probabilities.count == 4 * height * width)
        let second = try #require(result.taskLabels.first)
        func foregroundFraction(_ labels: LabelImage, _ columns: Range<Int>) -> Double {
            var count = 0
            for y in 0..<height { for x in columns where labels.labels[y * width + x] != 0 { count += 1 } }
            return Double(count) / Double(height * columns.count)
        }
        #expect(foregroundFraction(result.labels, 4..<28) > 0.9)
        #expect(foregroundFraction(result.labels, 68..<92) < 0.1)
        #expect(foregroundFraction(second, 68..<92) > 0.9)
        #expect(foregroundFraction(second, 4..<28) < 0.1)
    }
}
