import Foundation
import Testing

@testable import Tensors

/// The rates a schedule gives over `epochs` epochs (the rate used in each epoch), stepping with `metrics`.
func rates<Schedule: LearningRateSchedule>(_ schedule: inout Schedule, epochs: Int, metrics: [Float]? = nil) throws
    -> [Float]
{
    var result: [Float] = []
    for epoch in 0..<epochs {
        result.append(schedule.learningRate)
        try schedule.step(metric: metrics?[epoch])
    }
    return result
}

@Suite("Learning-rate schedules")
struct ScheduleTests {
    @Test func stepDecayMatchesPyTorch() throws {
        let golden = try OptimizerGolden.load().schedules
        let expected = golden.step
        var schedule = try StepDecaySchedule(
            initialLearningRate: expected.baseLr, stepEpochs: try #require(expected.stepSize),
            gamma: try #require(expected.gamma))
        expectNear(try rates(&schedule, epochs: golden.epochs), expected.rates, "StepLR")
        #expect(schedule.epoch == golden.epochs)
        #expect(schedule.learningRate(forEpoch: 7) == expected.rates[7])
    }

    @Test func cosineAnnealingMatchesPyTorch() throws {
        let golden = try OptimizerGolden.load().schedules
        let expected = golden.cosine
        var schedule = try CosineAnnealingSchedule(
            initialLearningRate: expected.baseLr, periodEpochs: try #require(expected.tMax),
            minimumLearningRate: try #require(expected.etaMin))
        expectNear(try rates(&schedule, epochs: golden.epochs), expected.rates, "CosineAnnealingLR")
    }

    func plateau(_ expected: OptimizerGolden.Schedule) throws -> ReduceOnPlateauSchedule {
        let options = ReduceOnPlateauSchedule.Options(
            factor: try #require(expected.factor), patience: try #require(expected.patience),
            threshold: try #require(expected.threshold), cooldown: try #require(expected.cooldown),
            minimumLearningRate: try #require(expected.minLr))
        return try ReduceOnPlateauSchedule(initialLearningRate: expected.baseLr, options: options)
    }

    @Test func reduceOnPlateauMatchesPyTorch() throws {
        let golden = try OptimizerGolden.load().schedules
        let expected = golden.plateau
        var schedule = try plateau(expected)
        let metrics = try #require(expected.metrics)
        expectNear(try rates(&schedule, epochs: golden.epochs, metrics: metrics), expected.rates, "ReduceLROnPlateau")
        #expect(throws: TensorsError.self) { try schedule.step() }
    }

    /// A plateau schedule saved mid-run (counters included) in a model file's metadata continues identically.
    @Test func plateauStateSurvivesSaving() throws {
        let golden = try OptimizerGolden.load().schedules
        let expected = golden.plateau
        let metrics = try #require(expected.metrics)
        var schedule = try plateau(expected)
        _ = try rates(&schedule, epochs: 4, metrics: metrics)
        #expect(schedule.badEpochs == 1)

        var file = ModelFile()
        try file.setMetadata(schedule, forKey: "schedule")
        var restored = try #require(try file.metadata(ReduceOnPlateauSchedule.self, forKey: "schedule"))
        #expect(restored == schedule)
        var remaining: [Float] = []
        for epoch in 4..<golden.epochs {
            remaining.append(restored.learningRate)
            try restored.step(metric: metrics[epoch])
        }
        expectNear(remaining, Array(expected.rates[4...]), "resumed ReduceLROnPlateau")
    }

    @Test func invalidSettingsAreRefused() {
        #expect(throws: TensorsError.self) { try StepDecaySchedule(initialLearningRate: 0.1, stepEpochs: 0) }
        #expect(throws: TensorsError.self) {
            try CosineAnnealingSchedule(initialLearningRate: 0.1, periodEpochs: 10, minimumLearningRate: 0.2)
        }
        #expect(throws: TensorsError.self) {
            try ReduceOnPlateauSchedule(initialLearningRate: 0.1, options: .init(factor: 1))
        }
    }
}
