import ArgumentParser

/// The `cellscribe` command.
public struct CellScribe: AsyncParsableCommand {
    public static let version = "0.1.0"
    public static let configuration = CommandConfiguration(
        commandName: "cellscribe",
        abstract: "Interactive cell segmentation from scribbles, on the CPU.",
        version: version,
        subcommands: [
            InfoCommand.self, ScribblesCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self,
            BenchCommand.self, ServeCommand.self,
        ]
    )
    public init() {}
}
