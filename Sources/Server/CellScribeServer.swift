import Foundation
import Hummingbird
import Logging
import Storage

/// The interactive server: builds the router and the job runner over a data folder.
public enum CellScribeServer {
    /// The Hummingbird application for `configuration` (SQLite database in the data folder). With
    /// `sampleManifest`, the sample project it describes is created first unless it exists.
    public static func application(
        configuration: ServerConfiguration, sampleManifest: URL? = nil, logger: Logger = Logger(label: "cellscribe")
    ) async throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(at: configuration.dataFolder, withIntermediateDirectories: true)
        let store = try SQLiteStore(url: configuration.dataFolder.appendingPathComponent("cellscribe.sqlite"))
        if let sampleManifest {
            let id = try await SampleProject.install(
                manifest: sampleManifest, store: store, blobs: try BlobStore(root: configuration.dataFolder))
            logger.info("sample project \(id) is ready")
        }
        return try application(configuration: configuration, store: store, logger: logger)
    }

    /// The application over a given store (tests use an in-memory database).
    public static func application(
        configuration: ServerConfiguration, store: any Store, logger: Logger = Logger(label: "cellscribe")
    ) throws -> some ApplicationProtocol {
        let context = try ServerContext(configuration: configuration, store: store, logger: logger)
        return Application(
            router: router(context: context),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "CellScribe"),
            services: [context.jobs],
            logger: logger)
    }

    /// Every route, with the middleware that maps errors and records metrics.
    static func router(context: ServerContext) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        InfoRoutes.add(to: router, context: context)
        ProjectRoutes.add(to: router, context: context)
        ImageRoutes.add(to: router, context: context)
        ScribbleRoutes.add(to: router, context: context)
        JobRoutes.add(to: router, context: context)
        PredictionRoutes.add(to: router, context: context)
        ModelRoutes.add(to: router, context: context)
        ActiveLearningRoutes.add(to: router, context: context)
        ClientRoutes.add(to: router)
        return router
    }
}
