import Foundation

extension TrainingRun {
    /// How far the run is, 0...1: by the time budget or the epochs, whichever is further.
    func runFraction() -> Double {
        var fraction = 0.0
        if let budget = options.timeBudgetSeconds { fraction = max(fraction, elapsed / budget) }
        if let epochs = options.epochs {
            fraction = max(fraction, Double(progress.steps) / Double(epochs * stepsPerEpoch))
        }
        return min(1, fraction)
    }

    /// The checkpoint-ensemble cycle a point of the run belongs to: the run split into `ensembleSize` equal parts.
    func cycleIndex() -> Int {
        min(options.ensembleSize - 1, Int(runFraction() * Double(options.ensembleSize)))
    }

    /// The rate for the next step under `options.schedule`; a cosine restarts with each ensemble cycle.
    func learningRate() -> Float {
        switch options.schedule {
        case .constant: return options.learningRate
        case .plateau: return progress.plateau?.learningRate ?? options.learningRate
        case .cosine:
            let fraction = runFraction() * Double(options.ensembleSize)
            let withinCycle = min(1, max(0, fraction - Double(progress.cycle ?? 0)))
            let cosine = 0.5 * (1 + Foundation.cos(Double.pi * withinCycle))
            return options.learningRate * Float(0.01 + 0.99 * cosine)
        }
    }

    /// Seconds until the budget or the last epoch ends, whichever comes first.
    func eta() -> Double? {
        var estimates: [Double] = []
        if let budget = options.timeBudgetSeconds { estimates.append(max(0, budget - elapsed)) }
        if let epochs = options.epochs, progress.steps > 0 {
            let remaining = epochs * stepsPerEpoch - progress.steps
            estimates.append(max(0, Double(remaining) * elapsed / Double(progress.steps)))
        }
        return estimates.min()
    }
}
