import Foundation

/// Projects. Deleting a project deletes its images, models and jobs.
public protocol ProjectRepository: Sendable {
    func insert(_ project: ProjectRecord) async throws
    func project(_ id: String) async throws -> ProjectRecord
    func projects() async throws -> [ProjectRecord]
    func deleteProject(_ id: String) async throws
}

/// Images of a project, their scribble versions and prediction summaries.
public protocol ImageRepository: Sendable {
    func insert(_ image: ImageRecord) async throws
    func image(_ id: String) async throws -> ImageRecord
    /// A project's images, oldest first.
    func images(in projectID: String) async throws -> [ImageRecord]
    func deleteImage(_ id: String) async throws
    /// Records new scribbles (already written to `path`) if the stored version is still `expectedVersion`;
    /// returns the updated image.
    ///
    /// - Throws: `StorageError.versionConflict` when someone saved scribbles since `expectedVersion`.
    func updateScribbles(
        of id: String, expectedVersion: Int, path: String, checksum: String, foreground: Int, background: Int
    ) async throws -> ImageRecord
    /// Records the latest prediction's model and mean entropy.
    func updatePrediction(of id: String, modelID: String, meanEntropy: Double?) async throws
}

/// Model versions of a project.
public protocol ModelRepository: Sendable {
    /// Inserts `model` with the next version number of its project; returns it as stored.
    func insertNextVersion(_ model: ModelRecord) async throws -> ModelRecord
    func model(_ id: String) async throws -> ModelRecord
    /// A project's models, newest first.
    func models(in projectID: String) async throws -> [ModelRecord]
}

/// Training jobs as a durable queue. All the queue's rules live in its implementation's `claimNext`,
/// `markInterrupted` and the state updates below.
public protocol JobQueue: Sendable {
    func enqueue(_ job: JobRecord) async throws
    func job(_ id: String) async throws -> JobRecord
    /// A project's jobs, newest first.
    func jobs(in projectID: String) async throws -> [JobRecord]
    /// Moves the oldest queued job to running when fewer than `maxRunning` run; nil when none can start.
    func claimNext(maxRunning: Int) async throws -> JobRecord?
    /// Stores the latest progress (JSON text) of a running job.
    func recordProgress(of id: String, progress: String) async throws
    /// Ends a running job in `state` (finished, failed or stopped).
    func finish(_ id: String, state: JobRecord.State, modelID: String?, error: String?) async throws
    /// Asks a job to stop: a queued job stops at once, a running one at its next training step.
    func requestStop(_ id: String) async throws -> JobRecord
    /// At start-up: jobs left running by a previous process become interrupted and are queued again
    /// (up to `maxAttempts` starts; beyond that they fail). Returns the ids requeued.
    func recoverInterrupted(maxAttempts: Int) async throws -> [String]
}

/// Accounts, their browser sessions and API tokens. Disabling a user or changing a password ends their sessions.
public protocol AccountRepository: Sendable {
    /// - Throws: `StorageError.invalid` when the name (ignoring case) is taken.
    func insert(_ user: UserRecord) async throws
    func user(_ id: String) async throws -> UserRecord
    /// The user named `name` (ignoring case), or nil.
    func user(named name: String) async throws -> UserRecord?
    /// Every user, by name.
    func users() async throws -> [UserRecord]
    func userCount() async throws -> Int
    /// Stores a user's changed fields (password, admin, disabled, last login).
    func update(_ user: UserRecord) async throws

    func insert(_ session: SessionRecord) async throws
    /// The session with this id (secret hash), or nil.
    func session(_ id: String) async throws -> SessionRecord?
    func touchSession(_ id: String, at date: Date) async throws
    func deleteSession(_ id: String) async throws
    /// Ends every session of `userID`; returns how many there were.
    @discardableResult func deleteSessions(of userID: String) async throws -> Int
    /// Removes sessions past `expiresAt` or unused since `idleBefore`.
    func deleteExpiredSessions(now: Date, idleBefore: Date) async throws

    func insert(_ token: APITokenRecord) async throws
    /// The token with this hash, or nil.
    func token(hash: String) async throws -> APITokenRecord?
    /// A user's tokens, newest first.
    func tokens(of userID: String) async throws -> [APITokenRecord]
    func touchToken(_ id: String, at date: Date) async throws
    /// Deletes `userID`'s token `id`; false when they have no such token.
    func deleteToken(_ id: String, of userID: String) async throws -> Bool
}

/// Who belongs to which project, in which role. A project keeps at least one owner.
public protocol MembershipRepository: Sendable {
    /// Stores a new project with `userID` as its owner, in one transaction.
    func insert(_ project: ProjectRecord, ownedBy userID: String) async throws
    /// `userID`'s membership of `projectID`, or nil.
    func membership(of userID: String, in projectID: String) async throws -> MembershipRecord?
    /// A project's members, owners first, then by name.
    func members(of projectID: String) async throws -> [Member]
    /// The projects `userID` belongs to, oldest first, with their role.
    func projects(of userID: String) async throws -> [(project: ProjectRecord, role: ProjectRole)]
    /// Adds `userID` to the project or changes their role.
    ///
    /// - Throws: `StorageError.notFound` for no such project; `StorageError.invalid` when the last owner would
    ///   step down.
    func setRole(_ role: ProjectRole, of userID: String, in projectID: String) async throws
    /// Removes a member; false when they were none.
    ///
    /// - Throws: `StorageError.invalid` for the last owner.
    func removeMember(_ userID: String, from projectID: String) async throws -> Bool
    /// Makes `userID` the owner of every project without members (those made in single-user mode); returns
    /// how many there were.
    func claimOwnerlessProjects(for userID: String) async throws -> Int
}

/// The audit log: who changed what, and when. Append-only.
public protocol AuditRepository: Sendable {
    func append(_ entry: AuditRecord) async throws
    /// Newest first: a project's entries (`projectID` nil: the account changes), older than entry `before` when
    /// given, at most `limit`.
    func auditEntries(projectID: String?, before: Int64?, limit: Int) async throws -> [AuditRecord]
}

/// Where each user left off (one record per user, replaced on every save).
public protocol WorkspaceRepository: Sendable {
    func workspace(of userID: String) async throws -> WorkspaceRecord?
    func save(_ workspace: WorkspaceRecord) async throws
}

/// Everything the server stores, in one place.
public typealias Store = ProjectRepository & ImageRepository & ModelRepository & JobQueue & AccountRepository
    & MembershipRepository & AuditRepository & WorkspaceRepository
