import Settings
import Testing

@testable import Training

@Suite struct MemoryEstimateTests {
    static func options(batch: Int, patch: Int, dimensions: Int = 2) -> TrainingOptions {
        var options = TrainingOptions()
        options.dimensions = dimensions
        options.batchSize = batch
        options.patchShape = dimensions == 3 ? [16, patch, patch] : [patch, patch]
        return options
    }

    @Test("the estimate covers the peak memory measured on the DSB crops, with a margin under 40%")
    func estimateCoversMeasurements() {
        // Peak RSS of `cellscribe train` (debug build, default widths), MB, measured with /usr/bin/time -v.
        for (batch, patch, measured) in [(2, 128, 314.0), (8, 128, 616.0), (4, 256, 1113.0)] {
            let estimate = Double(Self.options(batch: batch, patch: patch).estimatedStepBytes) / Double(1 << 20)
            #expect(estimate >= measured && estimate <= measured * 1.4, "\(batch)x\(patch)²: \(estimate) MB")
        }
        #expect(
            Self.options(batch: 2, patch: 96, dimensions: 3).estimatedStepBytes
                > Self.options(batch: 2, patch: 96).estimatedStepBytes)
        #expect(Self.options(batch: 64, patch: 512).estimatedStepBytes > 60_000_000_000)
    }

    @Test func aStepThatWouldNotFitIsRefusedWithTheLargestBatchThatDoes() {
        let budget = 2 << 30
        #expect(throws: Never.self) { try Self.options(batch: 8, patch: 128).checkMemory(budgetBytes: budget) }
        #expect {
            try Self.options(batch: 64, patch: 512).checkMemory(budgetBytes: budget / 4)
        } throws: { error in
            guard case TrainingError.invalidSetting(let invalid) = error else { return false }
            return invalid.setting == .batchSize && invalid.allowed == "smaller, with smaller patches"
        }
        #expect {
            try Self.options(batch: 32, patch: 256).checkMemory(budgetBytes: budget)
        } throws: { error in
            guard case TrainingError.invalidSetting(let invalid) = error else { return false }
            return invalid.allowed == "at most 7 with patches of [256, 256]"
        }
        // The largest batch that fits is computed, not searched for: an absurd batch is answered at once.
        #expect {
            try Self.options(batch: 1 << 40, patch: 128).checkMemory(budgetBytes: budget)
        } throws: { error in
            guard case TrainingError.invalidSetting(let invalid) = error else { return false }
            var fitting = Self.options(batch: 1, patch: 128)
            let allowed = invalid.allowed.split(separator: " ")
            guard allowed.count > 2, let largest = Int(allowed[2]) else { return false }
            fitting.batchSize = largest
            let fits = fitting.estimatedStepBytes <= budget
            fitting.batchSize = largest + 1
            return fits && fitting.estimatedStepBytes > budget
        }
    }
}
