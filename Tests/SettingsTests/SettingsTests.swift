import Settings
import Testing

@Suite struct TrainingLimitsTests {
    @Test func integerLimitsCheckTheRangeAndTheStep() throws {
        let patch = TrainingLimits.patchExtent
        #expect(patch.contains(16) && patch.contains(100) && patch.contains(512))
        #expect(!patch.contains(8) && !patch.contains(520))
        #expect(throws: InvalidSetting(.patchShape, value: "600", allowed: "16 to 512")) { try patch.check(600) }
        let stepped = SettingLimit<Int>(.patchShape, 16...512, multipleOf: 8)
        #expect(stepped.contains(96) && !stepped.contains(100))
        #expect(stepped.allowed == "a multiple of 8 from 16 to 512")
        #expect(TrainingLimits.batchSize.allowed == "1 to 64")
    }

    @Test func floatingLimitsRefuseNaNAndInfinity() {
        let budget = TrainingLimits.timeBudgetSeconds
        #expect(budget.contains(60) && !budget.contains(.nan) && !budget.contains(.infinity) && !budget.contains(0.5))
        #expect(budget.allowed == "from 1 to 86400")
        #expect(TrainingLimits.learningRate.allowed == "from 1e-08 to 1")
    }
}

@Suite struct TrainingSettingsTests {
    @Test func validSettingsPass() throws {
        try TrainingSettings().validate()
        try TrainingSettings(
            timeBudgetSeconds: 60, epochs: 3, learningRate: 1e-3, patchSize: 128, batchSize: 8, ensembleSize: 2,
            previewEvery: 0
        ).validate()
    }

    @Test(
        "each field out of range is named",
        arguments: [
            (TrainingSettings(timeBudgetSeconds: 0), TrainingSetting.timeBudgetSeconds),
            (TrainingSettings(epochs: 0), .epochs),
            (TrainingSettings(learningRate: 2), .learningRate),
            (TrainingSettings(patchSize: 600), .patchShape),
            (TrainingSettings(batchSize: 65), .batchSize),
            (TrainingSettings(ensembleSize: 11), .ensembleSize),
            (TrainingSettings(previewEvery: -1), .previewEvery),
        ])
    func outOfRange(settings: TrainingSettings, setting: TrainingSetting) {
        #expect { try settings.validate() } throws: { ($0 as? InvalidSetting)?.setting == setting }
    }

    @Test func gapsAreFilledButAStopConditionIsNotMixedIn() {
        let project = TrainingSettings(timeBudgetSeconds: 60, learningRate: 0.001, patchSize: 128)
        let job = TrainingSettings(epochs: 3, patchSize: 64)
        let filled = job.filled(from: project)
        #expect(filled.epochs == 3 && filled.timeBudgetSeconds == nil)
        #expect(filled.patchSize == 64 && filled.learningRate == 0.001)
        #expect(filled.effectiveTimeBudgetSeconds == nil)
        #expect(TrainingSettings().effectiveTimeBudgetSeconds == TrainingSettings.interactiveTimeBudgetSeconds)
    }

    @Test func messagesNameTheSettingAsTheFrontEndCallsIt() {
        let invalid = InvalidSetting(.batchSize, value: "2000", allowed: "1 to 64")
        #expect(invalid.description == "batch size must be 1 to 64, not 2000")
        #expect(invalid.rendered(name: "--batch-size") == "--batch-size must be 1 to 64, not 2000")
        let explained = InvalidSetting(.learningRate, value: "0.5", allowed: "smaller", context: "the loss became nan")
        #expect(
            explained.rendered(name: "learningRate") == "learningRate must be smaller, not 0.5 (the loss became nan)")
    }
}
