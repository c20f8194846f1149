import Accounts
import Foundation
import Logging
import Storage

/// Every service of one server, built over one store and one data folder. Routes reach the services through
/// this container; tests build it directly to exercise services without HTTP.
final class ServerServices: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let blobs: BlobStore
    let logger: Logger
    /// The data folder's lock, held while the services live (nil for tests over temporary folders).
    let folderLock: DataFolderLock?
    let renditions: RenditionService
    let inference: InferenceService
    let exports: PredictionExports
    let models: ModelCatalog
    let images: ImageLibrary
    let scribbles: ScribbleStore
    let predictions: Predictions
    let activeLearning: ActiveLearning
    let events: EventHub
    let runner: JobRunner
    let jobs: TrainingJobs
    let projects: ProjectService
    let access: ProjectAccess
    let members: ProjectMembers
    let audit: AuditLog
    let workspaces: Workspaces
    let rateLimiter: RequestRateLimiter
    let accounts: AccountService

    init(
        configuration: ServerConfiguration, store: any Store, logger: Logger, folderLock: DataFolderLock? = nil
    ) throws {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.folderLock = folderLock
        // Started now, by the thread setting the server up: threads inherit their creator's priority, and a
        // pool first used from a background or training thread would serve every request at that priority.
        _ = BlockingWorkPool.shared
        let blobs = try BlobStore(root: configuration.dataFolder, reserveBytes: configuration.reserveBytes)
        self.blobs = blobs
        renditions = RenditionService(blobs: blobs, cacheBytes: configuration.cacheBytes / 2)
        inference = InferenceService(
            blobs: blobs, store: store, passes: configuration.uncertaintyPasses,
            cacheBytes: configuration.cacheBytes / 2, maxQueued: configuration.limits.maxQueuedPredictions,
            metrics: configuration.metrics)
        exports = PredictionExports(blobs: blobs)
        models = ModelCatalog(store: store, blobs: blobs)
        let readLimits = configuration.limits.readLimits(maxUploadBytes: configuration.maxUploadBytes)
        images = ImageLibrary(
            store: store, blobs: blobs, renditions: renditions, inference: inference, metrics: configuration.metrics,
            readLimits: readLimits)
        scribbles = ScribbleStore(store: store, blobs: blobs, readLimits: readLimits)
        predictions = Predictions(store: store, models: models, inference: inference, exports: exports)
        activeLearning = ActiveLearning(store: store, models: models, inference: inference)
        events = EventHub(maxSubscribers: configuration.limits.maxEventStreams)
        runner = JobRunner(
            store: store, blobs: blobs, events: events, inference: inference, models: models,
            concurrentTrainings: configuration.concurrentTrainings, maxAttempts: configuration.maxJobAttempts,
            maxTrainingSeconds: configuration.limits.maxTrainingSeconds,
            metrics: configuration.metrics, logger: logger)
        jobs = TrainingJobs(
            store: store, models: models, runner: runner, events: events,
            memoryBudgetBytes: configuration.limits.trainingMemoryBytes / max(1, configuration.concurrentTrainings))
        projects = ProjectService(store: store, blobs: blobs, jobs: jobs)
        access = ProjectAccess(store: store)
        members = ProjectMembers(store: store, access: access)
        audit = AuditLog(store: store, logger: logger)
        workspaces = Workspaces(store: store, access: access)
        accounts = AccountService(store: store, policy: configuration.access.accountPolicy)
        rateLimiter = RequestRateLimiter(
            perMinute: configuration.limits.requestsPerMinute, burst: configuration.limits.requestBurst)
    }
}
