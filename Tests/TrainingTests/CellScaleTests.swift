import Foundation
import ImageFormats
import Imaging
import Networks
import Segmentation
import TestSupport
import Testing

@testable import Training

/// Resizing images so their cells have a model's cell diameter (`CellScale`, `TrainingData`, `segment`).
@Suite struct CellScaleTests {
    @Test("factors turn the measured diameter into the target, within a quarter to four times the size")
    func factorsAreClamped() {
        #expect(CellScale.factor(target: 24, diameter: 8) == 3)
        #expect(CellScale.factor(target: 24, diameter: 48) == 0.5)
        #expect(CellScale.factor(target: 24, diameter: 200) == 0.25)
        #expect(CellScale.factor(target: 24, diameter: 2) == 4)
        #expect(CellScale.factor(target: 24, diameter: 23.5) == 1)  // within 5%: left alone
        #expect(CellScale.factor(target: 24, diameter: 0) == 1)
    }

    /// Probabilities (background, interior, boundary) of a 160x160 image of 8-pixel disks in touching pairs,
    /// enlarged by `scale`.
    static func pairsOfDisks(scale: Double) -> CellScaledProbabilities {
        let size = Int((160 * scale).rounded())
        let radius = 4 * scale
        var values = [Float](repeating: 0, count: 3 * size * size)
        for y in 0..<size {
            for x in 0..<size {
                let (py, px) = ((Double(y) + 0.5) / scale, (Double(x) + 0.5) / scale)  // original coordinates
                // Pairs centred 20 pixels apart; the two disks of a pair touch at the pair's centre.
                let (cy, cx) = ((py / 20).rounded(.down) * 20 + 10, (px / 20).rounded(.down) * 20 + 10)
                let distances = [hypot(py - cy, px - (cx - 4)), hypot(py - cy, px - (cx + 4))].map { $0 * scale }
                let inside = distances.min()! <= radius
                let ring = distances.min()! > radius - 1.5
                let pixel = y * size + x
                let cls = !inside ? 0 : ring ? 2 : 1
                values[cls * size * size + pixel] = 1
            }
        }
        return CellScaledProbabilities(values: values, shape: [size, size], scale: scale)
    }

    @Test("the scale is measured from the cells a pass at the image's own size finds; no cells, no resizing")
    func estimateMeasuresTheFirstPass() throws {
        let decoder = InstanceDecoder(task: .instances, options: InstanceOptions())
        var passes: [Double] = []
        let estimated = try CellScale.estimated(target: 24, decoder: decoder) { scale in
            passes.append(scale)
            return Self.pairsOfDisks(scale: scale)
        }
        #expect(passes.count == 2 && passes[0] == 1)
        #expect(abs(estimated.scale - 3) < 0.1)
        let size = Int((160 * estimated.scale).rounded())
        #expect(estimated.shape == [size, size])

        passes = []
        let empty = try CellScale.estimated(target: 24, decoder: decoder) { scale in
            passes.append(scale)
            var background = [Float](repeating: 0, count: 3 * 32 * 32)
            for pixel in 0..<(32 * 32) { background[pixel] = 1 }
            return CellScaledProbabilities(values: background, shape: [32, 32], scale: scale)
        }
        #expect(passes == [1] && empty.scale == 1)
    }

    @Test("training images are resized so their cells have the cell diameter; validation images are not")
    func trainingImagesAreResized() throws {
        var options = TrainingOptions()
        options.epochs = 1
        options.validationFraction = 0
        let entries = try DatasetIndex.folders(
            images: Fixtures.url("dsb/train/images"), labels: Fixtures.url("dsb/train/labels"))
        let plain = try TrainingData.load(entries, options: options, channels: nil, classCount: nil)
        let resized = try TrainingData.load(entries, options: options, channels: nil, classCount: nil, cellDiameter: 24)
        for (before, after) in zip(plain.training, resized.training) {
            let labels = try ImageFormats.readLabels(Fixtures.url("dsb/train/labels/\(before.stem).tif"))
            let factor = CellScale.factor(target: 24, diameter: try #require(labels.medianObjectDiameter()))
            #expect(factor != 1)
            let expected = PlaneResampler.scaledSize((before.image.height, before.image.width), by: factor)
            #expect(after.image.height == expected.height && after.image.width == expected.width)
            #expect(after.target.count == expected.height * expected.width)
        }
    }

    @Test(
        "a model with a cell diameter returns labels and maps at the image's size; a given diameter skips the estimate")
    func segmentationComesBackAtTheImageSize() throws {
        let network = try UNet(
            UNetConfiguration(inputChannels: 1, outputChannels: 3, widths: [4, 8], dropout: 0), seed: 5)
        let info = SegmentationModelInfo(
            task: .instances, input: InputPreparation(channels: 1), classCount: 3, patchShape: [32, 32],
            cellDiameter: 24)
        let scaled = SegmentationModel(network: network, info: info)
        var plainInfo = info
        plainInfo.cellDiameter = nil
        let plain = SegmentationModel(network: network, info: plainInfo)
        let image = try Image(shape: [1, 40, 56], pixels: (0..<(40 * 56)).map { Float(($0 * 37) % 101) })
        let predictor = try scaled.predictor(tileShape: [64, 64])

        let enlarged = try scaled.segment(image, source: "test", predictor: predictor, cellDiameter: 12)
        #expect(enlarged.labels.shape == [40, 56])
        #expect(enlarged.probabilities.count == 3 * 40 * 56)
        let atItsSize = try plain.segment(image, source: "test", predictor: predictor)
        #expect(enlarged.probabilities != atItsSize.probabilities)

        // Cells already at the model's diameter: the image is predicted at its own size.
        let same = try scaled.segment(image, source: "test", predictor: predictor, cellDiameter: 24)
        #expect(same.probabilities == atItsSize.probabilities)
        #expect(same.labels == atItsSize.labels)

        let uncertain = try scaled.segment(
            image, source: "test", predictor: predictor, monteCarloSamples: 2, measuresUncertainty: true,
            cellDiameter: 6)
        #expect(uncertain.entropy?.count == 40 * 56 && uncertain.variance?.count == 3 * 40 * 56)
    }

    @Test("a model trained at a cell diameter stores it, predicts at the image's size and fine-tunes at it")
    func trainedModelsKeepTheirDiameter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = TrainerTests.smallOptions(epochs: 1, steps: 2)
        options.cellDiameter = 24
        let first = folder.appendingPathComponent("first.safetensors")
        try Trainer(options: options, dataset: TrainerTests.trainingSet, output: first).run { _ in }
        let model = try SegmentationModel(contentsOf: first)
        #expect(model.info.cellDiameter == 24)
        let image = try ImageFormats.readImage(Fixtures.url("dsb/heldout/images/9586e48a.png"))
        let result = try model.segment(image, source: "held-out", predictor: try model.predictor())
        #expect(result.labels.shape == image.spatialShape)

        options.cellDiameter = nil
        let tuned = folder.appendingPathComponent("tuned.safetensors")
        try Trainer(options: options, dataset: TrainerTests.trainingSet, output: tuned, from: first).run { _ in }
        #expect(try SegmentationModel(contentsOf: tuned).info.cellDiameter == 24)
        options.cellDiameter = 0
        try Trainer(options: options, dataset: TrainerTests.trainingSet, output: tuned, from: first).run { _ in }
        #expect(try SegmentationModel(contentsOf: tuned).info.cellDiameter == nil)

        options.task = .binary
        options.cellDiameter = 24
        #expect(throws: TrainingError.self) { try options.validate() }
    }
}
