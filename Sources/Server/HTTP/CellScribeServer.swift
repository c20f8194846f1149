import Accounts
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
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
        try await checkAccess(services: services)
        return try application(services: services)
    }

    /// Refuses to serve a non-loopback address without accounts (anyone on the network would own the data), and
    /// warns when it would serve one without TLS (passwords and tokens would cross the network readable).
    static func checkAccess(services: ServerServices) async throws {
        let configuration = services.configuration
        guard !HostPolicy.isLoopback(configuration.host) else { return }
        guard try await services.accounts.hasAccounts() else {
            throw ServerStartupError.accountsRequired(host: configuration.host)
        }
        if configuration.access.tls == nil {
            services.logger.warning(
                """
                serving \(configuration.host) without TLS: passwords, tokens and images cross the network readable; \
                give --tls-cert and --tls-key, or put a TLS proxy in front
                """)
        }
    }

    /// The application over a given store (tests use an in-memory database).
    public static func application(
        configuration: ServerConfiguration, store: any Store, logger: Logger = Logger(label: "cellscribe")
    ) throws -> some ApplicationProtocol {
        try application(services: try ServerServices(configuration: configuration, store: store, logger: logger))
    }

    static func application(services: ServerServices) throws -> some ApplicationProtocol {
        let configuration = services.configuration
        let http = HTTPServerBuilder.http1(
            configuration: .init(idleTimeout: .seconds(Int64(configuration.limits.idleTimeoutSeconds))))
        return Application(
            router: router(services: services),
            server: try configuration.access.tls.map { try .tls(http, tlsConfiguration: try tlsConfiguration($0)) }
                ?? http,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "CellScribe"),
            services: [services.runner],
            logger: services.logger)
    }

    /// The TLS set-up for `files`.
    ///
    /// - Throws: `ServerStartupError.tls` naming the file that cannot be used.
    static func tlsConfiguration(_ files: TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain.path)
        } catch {
            throw ServerStartupError.tls(
                "the certificate \(files.certificateChain.path) cannot be read as PEM: \(error)")
        }
        guard !chain.isEmpty else {
            throw ServerStartupError.tls("the certificate file \(files.certificateChain.path) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey.path, format: .pem)
        } catch {
            throw ServerStartupError.tls("the private key \(files.privateKey.path) cannot be read as PEM: \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    /// Every route, with the middleware that maps errors and records metrics.
    static func router(services: ServerServices) -> Router<ServerRequestContext> {
        let configuration = services.configuration
        let router = Router(context: ServerRequestContext.self)
        let uploads = UploadSpool(
            blobs: services.blobs, limit: configuration.maxUploadBytes, maxFiles: configuration.limits.maxUploadFiles,
            minimumBytesPerSecond: configuration.limits.minimumUploadBytesPerSecond,
            slowBodyGraceSeconds: configuration.limits.idleTimeoutSeconds)
        let access = configuration.access
        let gate = AccessGate(
            accounts: services.accounts,
            cookie: SessionCookie(tls: access.tls != nil, lifetimeSeconds: access.accountPolicy.sessionLifetimeSeconds),
            loopback: HostPolicy.isLoopback(configuration.host),
            publicFiles: Set(BundledResources.clientFiles.map(\.path)))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(
            middleware: RequestOriginMiddleware(
                hosts: HostPolicy(boundHost: configuration.host, allowedHosts: access.allowedHosts),
                tls: access.tls != nil))
        router.add(middleware: RateLimitMiddleware(limiter: services.rateLimiter))
        router.add(middleware: AuthenticationMiddleware(gate: gate))
        InfoRoutes.add(to: router, services: services)
        AccountRoutes.add(to: router, services: services, gate: gate)
        UserRoutes.add(to: router, services: services, gate: gate)
        ProjectRoutes.add(to: router, services: services)
        MemberRoutes.add(to: router, services: services)
        AuditRoutes.add(to: router, services: services, gate: gate)
        WorkspaceRoutes.add(to: router, services: services)
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
