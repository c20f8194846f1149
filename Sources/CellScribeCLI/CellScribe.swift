import ArgumentParser

/// The `cellscribe` command.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct CellScribe: AsyncParsableCommand {
    public static let version = "0.1.0"
    public static let configuration = CommandConfiguration(
        commandName: "cellscribe",
        abstract: "Interactive cell segmentation from scribbles, on the CPU.",
        version: version,
        subcommands: [
            InfoCommand.self, ScribblesCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self,
            BenchCommand.self, ServeCommand.self, UsersCommand.self,
        ]
    )
    public init() {}

    /// Parses the process's arguments and runs the command, awaiting asynchronous ones (`serve`); exits with
    /// the command's status. (Calls the async path explicitly: from top-level code `main()` resolves to the
    /// synchronous overload.)
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: CommandLineErrors.rendered(error))
        }
    }
}
