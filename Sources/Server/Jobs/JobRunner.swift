import Basics
import Foundation
import Logging
import ServiceLifecycle
import Settings
import Storage
import Synchronization
import Tensors
import Training

/// Runs queued training jobs, at most `concurrentTrainings` at a time, each on its own thread (the trainer is
/// synchronous; the engine parallelises inside each operation). At start-up, jobs a previous process left
/// running are queued again and resume from their last checkpoint. On shutdown, running trainings stop at the
/// next step after writing a checkpoint and stay `running` in the database, so the next start resumes them.
final class JobRunner: Service, Sendable {
    /// The nice value of training threads (`ThreadPriority`).
    static let trainingNiceness: Int32 = 10
    private struct State {
        var running: Set<String> = []
        var stopRequested: Set<String> = []
        var shuttingDown = false
    }

    let store: any Store
    let blobs: BlobStore
    let events: EventHub
    let inference: InferenceService
    let models: ModelCatalog
    let concurrentTrainings: Int
    let maxAttempts: Int
    /// No job trains longer (`ServerLimits.maxTrainingSeconds`).
    let maxTrainingSeconds: Double
    let metrics: ServerMetrics
    let logger: Logger
    private let state = Mutex(State())
    /// Where training threads hand what they tell the rest of the server (events, progress rows, their result):
    /// a thread started here at normal priority. A niced training thread that woke Dispatch or Swift's task pool
    /// itself could start their worker threads, which would inherit its priority and later serve requests with it.
    private let relay = BlockingWorkPool(threads: 1)
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation

    init(
        store: any Store, blobs: BlobStore, events: EventHub, inference: InferenceService, models: ModelCatalog,
        concurrentTrainings: Int, maxAttempts: Int, maxTrainingSeconds: Double, metrics: ServerMetrics, logger: Logger
    ) {
        self.maxTrainingSeconds = maxTrainingSeconds
        self.store = store
        self.blobs = blobs
        self.events = events
        self.inference = inference
        self.models = models
        self.concurrentTrainings = concurrentTrainings
        self.maxAttempts = maxAttempts
        self.metrics = metrics
        self.logger = logger
        (wakeups, wakeup) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var runningCount: Int { state.withLock { $0.running.count } }

    /// Looks for startable jobs now (after a job was queued or finished).
    func wake() { wakeup.yield() }

    func run() async throws {
        let requeued = try await store.recoverInterrupted(maxAttempts: maxAttempts)
        if !requeued.isEmpty {
            logger.notice("resuming \(requeued.count) interrupted training job(s): \(requeued.joined(separator: ", "))")
        }
        wake()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for await _ in wakeups {
                    while !state.withLock({ $0.shuttingDown }) {
                        let job: JobRecord?
                        do {
                            job = try await store.claimNext(maxRunning: concurrentTrainings)
                        } catch {
                            logger.error("cannot claim the next training job: \(error)")
                            job = nil
                        }
                        guard let job else { break }
                        let running = state.withLock { state in
                            state.running.insert(job.id)
                            return state.running.count
                        }
                        metrics.runningJobs.set(Double(running))
                        group.addTask { await self.execute(job) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
            self.wakeup.finish()
        }
    }

    /// Asks a job to stop (a queued one stops at once; a running one after its current step).
    func stop(_ jobID: String) async throws -> JobRecord {
        let job = try await store.requestStop(jobID)
        state.withLock { _ = $0.stopRequested.insert(jobID) }
        if job.state == .stopped { events.finish(job) }
        return job
    }

    /// Shutdown pauses (checkpoint, resume at the next start); a user's stop ends the job with its best model.
    private func interruption(of jobID: String) -> TrainingInterruption? {
        state.withLock { state in
            state.shuttingDown ? .paused : state.stopRequested.contains(jobID) ? .stopped : nil
        }
    }

    private func execute(_ job: JobRecord) async {
        defer {
            let running = state.withLock { state in
                state.running.remove(job.id)
                state.stopRequested.remove(job.id)
                return state.running.count
            }
            metrics.runningJobs.set(Double(running))
            wake()
        }
        logger.info("training job \(job.id) started (attempt \(job.attempts))")
        // A stop asked for before a restart still holds: the job ends at its first step with its best model.
        if job.stopRequested { state.withLock { _ = $0.stopRequested.insert(job.id) } }
        do {
            let plan = try await TrainingPlan.prepare(job, store: store, blobs: blobs, maxSeconds: maxTrainingSeconds)
            let outcome = try await train(plan)
            if outcome.summary.stopReason == .paused {
                logger.notice("training job \(job.id) paused for shutdown; it resumes at the next start")
                return
            }
            try await register(outcome, plan: plan)
        } catch {
            guard (try? await store.project(job.projectID)) != nil else {
                logger.info("training job \(job.id) ended: its project was deleted")
                let (blobs, workPath) = (blobs, job.workPath)
                _ = try? await offloaded { blobs.remove(workPath) }
                return
            }
            let message = ClientMessage.text(for: error)
            logger.error("training job \(job.id) failed: \(String(describing: error))")
            try? await store.finish(job.id, state: .failed, modelID: nil, error: message)
            metrics.failedJobs.increment()
            if let failed = try? await store.job(job.id) { events.finish(failed) }
        }
    }

    /// Runs the trainer on its own thread, streaming its events.
    private func train(_ plan: TrainingPlan) async throws -> TrainingOutcome {
        let jobID = plan.job.id
        let store = self.store
        let recorder = ProgressRecorder()
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                // Below request handling and predictions, with the OpenMP pool this thread starts: tiles, saves and
                // predictions take the cores when they need them; training has them the rest of the time.
                if !ThreadPriority.lowerCurrentThread(to: JobRunner.trainingNiceness) {
                    self.logger.notice("training job \(jobID) runs at normal priority: the system refused to lower it")
                }
                let trainer = Trainer(
                    options: plan.options, dataset: plan.entries, output: plan.outputURL, from: plan.startURL,
                    resume: plan.resumes)
                let outcome = Result {
                    let summary = try trainer.run(
                        events: { event in
                            recorder.observe(event)
                            let line = JobEvents.encode(event)?.line
                            self.relay.submit {
                                self.events.publish(jobID: jobID, .training(event))
                                if case .epoch = event, let line {
                                    Task { try? await store.recordProgress(of: jobID, progress: line) }
                                }
                            }
                            if case .epoch(let report) = event { self.sendPreviews(plan: plan, epoch: report.epoch) }
                        },
                        interruption: { self.interruption(of: jobID) })
                    return TrainingOutcome(summary: summary, bestValidation: recorder.bestValidation)
                }
                self.relay.submit { continuation.resume(with: outcome) }
            }
            thread.stackSize = 16 << 20
            thread.name = "training \(jobID)"
            thread.start()
        }
    }

    /// Predicts the images subscribers are viewing with the best weights so far (on the training thread,
    /// between epochs), and tells those subscribers.
    private func sendPreviews(plan: TrainingPlan, epoch: Int) {
        let every = plan.job.settings.previewEvery ?? TrainingSettings.defaultPreviewEvery
        guard every > 0, epoch % every == 0, FileManager.default.fileExists(atPath: plan.outputURL.path) else { return }
        let model = ResolvedModel(
            key: ModelReference.job(plan.job.id).description, path: plan.outputPath, checksum: nil)
        inference.forget(modelKey: model.key)
        for imageID in events.previewImages(of: plan.job.id) {
            guard let image = plan.images[imageID] else { continue }
            do {
                let result = try inference.predictNow(image: image, model: model)
                let preview = PreviewEvent(
                    imageID: imageID, epoch: epoch, model: model.key, instances: result.labels.instanceCount,
                    meanEntropy: result.meanEntropy, seconds: result.seconds)
                let jobID = plan.job.id
                relay.submit { self.events.publish(jobID: jobID, .preview(preview), imageID: imageID) }
            } catch {
                logger.warning("preview of image \(imageID) for job \(plan.job.id) failed: \(error)")
            }
        }
    }

    /// Stores the trained model as the project's next version and closes the job.
    private func register(_ outcome: TrainingOutcome, plan: TrainingPlan) async throws {
        let job = plan.job
        let stopped = outcome.summary.stopReason == .stopped
        guard FileManager.default.fileExists(atPath: plan.outputURL.path) else {
            try await store.finish(
                job.id, state: stopped ? .stopped : .failed, modelID: nil,
                error: "no epoch finished, so no model was kept")
            events.finish(try await store.job(job.id))
            return
        }
        let model = try await models.registerTrained(
            file: plan.outputURL, job: job, metrics: outcome.modelMetrics, scribbleSnapshot: plan.snapshot)
        try await store.finish(job.id, state: stopped ? .stopped : .finished, modelID: model.id, error: nil)
        (stopped ? metrics.stoppedJobs : metrics.finishedJobs).increment()
        _ = try? await offloaded { plan.removeCheckpoints() }
        logger.info(
            "training job \(job.id) \(stopped ? "stopped" : "finished"): model \(model.id) (version \(model.version))")
        events.finish(try await store.job(job.id))
    }
}

/// What a finished trainer reports back.
struct TrainingOutcome: Sendable {
    var summary: TrainingSummary
    /// Validation scores of the best epoch.
    var bestValidation: [String: Double]

    /// What the model version records: the best epoch's finite scores, the tuned score and the run's size.
    var modelMetrics: [String: Double] {
        var scores = bestValidation.filter { $0.value.isFinite }
        if let tuned = summary.tunedScore { scores["tuned_score"] = tuned }
        scores["epochs"] = Double(summary.epochs)
        scores["steps"] = Double(summary.steps)
        scores["training_seconds"] = summary.elapsedSeconds
        return scores
    }
}

/// Keeps the validation scores of the best epoch seen (the trainer's events arrive on one thread).
final class ProgressRecorder: @unchecked Sendable {
    private(set) var bestValidation: [String: Double] = [:]

    func observe(_ event: TrainingEvent) {
        if case .epoch(let report) = event, report.isBest { bestValidation = report.validation }
    }
}
