import ArgumentParser
import Foundation
import Settings
import Storage
import TestSupport
import Testing

@testable import CellScribeCLI
@testable import Server
@testable import Training

/// What the commands print, byte for byte where scripts read it.
@Suite("command output")
struct OutputFormatTests {
    static let image = PredictedImage(
        image: "a\"b", shape: [256, 256], instances: 12, meanEntropy: 0.25,
        uncertainRegion: UncertainRegion(y: 3, x: 4, size: 64, meanUncertainty: 0.5), seconds: 1.5)

    @Test func predictLinesInTextAndJSON() throws {
        #expect(Self.image.text == "a\"b  256x256  12 instances  mean entropy 0.2500  1.50 s")
        #expect(
            try Self.image.jsonLine()
                == #"{"image": "a\"b", "shape": [256,256], "instances": 12, "mean_entropy": 0.25, "#
                + #""uncertain_region": {"mean_entropy":0.5,"size":64,"x":4,"y":3}, "seconds": 1.5}"#)
        let plain = PredictedImage(
            image: "x", shape: [8, 16, 16], instances: 0, meanEntropy: nil, uncertainRegion: nil, seconds: 0.25)
        #expect(try plain.jsonLine() == #"{"image": "x", "shape": [8,16,16], "instances": 0, "seconds": 0.25}"#)
        let summary = PredictionSummary(reports: [Self.image, plain], failed: 1)
        #expect(summary.text == "2 images, 0.1 megapixels in 1.8 s: 25.894 s per megapixel (258.937 s per 10^7 voxels)")
        #expect(
            try summary.jsonLine()
                == #"{"images": 2, "failed": 1, "pixels": 67584, "seconds": 1.75, "seconds_per_megapixel": 25.89370265151515}"#
        )
    }

    @Test func theTrainingSummaryNamesWhyItStopped() {
        let summary = TrainingSummary(
            epochs: 3, steps: 30, elapsedSeconds: 65, bestEpoch: 2, bestScore: 0.5, scoreName: "ap50",
            modelPath: "m.safetensors", stopReason: .timeBudget)
        #expect(
            TrainingDisplay.describe(summary)
                == "finished after 3 epochs (30 steps, 1:05, stopped by time budget), best ap50 0.5000 at epoch 2; "
                + "model: m.safetensors")
    }

    @Test func trainingEventsPutTheirKindFirst() throws {
        let summary = TrainingSummary(
            epochs: 1, steps: 2, elapsedSeconds: 3, scoreName: "ap50", modelPath: "m", stopReason: .epochs)
        let lines = try [
            TrainingEvent.checkpoint(path: "c", epoch: 2), .cycle(epoch: 1, members: 2), .finished(summary),
            .step(TrainingStep(epoch: 1, step: 2, stepsPerEpoch: 4, loss: .nan, elapsedSeconds: 1, etaSeconds: nil)),
        ].map { try $0.jsonLine() }
        #expect(lines[0] == #"{"event":"checkpoint","epoch":"2","path":"c"}"#)
        #expect(lines[1] == #"{"event":"cycle","epoch":1,"members":2}"#)
        #expect(lines[2].hasPrefix(#"{"event":"finished","elapsedSeconds":3,"epochs":1,"#))
        #expect(lines[2].contains(#""stopReason":"epochs""#))
        // A diverged loss is still reported.
        #expect(lines[3].hasPrefix(#"{"event":"step","#) && lines[3].contains(#""loss":"NaN""#))
    }

    @Test("every flag an error names is a flag of train or predict")
    func errorFlagsExist() throws {
        let help = [TrainCommand.helpMessage(columns: 500), PredictCommand.helpMessage(columns: 500)].joined()
        for setting in TrainingSetting.allCases {
            let name = CommandLineErrors.flag(for: setting)
            guard name.hasPrefix("--") else { continue }
            for flag in name.split(whereSeparator: { " /".contains($0) }) where flag.hasPrefix("--") {
                #expect(help.contains("\(flag) "), "\(setting): \(flag)")
            }
        }
    }

    @Test func theSampleProjectInstallsOnceWithItsScribbles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-sample-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let services = try ServerServices(
            configuration: ServerConfiguration(dataFolder: folder), store: try SQLiteStore(),
            logger: .init(label: "test"))
        let manifest = SettingsAgreementTests.repository.appendingPathComponent("Samples/sample-project.json")
        let id = try await SampleProject.install(manifest: manifest, services: services)
        #expect(try await SampleProject.install(manifest: manifest, services: services) == id)
        let images = try await services.images.images(in: id)
        #expect(images.count == 1 && images[0].scribbleVersion == 1 && images[0].scribbledForeground > 0)
        #expect(try await services.store.project(id).settings == TrainingSettings(timeBudgetSeconds: 60))
    }
}
