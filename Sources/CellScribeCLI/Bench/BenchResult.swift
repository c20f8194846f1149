import Foundation
import Tensors

/// Timings of one workload, in milliseconds, and the process's peak resident memory.
struct BenchResult {
    let workload: String
    let what: String
    let milliseconds: [Double]
    /// Floating-point operations per step, in billions (convolutions counted as direct ones).
    let gigaflops: Double
    let peakResidentMegabytes: Double?

    static var stack: String { "cellscribe \(CellScribe.version) onednn \(Engine.libraryVersion)" }

    /// One JSON object on one line, fields in the PyTorch reference's order plus peak_rss_mb, gflop (per step)
    /// and gflop_per_s (at the median).
    func jsonLine(threads: Int) throws -> String {
        let sorted = milliseconds.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        return try OrderedJSON.object([
            ("workload", workload), ("what", what), ("stack", Self.stack), ("threads", threads),
            ("median_ms", rounded(median)), ("min_ms", rounded(sorted[0])),
            ("max_ms", rounded(sorted[sorted.count - 1])),
            ("peak_rss_mb", peakResidentMegabytes.map(rounded)), ("gflop", rounded(gigaflops)),
            ("gflop_per_s", rounded(gigaflops / (median / 1000))),
        ])
    }
}

/// The peak resident set size of this process so far (Linux `VmHWM`), in MiB; nil where unavailable.
func peakResidentMegabytes() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
        return kilobytes.map { $0 / 1024 }
    }
    return nil
}
