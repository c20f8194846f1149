import ArgumentParser
import Foundation
import Scribbles
import Settings
import TestSupport
import Testing

@testable import CellScribeCLI
@testable import Server
@testable import Training

/// Training defaults and ranges have one owner (`TrainingOptions`, `TrainingLimits`): the command line, the
/// API's schema and the sample project must all agree with it.
@Suite("settings agree everywhere")
struct SettingsAgreementTests {
    static let repository = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    @Test("train without options trains with the trainer's defaults")
    func commandLineDefaults() throws {
        let command = try TrainCommand.parse([
            "--images", "i", "--labels", "l", "--task", "instances", "--out", "m", "--epochs", "1",
        ])
        var expected = TrainingOptions()
        expected.epochs = 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(command.options) == encoder.encode(expected))
    }

    @Test("the API document states the limits of TrainingLimits")
    func schemaLimits() throws {
        let url = Self.repository.appendingPathComponent("Sources/Server/Resources/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let settings = try #require(schemas?["TrainingSettings"] as? [String: Any])
        let properties = try #require(settings["properties"] as? [String: [String: Any]])
        func limits(_ name: String) -> [Double?] {
            ["minimum", "maximum", "multipleOf"].map { (properties[name]?[$0] as? NSNumber)?.doubleValue }
        }
        func expected<V: BinaryInteger>(_ limit: SettingLimit<V>) -> [Double?] {
            [Double(limit.minimum), Double(limit.maximum), limit.multiple.map(Double.init)]
        }
        #expect(
            limits("timeBudgetSeconds") == [
                TrainingLimits.timeBudgetSeconds.minimum, TrainingLimits.timeBudgetSeconds.maximum, nil,
            ])
        #expect(
            limits("learningRate") == [TrainingLimits.learningRate.minimum, TrainingLimits.learningRate.maximum, nil])
        #expect(limits("epochs") == expected(TrainingLimits.epochs))
        #expect(limits("patchSize") == expected(TrainingLimits.patchExtent))
        #expect(limits("batchSize") == expected(TrainingLimits.batchSize))
        #expect(limits("ensembleSize") == expected(TrainingLimits.ensembleSize))
        #expect(limits("previewEvery") == expected(TrainingLimits.previewEvery))
        // Every field the server names in its errors is a property of the schema, and each property a field.
        let fields = Set(TrainingSetting.allCases.compactMap(SettingsFields.field(for:)))
        #expect(fields == Set(properties.keys))
    }

    @Test("the sample project's settings are valid and make valid trainer options")
    func sampleSettings() throws {
        let sample = try SampleProject.load(Self.repository.appendingPathComponent("Samples/sample-project.json"))
        let settings = try #require(sample.settings)
        try settings.validate()
        try settings.filled(from: TrainingSettings()).trainingOptions(dimensions: 2).validate()
    }

    @Test(
        "out-of-range settings are refused with the flag's name",
        arguments: [
            (["--batch-size", "65"], "--batch-size must be 1 to 64, not 65"),
            (
                ["--patch", "600x600"],
                "--patch must be extents of 16 to 512, not [600, 600]"
            ),
            (["--learning-rate", "2"], "--learning-rate must be from 1e-08 to 1, not 2.0"),
            (["--ensemble", "11"], "--ensemble must be 1 to 10, not 11"),
        ])
    func flagsInErrors(arguments: [String], message: String) throws {
        let command = try TrainCommand.parse(
            ["--images", "i", "--labels", "l", "--task", "instances", "--out", "m", "--epochs", "1"] + arguments)
        #expect { try command.options.validate() } throws: { error in
            "\(CommandLineErrors.rendered(error))" == message
        }
    }

    @Test("the scribble budget is named by its flag")
    func scribbleBudgetFlag() {
        let error = CommandLineErrors.rendered(
            Scribbles.ScribblesError.invalidBudget(.fraction(2), allowed: "a fraction from 0 to 1"))
        #expect("\(error)" == "--fraction must be a fraction from 0 to 1, not 2.0")
    }
}
