import Evaluation
import Foundation
import ImageFormats
import Imaging
import Tensors
import TestSupport
import Testing

@testable import Training

/// Real (short) trainings on the committed DSB2018 crops.
@Suite(.serialized)
struct TrainerTests {
    static func smallOptions(epochs: Int, steps: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.task = .instances
        options.widths = [8, 16, 32]
        options.dropout = 0
        options.patchShape = [64, 64]
        options.batchSize = 4
        options.learningRate = 3e-3
        options.epochs = epochs
        options.stepsPerEpoch = steps
        options.validationFraction = 0
        options.schedule = .constant
        options.seed = 11
        return options
    }

    static var trainingSet: [DatasetEntry] {
        get throws {
            try DatasetIndex.folders(images: Fixtures.url("dsb/train/images"), labels: Fixtures.url("dsb/train/labels"))
        }
    }

    /// AP at IoU 0.5 of `predicted` against the held-out crop's labels.
    static func heldOutAP(_ predicted: LabelImage) throws -> Double {
        let truth = try ImageFormats.readLabels(Fixtures.url("dsb/heldout/labels/9586e48a.tif"))
        return try InstanceMatching(predicted: predicted, truth: truth).counts(threshold: 0.5).scores.averagePrecision
    }

    @Test("a short training on one crop beats an intensity threshold on another")
    func shortTrainingBeatsAThreshold() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        var events: [TrainingEvent] = []
        let summary = try Trainer(
            options: Self.smallOptions(epochs: 6, steps: 25), dataset: Self.trainingSet, output: output
        )
        .run { events.append($0) }
        #expect(summary.epochs == 6 && summary.steps == 150)
        let losses = events.compactMap { event -> Double? in
            if case .epoch(let report) = event { return report.trainingLoss }
            return nil
        }
        #expect(losses.last! < losses.first!)

        let model = try SegmentationModel(contentsOf: output)
        let image = try ImageFormats.readImage(Fixtures.url("dsb/heldout/images/9586e48a.png"))
        let result = try model.segment(image, source: "held-out", predictor: try model.predictor())
        let trained = try Self.heldOutAP(result.labels)

        let prepared = try model.info.input.prepare(image, source: "held-out")
        let thresholded = try LabelImage.connectedComponents(
            of: prepared.pixels.map { $0 > 0.5 ? 1 : 0 }, shape: prepared.spatialShape)
        let baseline = try Self.heldOutAP(thresholded)
        #expect(trained > baseline + 0.05, "trained AP50 \(trained), threshold AP50 \(baseline)")
    }

    @Test("the model written is the better of the best epoch and the final weights over the held-out images")
    func finalWeightsCompeteWithTheBestEpoch() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let entries = [
            DatasetEntry(
                stem: "c53326fe", image: Fixtures.url("dsb/train/images/c53326fe.png"),
                labels: Fixtures.url("dsb/train/labels/c53326fe.tif"), split: .train),
            DatasetEntry(
                stem: "9586e48a", image: Fixtures.url("dsb/heldout/images/9586e48a.png"),
                labels: Fixtures.url("dsb/heldout/labels/9586e48a.tif"), split: .validation),
        ]
        let options = Self.smallOptions(epochs: 4, steps: 6)
        let output = folder.appendingPathComponent("model.safetensors")
        let trainer = Trainer(options: options, dataset: entries, output: output)
        let summary = try trainer.run { _ in }
        let data = try TrainingData.load(entries, options: options, channels: nil, classCount: nil)
        let validator = Validator(task: .instances, samples: data.validation)
        let written = try #require(try validator.tunedInstanceOptions(try SegmentationModel(contentsOf: output)))
        let final = try #require(
            try validator.tunedInstanceOptions(try SegmentationModel(contentsOf: trainer.checkpointURL)))
        #expect(written.score >= final.score)
        #expect(summary.tunedScore == written.score)
    }

    @Test("resuming continues from the checkpoint's epoch with the same steps counted")
    func resumeContinuesFromTheCheckpoint() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        let first = try Trainer(
            options: Self.smallOptions(epochs: 1, steps: 3), dataset: Self.trainingSet, output: output
        )
        .run { _ in }
        #expect(first.epochs == 1)
        var started: TrainingStart?
        let second = try Trainer(
            options: Self.smallOptions(epochs: 2, steps: 3), dataset: Self.trainingSet, output: output, resume: true
        ).run { event in
            if case .started(let start) = event { started = start }
        }
        #expect(started?.resumedFromEpoch == 1)
        #expect(second.epochs == 2 && second.steps == 6)
    }

    @Test("pausing writes a checkpoint mid-epoch and returns at once; resuming continues from it")
    func pauseCheckpointsAndResumes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        var steps = 0
        let trainer = Trainer(
            options: Self.smallOptions(epochs: 3, steps: 4), dataset: try Self.trainingSet, output: output)
        let paused = try trainer.run(
            events: { if case .step = $0 { steps += 1 } },
            interruption: { steps >= 2 ? .paused : nil })
        #expect(paused.stopReason == .paused && paused.steps == 2 && paused.epochs == 1)
        // No validation ran, so no best model was written; the checkpoint was.
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(FileManager.default.fileExists(atPath: trainer.checkpointURL.path))
        let resumed = try Trainer(
            options: Self.smallOptions(epochs: 3, steps: 4), dataset: try Self.trainingSet, output: output, resume: true
        )
        .run { _ in }
        #expect(resumed.stopReason == .epochs && resumed.epochs == 3 && resumed.steps == 2 + 2 * 4)
        #expect(FileManager.default.fileExists(atPath: output.path))
    }

    @Test("a checkpoint is one file with the optimizer's state; an unreadable one falls back to the one before")
    func tornCheckpointsFallBack() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        let trainer = Trainer(
            options: Self.smallOptions(epochs: 2, steps: 2), dataset: try Self.trainingSet, output: output)
        try trainer.run { _ in }
        let latest = try ModelFile.read(from: trainer.checkpointURL)
        #expect(try OptimizerState.extract(from: latest, source: "checkpoint")?.stepCount == 4)
        #expect(FileManager.default.fileExists(atPath: trainer.previousCheckpointURL.path))
        #expect(!FileManager.default.fileExists(atPath: trainer.legacyOptimizerURL.path))
        // The last checkpoint torn (half its bytes): resuming reports it and continues from epoch 1's.
        let bytes = try Data(contentsOf: trainer.checkpointURL)
        try bytes.prefix(bytes.count / 2).write(to: trainer.checkpointURL)
        var started: TrainingStart?
        let resumed = try Trainer(
            options: Self.smallOptions(epochs: 3, steps: 2), dataset: try Self.trainingSet, output: output, resume: true
        ).run { event in
            if case .started(let start) = event { started = start }
        }
        #expect(started?.resumedFromEpoch == 1)
        #expect(started?.recovery?.contains("the last checkpoint could not be read") == true)
        #expect(resumed.epochs == 3 && resumed.steps == 2 + 2 * 2)
    }

    @Test("a checkpoint ensemble keeps each cycle's best network and predicts with their mean")
    func checkpointEnsembleAveragesItsCycles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        var options = Self.smallOptions(epochs: 4, steps: 3)
        options.ensembleSize = 2
        var cycles: [Int] = []
        try Trainer(options: options, dataset: Self.trainingSet, output: output).run { event in
            if case .cycle(let epoch, _) = event { cycles.append(epoch) }
        }
        #expect(cycles == [2])
        let model = try SegmentationModel(contentsOf: output)
        #expect(model.members.count == 1)
        let first = try model.network.namedState.first!.tensor.values()
        #expect(try model.members[0].namedState.first!.tensor.values() != first)

        let image = try model.info.input.prepare(
            try ImageFormats.readImage(Fixtures.url("dsb/heldout/images/9586e48a.png")), source: "held-out")
        let predictor = try model.predictor()
        let ensemble = try model.probabilities(of: image, predictor: predictor)
        let parts = try model.predictors(like: predictor).map { try $0.probabilities(of: image) }
        for i in stride(from: 0, to: ensemble.count, by: 97) {
            #expect(abs(ensemble[i] - (parts[0][i] + parts[1][i]) / 2) < 1e-5)
        }
    }

    @Test("fine-tuning refuses a model trained for another task")
    func fineTuningChecksTheTask() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("model.safetensors")
        try Trainer(options: Self.smallOptions(epochs: 1, steps: 1), dataset: Self.trainingSet, output: output).run {
            _ in
        }
        var binary = Self.smallOptions(epochs: 1, steps: 1)
        binary.task = .binary
        #expect {
            try Trainer(options: binary, dataset: Self.trainingSet, output: output, from: output).run { _ in }
        } throws: {
            "\($0)".contains("trained for the instances task, not binary")
        }
    }

    @Test func eventsAreOneJSONObjectPerLine() throws {
        let line = try TrainingEvent.checkpoint(path: "/tmp/a.safetensors", epoch: 3).jsonLine()
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "checkpoint")
        #expect(!line.contains("\n"))
    }
}
