import Foundation
import Training

/// Shows training progress: a one-line progress bar with ETA on a terminal (epoch lines otherwise), or with
/// `json` one event per line on standard output (step events at most every `stepInterval` seconds).
final class TrainingDisplay {
    let json: Bool
    let isTerminal: Bool
    let stepInterval: Double
    private var lastStepShown = -Double.infinity
    private var lineOpen = false

    init(json: Bool, isTerminal: Bool = isatty(STDERR_FILENO) == 1, stepInterval: Double = 2) {
        self.json = json
        self.isTerminal = isTerminal
        self.stepInterval = stepInterval
    }

    func show(_ event: TrainingEvent) {
        if json {
            if case .step(let step) = event {
                guard step.elapsedSeconds - lastStepShown >= stepInterval else { return }
                lastStepShown = step.elapsedSeconds
            }
            if let line = try? event.jsonLine() { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            return
        }
        switch event {
        case .started(let start):
            write(Self.describe(start) + "\n")
        case .step(let step) where isTerminal:
            write("\r" + Self.progressBar(step))
            lineOpen = true
        case .epoch(let report):
            finishLine()
            write(Self.describe(report) + "\n")
        case .cycle(let epoch, let members):
            finishLine()
            write("ensemble cycle ended after epoch \(epoch): \(members) network\(members == 1 ? "" : "s") kept\n")
        case .finished(let summary):
            finishLine()
            write(Self.describe(summary) + "\n")
        default: break
        }
    }

    /// Ends an open progress-bar line.
    func finishLine() {
        if lineOpen { write("\n") }
        lineOpen = false
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func describe(_ start: TrainingStart) -> String {
        var limits: [String] = []
        if let epochs = start.epochs { limits.append("\(epochs) epochs") }
        if let budget = start.timeBudgetSeconds { limits.append("\(duration(budget)) budget") }
        let resumed =
            (start.resumedFromEpoch.map { ", resuming after epoch \($0)" } ?? "")
            + (start.recovery.map { " (\($0))" } ?? "")
        return "training \(start.task.rawValue): \(start.trainingImages) images, \(start.validationImages) for "
            + "validation, \(start.parameters) parameters, \(start.stepsPerEpoch) steps per epoch, "
            + limits.joined(separator: " or ") + resumed
    }

    static func progressBar(_ step: TrainingStep, width: Int = 30) -> String {
        let filled = width * step.step / max(step.stepsPerEpoch, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = step.etaSeconds.map { " ETA \(duration($0))" } ?? ""
        return "epoch \(step.epoch) \(bar) \(step.step)/\(step.stepsPerEpoch) loss \(format(step.loss))"
            + " \(duration(step.elapsedSeconds))\(eta)  "
    }

    static func describe(_ report: EpochReport) -> String {
        var parts = [
            "epoch \(report.epoch)", "loss \(format(report.trainingLoss))",
            "lr \(String(format: "%.2g", report.learningRate))",
        ]
        for key in report.validation.keys.sorted() { parts.append("\(key) \(format(report.validation[key]!))") }
        if report.isBest { parts.append("best") }
        parts.append(duration(report.elapsedSeconds))
        if let eta = report.etaSeconds { parts.append("ETA \(duration(eta))") }
        return parts.joined(separator: "  ")
    }

    static func describe(_ summary: TrainingSummary) -> String {
        let best =
            summary.bestScore.map { ", best \(summary.scoreName) \(format($0)) at epoch \(summary.bestEpoch ?? 0)" }
            ?? ""
        let tuned =
            summary.instanceOptions.map { options in
                String(
                    format: "; thresholds chosen on validation: foreground %.2f, seed %.2f (ap50 %.4f)",
                    options.foregroundThreshold, options.seedThreshold, summary.tunedScore ?? 0)
            } ?? ""
        return "finished after \(summary.epochs) epochs (\(summary.steps) steps, \(duration(summary.elapsedSeconds)), "
            + "stopped by \(summary.stopReason))\(best)\(tuned); model: \(summary.modelPath)"
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
