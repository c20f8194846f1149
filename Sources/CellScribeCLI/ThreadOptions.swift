import ArgumentParser
import Foundation
import Tensors

/// `--threads N`: how many threads the compute engine uses.
struct ThreadOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Threads for the compute engine (default: CELLSCRIBE_THREADS if set, else all cores).",
            valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    /// The thread count from the option, then the environment, then the machine.
    func resolvedThreadCount(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
            return threads
        }
        if let text = environment["CELLSCRIBE_THREADS"] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw ValidationError("CELLSCRIBE_THREADS must be a whole number of at least 1, not '\(text)'")
            }
            return value
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Sizes the engine's thread pool; returns the count used.
    @discardableResult
    func apply() throws -> Int {
        let count = try resolvedThreadCount()
        Engine.cpu.threadCount = count
        return count
    }
}
