import Foundation
import Settings
import Storage
import Training

/// Training jobs as clients see them: start (settings checked, scribbles required, the parent model chosen),
/// list, status, stop, and a subscription to a job's live events.
struct TrainingJobs: JobStopping {
    /// A job's live events: its state when subscribed, then what happens until it ends (nil when it already has).
    struct Subscription: Sendable {
        var current: JobRecord
        var events: AsyncStream<JobStreamEvent>?
    }

    let store: any Store
    let models: ModelCatalog
    let runner: JobRunner
    let events: EventHub
    /// No job trains longer (`ServerLimits.maxTrainingSeconds`); a job given only epochs stops here too.
    var maxTrainingSeconds: Double { runner.maxTrainingSeconds }
    /// Memory one job's training step may need: its share of `ServerLimits.trainingMemoryBytes`.
    var memoryBudgetBytes = Int.max

    /// Queues a job with `requested` settings filled from the project's.
    ///
    /// - Throws: `InvalidSetting` for a setting out of range; `ServiceError.unacceptable` when no image has
    ///   scribbles, or when the model to fine-tune was not trained from scribbles.
    func start(in projectID: String, requested: TrainingSettings) async throws -> JobRecord {
        let project = try await store.project(projectID)
        try requested.validate()
        let settings = requested.filled(from: project.settings)
        if let budget = settings.timeBudgetSeconds, budget > maxTrainingSeconds {
            throw ServiceError.unacceptable(
                "timeBudgetSeconds must be at most \(Int(maxTrainingSeconds)) on this server, not \(budget)",
                field: "timeBudgetSeconds")
        }
        let images = try await store.images(in: projectID)
        // Whether the settings make a trainable run, its memory included, is known now: refuse before queueing.
        let options = settings.trainingOptions(
            dimensions: images.contains { $0.isScribbled && $0.depth > 1 } ? 3 : 2, maxSeconds: maxTrainingSeconds)
        try options.validate()
        try options.checkMemory(budgetBytes: memoryBudgetBytes)
        guard images.contains(where: \.isScribbled) else {
            throw ServiceError.unacceptable(
                "no image of the project has scribbles yet: scribble some cells and background first")
        }
        let fineTunes = settings.fineTune ?? TrainingSettings.defaultFineTune
        let parent = fineTunes ? try await store.models(in: projectID).first : nil
        if let parent, case let task = try await models.info(of: parent).task, task != .scribbles {
            throw ServiceError.unacceptable(
                "the latest model (version \(parent.version)) was trained for the \(task.rawValue) task and cannot learn "
                    + "from scribbles; start the job with fineTune false", field: "fineTune")
        }
        let job = JobRecord(projectID: projectID, settings: settings, parentModelID: parent?.id)
        try await store.enqueue(job)
        runner.wake()
        return job
    }

    func jobs(in projectID: String) async throws -> [JobRecord] {
        _ = try await store.project(projectID)
        return try await store.jobs(in: projectID)
    }

    func job(_ id: String) async throws -> JobRecord { try await store.job(id) }

    /// Asks a job to stop (a queued one stops at once; a running one after its current step).
    func stop(_ id: String) async throws -> JobRecord { try await runner.stop(id) }

    /// Subscribes to `jobID` before reading its state again, so no event falls between the two.
    func subscribe(to jobID: String, previewImageID: String?) async throws -> Subscription {
        _ = try await store.job(jobID)
        guard let stream = events.subscribe(jobID: jobID, previewImageID: previewImageID) else {
            throw ServiceError.busy(
                "\(events.maxSubscribers) event streams are open already; try again later", retryAfterSeconds: 30)
        }
        let current = try await store.job(jobID)
        return Subscription(current: current, events: current.state.isFinal ? nil : stream)
    }
}
