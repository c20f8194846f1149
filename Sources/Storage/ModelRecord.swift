import Foundation
import GRDB
import Settings

/// One trained model version of a project, with its lineage and the scribbles it learnt from.
public struct ModelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model"

    public var id: String
    public var projectID: String
    /// 1, 2, ... within the project.
    public var version: Int
    /// The model it was fine-tuned from, if any.
    public var parentID: String?
    /// The training job that made it (nil for uploads).
    public var jobID: String?
    public var path: String
    public var checksum: String
    public var byteCount: Int
    /// Validation scores by name (from the best epoch).
    public var metrics: [String: Double]
    public var settings: TrainingSettings
    /// Image id → checksum of the scribbles the model was trained on.
    public var scribbleSnapshot: [String: String]
    public var createdAt: Date

    public init(
        id: String = StoreIDs.make(), projectID: String, version: Int, parentID: String?, jobID: String?, path: String,
        checksum: String, byteCount: Int, metrics: [String: Double], settings: TrainingSettings,
        scribbleSnapshot: [String: String], createdAt: Date = Date()
    ) {
        self.id = id
        self.projectID = projectID
        self.version = version
        self.parentID = parentID
        self.jobID = jobID
        self.path = path
        self.checksum = checksum
        self.byteCount = byteCount
        self.metrics = metrics
        self.settings = settings
        self.scribbleSnapshot = scribbleSnapshot
        self.createdAt = createdAt
    }
}
