import Foundation
import GRDB

/// Where a user left off (project, image, view, tool), so any browser they sign in from restores it. `state` is
/// JSON the server has checked and re-encoded; the store does not interpret it.
public struct WorkspaceRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "workspace"

    /// The account, or "local" for a single-user server's owner (so no foreign key).
    public var userID: String
    public var state: String
    public var updatedAt: Date

    public init(userID: String, state: String, updatedAt: Date = Date()) {
        self.userID = userID
        self.state = state
        self.updatedAt = updatedAt
    }
}
