/// Lowers the learning rate when the validation metric stops improving (PyTorch's `ReduceLROnPlateau` in mode
/// "min" with a relative threshold).
///
/// An epoch improves when `metric < best · (1 − threshold)`. After more than `patience` epochs in a row without
/// improvement the rate is multiplied by `factor` (never below `minimumLearningRate`), then `cooldown` epochs
/// pass in which bad epochs are not counted.
public struct ReduceOnPlateauSchedule: LearningRateSchedule, Equatable {
    /// When and how much to reduce; defaults are PyTorch's.
    public struct Options: Codable, Sendable, Equatable {
        /// Multiplier applied on a plateau, in (0, 1).
        public var factor: Float
        /// Epochs without improvement tolerated before reducing.
        public var patience: Int
        /// Relative improvement needed to count as better.
        public var threshold: Float
        /// Epochs after a reduction during which bad epochs are not counted.
        public var cooldown: Int
        /// The rate is never reduced below this.
        public var minimumLearningRate: Float

        public init(
            factor: Float = 0.1, patience: Int = 10, threshold: Float = 1e-4, cooldown: Int = 0,
            minimumLearningRate: Float = 0
        ) {
            self.factor = factor
            self.patience = patience
            self.threshold = threshold
            self.cooldown = cooldown
            self.minimumLearningRate = minimumLearningRate
        }
    }

    public let options: Options
    public private(set) var learningRate: Float
    public private(set) var epoch = 0
    /// The best metric seen so far (nil before the first epoch).
    public private(set) var best: Float?
    /// Epochs in a row without improvement.
    public private(set) var badEpochs = 0
    /// Cooldown epochs still to pass.
    public private(set) var cooldownRemaining = 0

    /// - Throws: `TensorsError.invalidArgument` for a factor outside (0, 1), negative counts or thresholds, or
    ///   a negative rate.
    public init(initialLearningRate: Float, options: Options = Options()) throws {
        let op = "ReduceOnPlateauSchedule"
        let unbounded = Float.greatestFiniteMagnitude
        try validate(initialLearningRate, "the initial learning rate", in: 0...unbounded, op: op)
        try validate(options.factor, "factor", in: Float.leastNonzeroMagnitude...Float(1).nextDown, op: op)
        try validate(options.threshold, "threshold", in: 0...1, op: op)
        try validate(options.minimumLearningRate, "the minimum learning rate", in: 0...unbounded, op: op)
        guard options.patience >= 0, options.cooldown >= 0 else {
            throw TensorsError.invalidArgument(
                op: op, reason: "patience and cooldown must be ≥ 0; got \(options.patience), \(options.cooldown)")
        }
        self.options = options
        self.learningRate = initialLearningRate
    }

    /// Ends an epoch whose validation metric was `metric`.
    ///
    /// - Throws: `TensorsError.invalidArgument` when `metric` is nil.
    public mutating func step(metric: Float?) throws {
        guard let metric else {
            throw TensorsError.invalidArgument(
                op: "ReduceOnPlateauSchedule", reason: "step(metric:) needs the epoch's validation metric")
        }
        epoch += 1
        if isImprovement(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badEpochs = 0
        }
        if badEpochs > options.patience {
            reduce()
            cooldownRemaining = options.cooldown
            badEpochs = 0
        }
    }

    private func isImprovement(_ metric: Float) -> Bool {
        guard let best else { return !metric.isNaN }
        return Double(metric) < Double(best) * (1 - Double(options.threshold))
    }

    private mutating func reduce() {
        let reduced = max(Double(learningRate) * Double(options.factor), Double(options.minimumLearningRate))
        // PyTorch ignores reductions smaller than 1e-8.
        if Double(learningRate) - reduced > 1e-8 { learningRate = Float(reduced) }
    }
}
