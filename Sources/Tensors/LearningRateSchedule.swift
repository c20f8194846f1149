import Foundation

/// A learning rate that changes from epoch to epoch. Schedules are values: `Codable`, so a run's schedule,
/// counters included, can be saved with the model (`ModelFile.setMetadata(_:forKey:)`) and resumed exactly.
///
/// Use: before each epoch set `optimizer.learningRate = schedule.learningRate`; after it, call
/// `schedule.step(metric: validationLoss)`. The schedules follow PyTorch's `StepLR`, `CosineAnnealingLR` and
/// `ReduceLROnPlateau`.
public protocol LearningRateSchedule: Codable, Sendable {
    /// The learning rate for the current epoch.
    var learningRate: Float { get }
    /// Epochs completed so far (calls of `step`).
    var epoch: Int { get }
    /// Ends an epoch. `metric` is the epoch's validation metric, lower is better; only schedules that react
    /// to it read it.
    ///
    /// - Throws: `TensorsError.invalidArgument` when a schedule that needs the metric gets nil.
    mutating func step(metric: Float?) throws
}

extension LearningRateSchedule {
    /// Ends an epoch without a metric.
    public mutating func step() throws { try step(metric: nil) }
}

/// Multiplies the learning rate by `gamma` every `stepEpochs` epochs (PyTorch's `StepLR`):
/// `initialLearningRate · gamma^⌊epoch / stepEpochs⌋`.
public struct StepDecaySchedule: LearningRateSchedule, Equatable {
    public let initialLearningRate: Float
    public let stepEpochs: Int
    public let gamma: Float
    public private(set) var epoch = 0

    /// - Throws: `TensorsError.invalidArgument` unless the rate is ≥ 0, `stepEpochs` ≥ 1 and `gamma` in [0, 1].
    public init(initialLearningRate: Float, stepEpochs: Int, gamma: Float = 0.1) throws {
        let op = "StepDecaySchedule"
        try validate(initialLearningRate, "the initial learning rate", in: 0...Float.greatestFiniteMagnitude, op: op)
        try validate(gamma, "gamma", in: 0...1, op: op)
        guard stepEpochs >= 1 else {
            throw TensorsError.invalidArgument(op: op, reason: "stepEpochs must be at least 1; got \(stepEpochs)")
        }
        self.initialLearningRate = initialLearningRate
        self.stepEpochs = stepEpochs
        self.gamma = gamma
    }

    public var learningRate: Float { learningRate(forEpoch: epoch) }

    /// The learning rate of epoch `epoch` (0-based).
    public func learningRate(forEpoch epoch: Int) -> Float {
        Float(Double(initialLearningRate) * pow(Double(gamma), Double(epoch / stepEpochs)))
    }

    public mutating func step(metric: Float?) { epoch += 1 }
}

/// Anneals the learning rate along a half cosine from `initialLearningRate` to `minimumLearningRate` over
/// `periodEpochs` epochs (PyTorch's `CosineAnnealingLR`; past the period the cosine continues, rising again):
/// `min + (initial − min) · (1 + cos(π · epoch / periodEpochs)) / 2`.
public struct CosineAnnealingSchedule: LearningRateSchedule, Equatable {
    public let initialLearningRate: Float
    public let periodEpochs: Int
    public let minimumLearningRate: Float
    public private(set) var epoch = 0

    /// - Throws: `TensorsError.invalidArgument` unless `periodEpochs` ≥ 1 and 0 ≤ minimum ≤ initial rate.
    public init(initialLearningRate: Float, periodEpochs: Int, minimumLearningRate: Float = 0) throws {
        let op = "CosineAnnealingSchedule"
        try validate(initialLearningRate, "the initial learning rate", in: 0...Float.greatestFiniteMagnitude, op: op)
        try validate(minimumLearningRate, "the minimum learning rate", in: 0...initialLearningRate, op: op)
        guard periodEpochs >= 1 else {
            throw TensorsError.invalidArgument(op: op, reason: "periodEpochs must be at least 1; got \(periodEpochs)")
        }
        self.initialLearningRate = initialLearningRate
        self.periodEpochs = periodEpochs
        self.minimumLearningRate = minimumLearningRate
    }

    public var learningRate: Float { learningRate(forEpoch: epoch) }

    /// The learning rate of epoch `epoch` (0-based).
    public func learningRate(forEpoch epoch: Int) -> Float {
        let (initial, minimum) = (Double(initialLearningRate), Double(minimumLearningRate))
        let phase = Double.pi * Double(epoch) / Double(periodEpochs)
        return Float(minimum + (initial - minimum) * (1 + cos(phase)) / 2)
    }

    public mutating func step(metric: Float?) { epoch += 1 }
}
