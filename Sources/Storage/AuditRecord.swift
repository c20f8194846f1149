import Foundation
import GRDB

/// One change to a project or an account: who made it, when, and to what. Entries outlive what they describe
/// (deleting a project keeps its entries, so the log still says who deleted it).
public struct AuditRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"

    /// Increasing with time; the key for paging (`before`).
    public var id: Int64?
    public var at: Date
    /// The account that acted ("local" for a single-user server's owner).
    public var userID: String
    /// Its name at the time.
    public var userName: String
    /// The project changed; nil for account changes.
    public var projectID: String?
    /// What was done, as `object.verb` (`image.upload`, `scribbles.save`, `member.set`, `user.disable`, …).
    public var action: String
    /// The image, job, model or user acted on, where there is one.
    public var objectID: String?
    /// A short human-readable detail (a file name, a version, a role).
    public var detail: String

    public init(
        at: Date = Date(), userID: String, userName: String, projectID: String?, action: String, objectID: String?,
        detail: String
    ) {
        self.at = at
        self.userID = userID
        self.userName = userName
        self.projectID = projectID
        self.action = action
        self.objectID = objectID
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
