import Accounts
import Foundation
import Settings
import Storage

/// Stops training jobs (the jobs layer implements it; projects stop theirs before they are deleted).
protocol JobStopping: Sendable {
    func stop(_ id: String) async throws -> JobRecord
}

/// Projects: creation with its checks, listing, and deletion with everything that belongs to the project.
struct ProjectService: Sendable {
    /// The limits of a project's description.
    enum Limits {
        static let nameLength = 1...200
        static let channels = 1...16
        static let classes = 1...254
    }

    let store: any Store
    let blobs: BlobStore
    let jobs: any JobStopping

    /// Checks and stores a new project owned by `owner` (a single-user server's projects have no owner until
    /// the first administrator account takes them over); `classes` nil gives one class, "cell".
    ///
    /// - Throws: `ServiceError.unacceptable` naming the field at fault; `InvalidSetting` for settings out of range.
    func create(
        name: String, channels: [String], classes: [String]?, settings: TrainingSettings?, owner: Identity
    ) async throws -> ProjectRecord {
        let project = try Self.validated(name: name, channels: channels, classes: classes, settings: settings)
        if owner.credential == .localOwner {
            try await store.insert(project)
        } else {
            try await store.insert(project, ownedBy: owner.userID)
        }
        return project
    }

    /// The project a description asks for, or the reason it cannot be one.
    static func validated(
        name: String, channels: [String], classes: [String]?, settings: TrainingSettings?
    ) throws -> ProjectRecord {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        func range(_ limit: ClosedRange<Int>) -> String { "\(limit.lowerBound) to \(limit.upperBound)" }
        guard Limits.nameLength.contains(name.count) else {
            throw ServiceError.unacceptable(
                "a project needs a name of \(range(Limits.nameLength)) characters", field: "name")
        }
        guard Limits.channels.contains(channels.count) else {
            throw ServiceError.unacceptable(
                "a project has \(range(Limits.channels)) channels, not \(channels.count)", field: "channels")
        }
        let classes = classes ?? ["cell"]
        guard Limits.classes.contains(classes.count) else {
            throw ServiceError.unacceptable(
                "a project has \(range(Limits.classes)) foreground classes, not \(classes.count)", field: "classes")
        }
        let settings = settings ?? TrainingSettings()
        try settings.validate()
        return ProjectRecord(name: name, channelNames: channels, classNames: classes, settings: settings)
    }

    /// Stops the project's unfinished jobs, then removes its rows and every file it owned: its folder and its
    /// jobs' folders.
    func delete(_ id: String) async throws {
        _ = try await store.project(id)
        let projectJobs = try await store.jobs(in: id)
        for job in projectJobs where !job.state.isFinal { _ = try await jobs.stop(job.id) }
        try await store.deleteProject(id)
        let folders = ["projects/\(id)"] + projectJobs.map(\.workPath)
        _ = try await offloaded { [blobs] in folders.forEach(blobs.remove) }
    }
}
