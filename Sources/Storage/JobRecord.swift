import Foundation
import GRDB
import Settings

/// A training job: a durable row that moves queued → running → finished | failed | stopped. A server that
/// restarts finds its running jobs `interrupted` and queues them again to resume from their last checkpoint.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    public enum State: String, Codable, Sendable, CaseIterable {
        case queued, running, finished, failed, stopped, interrupted

        /// Whether the job will not change any more.
        public var isFinal: Bool { self == .finished || self == .failed || self == .stopped }
    }

    public var id: String
    public var projectID: String
    public var state: State
    /// The settings as resolved when the job was created.
    public var settings: TrainingSettings
    /// The model it starts from (nil: from scratch).
    public var parentModelID: String?
    /// The model it produced.
    public var modelID: String?
    /// The latest progress: the trainer's last epoch event, as JSON text.
    public var progress: String?
    public var error: String?
    /// How many times the job was started (resumes count).
    public var attempts: Int
    public var stopRequested: Bool
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(
        id: String = StoreIDs.make(), projectID: String, settings: TrainingSettings, parentModelID: String?,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.projectID = projectID
        self.state = .queued
        self.settings = settings
        self.parentModelID = parentModelID
        self.modelID = nil
        self.progress = nil
        self.error = nil
        self.attempts = 0
        self.stopRequested = false
        self.createdAt = createdAt
        self.startedAt = nil
        self.finishedAt = nil
    }

    /// The job's working folder in the blob store (scribble snapshot, checkpoints, the model being trained).
    public var workPath: String { "jobs/\(id)" }
}
