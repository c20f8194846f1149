import ArgumentParser

/// `cellscribe bench ...`: benchmarks that print JSON lines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and memory; prints one JSON line per workload.",
        subcommands: [EngineBenchCommand.self]
    )
}
