import Foundation
import GRDB

/// What a member may do in a project, following MONAI Label's and OMERO's models. The server decides which
/// operations each role allows (`ProjectAccess`); the store only keeps the value.
public enum ProjectRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Everything an annotator may, plus members, settings and deletion.
    case owner
    /// Uploads, scribbles, trains, predicts and exports.
    case annotator
    /// Views, comments on and accepts or rejects annotators' work.
    case reviewer
    /// Reads only.
    case viewer

    /// Roles by how much they may do: owner > annotator > reviewer > viewer.
    public static func < (lhs: ProjectRole, rhs: ProjectRole) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .reviewer: 1
        case .annotator: 2
        case .owner: 3
        }
    }
}

/// One user's role in one project. A project made in single-user mode has no members until the first
/// administrator account takes it over.
public struct MembershipRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "membership"

    public var projectID: String
    public var userID: String
    public var role: ProjectRole
    /// When the user joined the project or last changed role.
    public var updatedAt: Date

    public init(projectID: String, userID: String, role: ProjectRole, updatedAt: Date = Date()) {
        self.projectID = projectID
        self.userID = userID
        self.role = role
        self.updatedAt = updatedAt
    }
}

/// A member as listed: the membership and the account it belongs to.
public struct Member: Sendable, Equatable {
    public var membership: MembershipRecord
    public var user: UserRecord

    public init(membership: MembershipRecord, user: UserRecord) {
        self.membership = membership
        self.user = user
    }
}
