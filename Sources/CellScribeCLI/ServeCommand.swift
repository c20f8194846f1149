import ArgumentParser
import Foundation
import Logging
import Server
import Tensors

/// `cellscribe serve`: the interactive server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the interactive server: projects, images, scribbles, training jobs, predictions.",
        discussion: """
            Everything lives in --data: the SQLite database cellscribe.sqlite and the stored images, scribbles, \
            models and job folders. Training jobs run one at a time by default (--concurrent-trainings); \
            predictions are served at any time, also during training. A job interrupted by a stop or a crash \
            resumes from its last checkpoint at the next start. The API is described at /openapi.json. With \
            --sample, the project a manifest describes (Samples/sample-project.json) is created first.
            """
    )

    @Option(help: ArgumentHelp("Data folder (created if missing).", valueName: "dir")) var data: String =
        "cellscribe-data"
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8000
    @Option(help: ArgumentHelp("Largest accepted upload, MiB.", valueName: "mib")) var maxUploadMb: Int = 1024
    @Option(help: ArgumentHelp("Training jobs that may run at once.", valueName: "n")) var concurrentTrainings: Int = 1
    @Option(help: ArgumentHelp("Create the sample project this manifest describes.", valueName: "file"))
    var sample: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535, not \(port)") }
        guard maxUploadMb >= 1 else { throw ValidationError("--max-upload-mb must be at least 1, not \(maxUploadMb)") }
        guard concurrentTrainings >= 1 else {
            throw ValidationError("--concurrent-trainings must be at least 1, not \(concurrentTrainings)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning or error, not '\(logLevel)'")
        }
    }

    func run() async throws {
        try threads.apply()
        var configuration = ServerConfiguration(dataFolder: URL(fileURLWithPath: data))
        configuration.host = host
        configuration.port = port
        configuration.maxUploadBytes = maxUploadMb << 20
        configuration.concurrentTrainings = concurrentTrainings
        configuration.metrics.bootstrap()
        var logger = Logger(label: "cellscribe")
        logger.logLevel = Logger.Level(rawValue: logLevel)!
        let app = try await CellScribeServer.application(
            configuration: configuration, sampleManifest: sample.map { URL(fileURLWithPath: $0) }, logger: logger)
        logger.notice("CellScribe serves http://\(host):\(port) (data in \(configuration.dataFolder.path))")
        try await app.runService()
    }
}
