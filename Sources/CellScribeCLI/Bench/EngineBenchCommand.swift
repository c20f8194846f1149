import ArgumentParser
import Foundation
import Tensors

/// `cellscribe bench engine`: the compute engine on the reference workloads of the PyTorch peer.
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time U-Net training steps and inference on the engine.",
        discussion: """
            Runs the workloads of the PyTorch reference (same network, widths, dropout, batch, patch, loss and \
            Adam) and a 4096x4096 matrix product as the machine's yardstick: \
            \(EngineWorkload.all.map(\.name).joined(separator: ", ")). Each workload runs in its own process so \
            that peak_rss_mb is that workload's alone. Prints one JSON line per workload with workload, what, \
            stack, threads, median_ms, min_ms, max_ms, peak_rss_mb, gflop (per step, convolutions counted as \
            direct ones) and gflop_per_s.
            """
    )

    @OptionGroup var threads: ThreadOptions

    @Option(help: "Timed repetitions per workload.")
    var runs = 5

    @Option(help: "Untimed repetitions before timing.")
    var warmup = 2

    @Option(help: ArgumentHelp("Run only this workload.", valueName: "name"))
    var only: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, not \(runs)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, not \(warmup)") }
        if let only, EngineWorkload.named(only) == nil {
            let names = EngineWorkload.all.map(\.name).joined(separator: ", ")
            throw ValidationError("no workload named '\(only)'; choose one of \(names)")
        }
    }

    func run() throws {
        let threadCount = try threads.apply()
        guard let only, let workload = EngineWorkload.named(only) else {
            for workload in EngineWorkload.all { try runInChildProcess(workload.name, threadCount: threadCount) }
            return
        }
        let result = try workload.measure(runs: runs, warmup: warmup)
        print(try result.jsonLine(threads: threadCount))
    }

    /// Runs this command again with `--only name`, passing its output through.
    private func runInChildProcess(_ name: String, threadCount: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "bench", "engine", "--only", name, "--threads", "\(threadCount)", "--runs", "\(runs)", "--warmup",
            "\(warmup)",
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("workload \(name) failed (exit status \(process.terminationStatus))")
        }
    }
}
