import Basics
import Foundation
import ImageFormats
import Imaging
import Scribbles
import TestSupport
import Testing

@testable import Training

/// Short trainings from scribbles on the committed DSB2018 crops and on a synthetic image.
@Suite(.serialized)
struct ScribbleTrainingTests {
    /// The supervised tests' small network and schedule, for the scribbles task.
    static func options(epochs: Int, steps: Int) -> TrainingOptions {
        var options = TrainerTests.smallOptions(epochs: epochs, steps: steps)
        options.task = .scribbles
        options.dropout = 0.1
        options.seed = 5
        return options
    }

    /// The training crop with scribbles generated for 30% of its nuclei, as dataset entries in `folder`.
    static func scribbledDataset(in folder: URL) throws -> [DatasetEntry] {
        let labels = try ImageFormats.readLabels(Fixtures.url("dsb/train/labels/c53326fe.tif"))
        let scribbles = try ScribbleGenerator(budget: .fraction(0.3), seed: 43).scribbles(for: labels)
        let scribbleURL = folder.appendingPathComponent("c53326fe.png")
        try ScribbleFiles.write(scribbles, to: scribbleURL)
        return [
            DatasetEntry(stem: "c53326fe", image: Fixtures.url("dsb/train/images/c53326fe.png"), labels: scribbleURL)
        ]
    }

    /// Foreground IoU of a model's instances on the held-out crop.
    static func heldOutForegroundIoU(_ model: SegmentationModel) throws -> Double {
        let image = try ImageFormats.readImage(Fixtures.url("dsb/heldout/images/9586e48a.png"))
        let truth = try ImageFormats.readLabels(Fixtures.url("dsb/heldout/labels/9586e48a.tif"))
        let predicted = try model.segment(image, source: "held-out", predictor: try model.predictor()).labels
        var (both, either) = (0, 0)
        for (p, t) in zip(predicted.labels, truth.labels) {
            if p != 0 && t != 0 { both += 1 }
            if p != 0 || t != 0 { either += 1 }
        }
        return Double(both) / Double(max(either, 1))
    }

    @Test("a short training from scribbles segments another crop, and needs its scribble loss to")
    func scribblesTeachTheSegmentation() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try Self.scribbledDataset(in: folder)
        let output = folder.appendingPathComponent("model.safetensors")
        let summary = try Trainer(options: Self.options(epochs: 4, steps: 20), dataset: dataset, output: output).run {
            _ in
        }
        #expect(summary.steps == 80)
        let model = try SegmentationModel(contentsOf: output)
        #expect(model.head == .componentMixture(.standard(classCount: 2, inputChannels: 1)))
        let withScribbles = try Self.heldOutForegroundIoU(model)

        var blind = Self.options(epochs: 4, steps: 20)
        blind.scribbleWeight = 0
        let blindOutput = folder.appendingPathComponent("blind.safetensors")
        try Trainer(options: blind, dataset: dataset, output: blindOutput).run { _ in }
        let withoutScribbles = try Self.heldOutForegroundIoU(try SegmentationModel(contentsOf: blindOutput))
        #expect(withScribbles > 0.5, "foreground IoU \(withScribbles)")
        #expect(
            withScribbles > withoutScribbles + 0.2,
            "with \(withScribbles), without the scribble loss \(withoutScribbles)")
    }

    @Test("each image keeps a validation square whose scribbles are not trained on")
    func validationSquaresAreHeldOut() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.options(epochs: 1, steps: 1)
        options.validationFraction = 0.2
        let data = try TrainingData.loadScribbles(
            try Self.scribbledDataset(in: folder), options: options, channels: nil, taskClasses: nil)
        let sample = data.training[0]
        let held = try #require(data.validation.first).labels.labels
        let scribbled = try ScribbleFiles.read(folder.appendingPathComponent("c53326fe.png"), shape: [256, 256])
            .scribbles
        for i in held.indices {
            if held[i] != 0 {
                #expect(sample.weights[i] == 0)
                #expect(UInt8(held[i]) == scribbled.values[i])
            } else if scribbled.values[i] != 0 {
                #expect(sample.weights[i] == 1)
            }
        }
        let heldCount = held.filter { $0 != 0 }.count
        #expect(heldCount > 0 && heldCount < scribbled.scribbledCount)
        #expect(data.classCount == 2)
    }

    /// A `height` x `width` image of three vertical bands (bright 200, mid-grey 100, dark 0, each a third of
    /// the width) with uniform noise of ±10.
    static func threeBands(height: Int, width: Int, seed: UInt64) throws -> Image {
        var generator = RandomGeneratorForTests(seed: seed)
        let pixels = (0..<(height * width)).map { i -> Float in
            let x = i % width
            let level: Float = x < width / 3 ? 200 : (x < 2 * width / 3 ? 100 : 0)
            return level + generator.noise(amplitude: 10)
        }
        return try Image(shape: [1, height, width], pixels: pixels, sourceType: .float32)
    }

    /// Bright left third scribbled as cells, dark right third as background, a mid-grey middle third left
    /// unscribbled: the model is least sure in the middle.
    @Test("entropy is highest where the classes are ambiguous")
    func entropyPeaksWhereClassesAreAmbiguous() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (height, width) = (48, 96)
        let image = try Self.threeBands(height: height, width: width, seed: 2)
        let imageURL = folder.appendingPathComponent("bands.tif")
        try ImageFormats.write(image, to: imageURL)
        var scribbles = [UInt8](repeating: 0, count: height * width)
        for y in 4..<(height - 4) {
            scribbles[y * width + 12] = 1
            scribbles[y * width + 84] = ScribbleMap.background
        }
        let scribbleURL = folder.appendingPathComponent("bands-scribbles.png")
        try ScribbleFiles.write(try ScribbleMap(shape: [height, width], values: scribbles), to: scribbleURL)
        var options = Self.options(epochs: 3, steps: 15)
        options.patchShape = [48, 48]
        let output = folder.appendingPathComponent("model.safetensors")
        try Trainer(
            options: options, dataset: [DatasetEntry(stem: "bands", image: imageURL, labels: scribbleURL)],
            output: output
        ).run { _ in }
        let model = try SegmentationModel(contentsOf: output)
        let result = try model.segment(
            image, source: "bands", predictor: try model.predictor(), monteCarloSamples: 4, measuresUncertainty: true)
        let entropy = try #require(result.entropy)
        func meanEntropy(_ columns: Range<Int>) -> Float {
            var sum: Float = 0
            for y in 0..<height { for x in columns { sum += entropy[y * width + x] } }
            return sum / Float(height * columns.count)
        }
        let (bright, middle, dark) = (meanEntropy(4..<28), meanEntropy(36..<60), meanEntropy(68..<92))
        #expect(middle > bright && middle > dark, "entropy bright \(bright), middle \(middle), dark \(dark)")
        #expect(result.variance?.count == 2 * height * width)
    }
}

/// Uniform noise for synthetic images.
struct RandomGeneratorForTests {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func noise(amplitude: Float) -> Float {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return (Float(state >> 40) / Float(1 << 24) - 0.5) * 2 * amplitude
    }
}
