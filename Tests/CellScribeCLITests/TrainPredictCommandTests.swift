import Foundation
import ImageFormats
import TestSupport
import Testing

@testable import CellScribeCLI
@testable import Training

/// `train` then `predict` then `evaluate` through the command line, on the committed DSB crops.
@Suite("train and predict commands")
struct TrainPredictCommandTests {
    @Test("a tiny training writes a model that predict applies and evaluate scores")
    func trainPredictEvaluate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.safetensors").path
        let train = try TrainCommand.parse([
            "--images", Fixtures.url("dsb/train/images").path, "--labels", Fixtures.url("dsb/train/labels").path,
            "--task", "instances", "--epochs", "1", "--steps-per-epoch", "2", "--val-fraction", "0",
            "--widths", "4,8", "--patch", "32x32", "--batch-size", "2", "--out", model, "--json",
        ])
        try train.run()
        #expect(FileManager.default.fileExists(atPath: model))
        #expect(
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.checkpoint.safetensors").path))
        #expect(try SegmentationModel(contentsOf: URL(fileURLWithPath: model)).info.task == .instances)

        let out = folder.appendingPathComponent("pred")
        try PredictCommand.parse([
            "--model", model, "--images", Fixtures.url("dsb/heldout/images").path, "--out", out.path, "--probabilities",
        ]).run()
        let labels = try ImageFormats.readLabels(out.appendingPathComponent("9586e48a.tif"))
        #expect(labels.shape == [256, 256])
        let probabilities = try ImageFormats.readImage(out.appendingPathComponent("9586e48a_prob.tif"))
        #expect(probabilities.shape == [3, 256, 256])

        let evaluate = try EvaluateCommand.parse([
            "--pred", out.path, "--truth", Fixtures.url("dsb/heldout/labels").path,
        ])
        let (dataset, _, warnings) = try evaluate.evaluate()
        #expect(warnings.isEmpty)
        #expect(dataset.images.count == 1 && dataset.trueCount == 99)
    }

    @Test(
        "train rejects missing inputs and stop conditions before reading anything",
        arguments: [
            ["--task", "binary", "--out", "m.safetensors", "--epochs", "1"],
            ["--images", "i", "--labels", "l", "--task", "binary", "--out", "m.safetensors"],
            ["--images", "i", "--labels", "l", "--task", "blobs", "--out", "m.safetensors", "--epochs", "1"],
            [
                "--images", "i", "--labels", "l", "--task", "binary", "--out", "m.safetensors", "--epochs", "1",
                "--patch", "12",
            ],
        ])
    func badArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { try TrainCommand.parse(arguments) }
    }

    @Test("predict names the model file it cannot read")
    func predictWithAMissingModel() throws {
        let command = try PredictCommand.parse([
            "--model", "/nonexistent/m.safetensors", "--images", Fixtures.url("dsb/heldout/images").path, "--out",
            "/tmp/x",
        ])
        #expect { try command.run() } throws: { "\($0)".contains("/nonexistent/m.safetensors") }
    }

    @Test("the progress line shows the epoch, step, loss and ETA")
    func progressBar() {
        let step = TrainingStep(epoch: 2, step: 5, stepsPerEpoch: 10, loss: 0.25, elapsedSeconds: 65, etaSeconds: 3700)
        let line = TrainingDisplay.progressBar(step, width: 10)
        #expect(line.hasPrefix("epoch 2 █████····· 5/10 loss 0.2500 1:05 ETA 1:01:40"))
    }
}
