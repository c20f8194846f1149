import Foundation
import Logging
import Storage

/// What every route needs: the configuration, the database, the files, the caches and the job runner.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let store: any Store
    let blobs: BlobStore
    let renditions: RenditionService
    let inference: InferenceService
    let events: EventHub
    let jobs: JobRunner
    let logger: Logger

    init(configuration: ServerConfiguration, store: any Store, logger: Logger) throws {
        self.configuration = configuration
        self.store = store
        self.blobs = try BlobStore(root: configuration.dataFolder)
        self.logger = logger
        self.renditions = RenditionService(blobs: blobs, cacheBytes: configuration.cacheBytes / 2)
        self.inference = InferenceService(
            blobs: blobs, store: store, passes: configuration.uncertaintyPasses, cacheBytes: configuration.cacheBytes / 2,
            metrics: configuration.metrics)
        self.events = EventHub()
        self.jobs = JobRunner(
            store: store, blobs: blobs, events: events, inference: inference,
            concurrentTrainings: configuration.concurrentTrainings, maxAttempts: configuration.maxJobAttempts,
            metrics: configuration.metrics, logger: logger)
    }

    /// The id in path parameter `name`, checked to look like an id (anything else cannot exist: 404).
    static func id(_ value: String?, kind: String) throws -> String {
        guard let value, StoreIDs.isValid(value) else { throw ServerError.notFound("no \(kind) with id '\(value ?? "")'") }
        return value
    }
}
