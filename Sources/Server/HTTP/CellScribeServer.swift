import Foundation
import Hummingbird
import Logging
import Storage

/// The interactive server: the services over a data folder, the router over the services, the job runner.
public enum CellScribeServer {
    /// The Hummingbird application for `configuration` (SQLite database in the data folder, which this process
    /// then holds alone). What a crash left behind is swept first. With `sampleManifest`, the sample project it
    /// describes is created unless it exists.
    ///
    /// - Throws: `StorageError.folderInUse` when another server holds the data folder.
    public static func application(
        configuration: ServerConfiguration, sampleManifest: URL? = nil, logger: Logger = Logger(label: "cellscribe")
    ) async throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(at: configuration.dataFolder, withIntermediateDirectories: true)
        let lock = try DataFolderLock(folder: configuration.dataFolder)
        let store = try SQLiteStore(url: configuration.dataFolder.appendingPathComponent("cellscribe.sqlite"))
        let services = try ServerServices(configuration: configuration, store: store, logger: logger, folderLock: lock)
        let orphans = try await OrphanSweep.run(store: store, blobs: services.blobs)
        if !orphans.isEmpty {
            logger.notice(
                "removed \(orphans.count) file(s) a crash left unrecorded: \(orphans.prefix(10).joined(separator: ", "))"
            )
        }
        if let sampleManifest {
            let id = try await SampleProject.install(manifest: sampleManifest, services: services)
            logger.info("sample project \(id) is ready")
        }
        return application(services: services)
    }

    /// The application over a given store (tests use an in-memory database).
    public static func application(
        configuration: ServerConfiguration, store: any Store, logger: Logger = Logger(label: "cellscribe")
    ) throws -> some ApplicationProtocol {
        application(services: try ServerServices(configuration: configuration, store: store, logger: logger))
    }

    static func application(services: ServerServices) -> some ApplicationProtocol {
        let configuration = services.configuration
        return Application(
            router: router(services: services),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.limits.idleTimeoutSeconds)))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "CellScribe"),
            services: [services.runner],
            logger: services.logger)
    }

    /// Every route, with the middleware that maps errors and records metrics.
    static func router(services: ServerServices) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        let uploads = UploadSpool(
            blobs: services.blobs, limit: services.configuration.maxUploadBytes,
            maxFiles: services.configuration.limits.maxUploadFiles,
            minimumBytesPerSecond: services.configuration.limits.minimumUploadBytesPerSecond,
            slowBodyGraceSeconds: services.configuration.limits.idleTimeoutSeconds)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RateLimitMiddleware(limiter: services.rateLimiter))
        InfoRoutes.add(to: router, services: services)
        ProjectRoutes.add(to: router, services: services)
        ImageRoutes.add(to: router, services: services, uploads: uploads)
        ScribbleRoutes.add(to: router, services: services, uploads: uploads)
        JobRoutes.add(to: router, services: services)
        PredictionRoutes.add(to: router, services: services)
        ModelRoutes.add(to: router, services: services, uploads: uploads)
        ActiveLearningRoutes.add(to: router, services: services)
        ClientRoutes.add(to: router)
        return router
    }
}
