import Basics
import Foundation

extension TrainingOptions {
    /// What a training step's memory is estimated from: a base for the engine and data, and per patch pixel
    /// (voxel) 16 floats for every channel of every level, each level's channels scaled by its share of the
    /// pixels (1/4 per level in 2D, 1/8 in 3D). Measured peak RSS on the DSB crops with the default widths
    /// (32-256): 314, 616 and 1113 MiB at 2x128², 8x128² and 4x256²; the estimate gives 370, 730 and 1210 MiB.
    static let memoryBaseBytes = 250 << 20
    static let memoryFloatsPerChannel = 16

    /// The peak memory one training step is estimated to need, bytes (saturating instead of overflowing).
    public var estimatedStepBytes: Int {
        let bytes = Double(Self.memoryBaseBytes) + Double(effectiveBatchSize) * sampleBytes
        return bytes >= Double(Int.max) ? Int.max : Int(bytes)
    }

    /// What each sample of a batch adds to a step's memory, bytes.
    var sampleBytes: Double {
        let shrink = dimensions == 3 ? 8.0 : 4.0
        let channels = widths.enumerated().reduce(0.0) { $0 + Double($1.element) / pow(shrink, Double($1.offset)) }
        let pixels = effectivePatchShape.reduce(1.0) { $0 * Double($1) }
        return pixels * channels * Double(Self.memoryFloatsPerChannel) * 4
    }

    /// Memory a training run may use by default: 80% of what the process may use (`MachineMemory`).
    public static var defaultMemoryBudgetBytes: Int { MachineMemory.bytes / 10 * 8 }

    /// Refuses a batch and patch whose step would need more than `budgetBytes`, before anything is allocated.
    ///
    /// - Throws: `TrainingError.invalidSetting` naming the batch size, with the largest batch that fits.
    public func checkMemory(budgetBytes: Int) throws {
        let needed = estimatedStepBytes
        guard needed > budgetBytes else { return }
        // The estimate grows linearly with the batch: the largest that fits follows directly.
        let room = Double(budgetBytes) - Double(Self.memoryBaseBytes)
        let fitting = room > 0 && sampleBytes > 0 ? Int(min(Double(effectiveBatchSize - 1), room / sampleBytes)) : 0
        let gigabytes = { (bytes: Int) in String(format: "%.1f GB", Double(bytes) / 1e9) }
        throw TrainingError.invalid(
            .batchSize, effectiveBatchSize,
            fitting > 0 ? "at most \(fitting) with patches of \(effectivePatchShape)" : "smaller, with smaller patches",
            context: "a step would need about \(gigabytes(needed)) of memory; \(gigabytes(budgetBytes)) is available")
    }
}
