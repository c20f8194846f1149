import ArgumentParser
import Foundation
import Logging
import Server
import Settings
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
            --sample, the project a manifest describes (Samples/sample-project.json) is created first. On \
            127.0.0.1 with no accounts the server is single-user (no sign-in; other web pages are refused); once \
            'cellscribe users add' has made an account, every request must sign in or carry an API token. Any \
            other --host needs accounts, and should have --tls-cert and --tls-key.
            """
    )

    /// The server's defaults: every option without a value keeps these.
    static let defaults = ServerConfiguration(dataFolder: URL(fileURLWithPath: "cellscribe-data"))

    @Option(help: ArgumentHelp("Data folder (created if missing; one server at a time).", valueName: "dir"))
    var data: String = Self.defaults.dataFolder.relativePath
    @Option(help: "Address to listen on.") var host: String = Self.defaults.host
    @Option(help: "Port to listen on.") var port: Int = Self.defaults.port
    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "A host name clients may use to reach the server (repeatable; on 127.0.0.1 only loopback names are "
                + "answered otherwise, on other addresses any).", valueName: "name"))
    var allowedHosts: [String] = []
    @Option(help: ArgumentHelp("TLS certificate chain, PEM (with --tls-key).", valueName: "file"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("TLS private key, PEM (with --tls-cert).", valueName: "file"))
    var tlsKey: String?
    @Option(help: ArgumentHelp("Largest accepted upload, MiB.", valueName: "mib"))
    var maxUploadMb: Int = Self.defaults.maxUploadBytes >> 20
    @Option(
        help: ArgumentHelp(
            "Free space to keep on the data folder's disk, MiB (fuller: writes get 507).", valueName: "mib"))
    var reserveMb: Int = Self.defaults.reserveBytes >> 20
    @Option(
        help: ArgumentHelp(
            "Requests one client address may send per minute on average (more get 429; 0: no limit).", valueName: "n"))
    var requestsPerMinute: Int = Self.defaults.limits.requestsPerMinute
    @Option(
        help: ArgumentHelp(
            "Close a connection that sends nothing (or no whole request head) for this long, seconds.", valueName: "s"))
    var idleTimeout: Int = Self.defaults.limits.idleTimeoutSeconds
    @Option(help: ArgumentHelp("Longest any training job may run, seconds.", valueName: "s"))
    var maxTrainingSeconds: Double = Self.defaults.limits.maxTrainingSeconds
    @Option(
        help: ArgumentHelp(
            "Largest image accepted, million samples: pixels x channels x slices (default "
                + "\(Self.defaults.limits.maxImageSamples) samples).", valueName: "m"))
    var maxImageMegasamples: Int?
    @Option(help: ArgumentHelp("Training jobs that may run at once.", valueName: "n"))
    var concurrentTrainings: Int = Self.defaults.concurrentTrainings
    @Option(help: ArgumentHelp("Create the sample project this manifest describes.", valueName: "file"))
    var sample: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535, not \(port)") }
        guard (1...65_536).contains(maxUploadMb) else {
            throw ValidationError("--max-upload-mb must be 1 to 65536, not \(maxUploadMb)")
        }
        guard (0...1 << 30).contains(reserveMb) else {
            throw ValidationError("--reserve-mb must be 0 or more, not \(reserveMb)")
        }
        guard requestsPerMinute >= 0 else {
            throw ValidationError("--requests-per-minute must be 0 or more, not \(requestsPerMinute)")
        }
        guard (1...86_400).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout must be 1 to 86400 seconds, not \(idleTimeout)")
        }
        guard maxTrainingSeconds >= 1, maxTrainingSeconds <= TrainingLimits.timeBudgetSeconds.maximum else {
            throw ValidationError(
                "--max-training-seconds must be 1 to \(Int(TrainingLimits.timeBudgetSeconds.maximum)), not \(maxTrainingSeconds)"
            )
        }
        if let maxImageMegasamples, !(1...100_000).contains(maxImageMegasamples) {
            throw ValidationError("--max-image-megasamples must be 1 to 100000, not \(maxImageMegasamples)")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let bad = allowedHosts.first(where: { $0.isEmpty || $0.contains("/") || $0.contains(" ") }) {
            throw ValidationError("--allowed-host takes a host name, not '\(bad)'")
        }
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
        configuration.reserveBytes = reserveMb << 20
        configuration.limits.requestsPerMinute = requestsPerMinute
        configuration.limits.maxTrainingSeconds = maxTrainingSeconds
        configuration.limits.idleTimeoutSeconds = idleTimeout
        if let maxImageMegasamples { configuration.limits.maxImageSamples = maxImageMegasamples * 1_000_000 }
        configuration.concurrentTrainings = concurrentTrainings
        configuration.access.allowedHosts = allowedHosts
        if let tlsCert, let tlsKey {
            configuration.access.tls = TLSFiles(
                certificateChain: URL(fileURLWithPath: tlsCert), privateKey: URL(fileURLWithPath: tlsKey))
        }
        configuration.metrics.bootstrap()
        var logger = Logger(label: "cellscribe")
        logger.logLevel = Logger.Level(rawValue: logLevel)!
        let app = try await CellScribeServer.application(
            configuration: configuration, sampleManifest: sample.map { URL(fileURLWithPath: $0) }, logger: logger)
        let scheme = configuration.access.tls == nil ? "http" : "https"
        logger.notice("CellScribe serves \(scheme)://\(host):\(port) (data in \(configuration.dataFolder.path))")
        try await app.runService()
    }
}
