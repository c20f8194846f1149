import Foundation
import GRDB

/// An uploaded image: its original file in the blob store, its shape, and where it stands in the annotate-train
/// loop (scribbles, last prediction, mean entropy).
public struct ImageRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "image"

    public var id: String
    public var projectID: String
    /// The uploaded file name.
    public var name: String
    /// The original file, relative to the data folder, and its SHA-256.
    public var path: String
    public var checksum: String
    public var byteCount: Int
    public var channels: Int
    /// 1 for 2D images.
    public var depth: Int
    public var height: Int
    public var width: Int
    /// 0 until scribbles are first saved; each save adds 1 (the ETag of the scribbles).
    public var scribbleVersion: Int
    /// The current scribbles' file (each version has its own, so older versions stay readable) and SHA-256.
    public var scribblePath: String?
    public var scribbleChecksum: String?
    /// Scribbled pixels per value: foreground (any class) and background.
    public var scribbledForeground: Int
    public var scribbledBackground: Int
    /// The model of the latest prediction, and the prediction's mean binary entropy (nats).
    public var predictedModelID: String?
    public var meanEntropy: Double?
    public var createdAt: Date

    public init(
        id: String = StoreIDs.make(), projectID: String, name: String, path: String, checksum: String, byteCount: Int,
        channels: Int, depth: Int, height: Int, width: Int, createdAt: Date = Date()
    ) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.path = path
        self.checksum = checksum
        self.byteCount = byteCount
        self.channels = channels
        self.depth = depth
        self.height = height
        self.width = width
        self.scribbleVersion = 0
        self.scribblePath = nil
        self.scribbleChecksum = nil
        self.scribbledForeground = 0
        self.scribbledBackground = 0
        self.predictedModelID = nil
        self.meanEntropy = nil
        self.createdAt = createdAt
    }

    /// The spatial shape: `(Y, X)` or `(Z, Y, X)`.
    public var spatialShape: [Int] { depth > 1 ? [depth, height, width] : [height, width] }
    public var isScribbled: Bool { scribbledForeground + scribbledBackground > 0 }
    /// A new, unique file for version `version` of this image's scribbles.
    public func newScribblePath(version: Int) -> String {
        "projects/\(projectID)/scribbles/\(id)-v\(version)-\(StoreIDs.make().prefix(6)).tif"
    }
}
