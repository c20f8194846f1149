import Accounts
import Storage

/// What a request does to a project; each role allows some (see `ProjectRole.allows`).
public enum ProjectAction: String, Sendable, CaseIterable {
    /// Read anything: images, tiles, scribbles, predictions, jobs and their events, models, members.
    case view
    /// Change the data and train: upload, scribble, start and stop jobs, import models.
    case annotate
    /// Accept or reject an annotator's work.
    case review
    /// Members, settings, deleting images and the project.
    case manage
}

extension ProjectRole {
    /// The one table of what each role may do: owner everything; annotator view and annotate; reviewer view and
    /// review; viewer view.
    public func allows(_ action: ProjectAction) -> Bool {
        switch (self, action) {
        case (.owner, _), (_, .view): true
        case (.annotator, .annotate), (.reviewer, .review): true
        default: false
        }
    }

    /// The roles that allow `action`, most powerful first.
    public static func allowing(_ action: ProjectAction) -> [ProjectRole] {
        allCases.filter { $0.allows(action) }.sorted(by: >)
    }
}

/// Who may touch which project: every route that names a project, image, job or model resolves it here first,
/// with the caller and what it is about to do. Someone outside the project gets exactly the answer for an id that
/// does not exist (404, so existence does not leak); a member whose role does not allow the action gets 403.
/// The local owner of a single-user server owns every project.
struct ProjectAccess: Sendable {
    let store: any Store

    /// `identity`'s role in `projectID`, or nil when they are not a member (or the project does not exist).
    func role(of identity: Identity, in projectID: String) async throws -> ProjectRole? {
        if identity.credential == .localOwner { return .owner }
        return try await store.membership(of: identity.userID, in: projectID)?.role
    }

    /// The project, when `identity` may do `action` in it.
    ///
    /// - Throws: `StorageError.notFound` for no such project or a non-member; `ServiceError.forbidden`.
    func project(_ id: String, for identity: Identity, to action: ProjectAction) async throws -> ProjectRecord {
        try await check(identity, action, in: id, kind: "project", id: id)
        return try await store.project(id)
    }

    /// The image, when `identity` may do `action` in its project.
    func image(_ id: String, for identity: Identity, to action: ProjectAction) async throws -> ImageRecord {
        let image = try await store.image(id)
        try await check(identity, action, in: image.projectID, kind: "image", id: id)
        return image
    }

    /// The job, when `identity` may do `action` in its project.
    func job(_ id: String, for identity: Identity, to action: ProjectAction) async throws -> JobRecord {
        let job = try await store.job(id)
        try await check(identity, action, in: job.projectID, kind: "job", id: id)
        return job
    }

    /// The model, when `identity` may do `action` in its project.
    func model(_ id: String, for identity: Identity, to action: ProjectAction) async throws -> ModelRecord {
        let model = try await store.model(id)
        try await check(identity, action, in: model.projectID, kind: "model", id: id)
        return model
    }

    /// The projects `identity` belongs to, oldest first, with their role (every project for the local owner).
    func projects(for identity: Identity) async throws -> [(project: ProjectRecord, role: ProjectRole)] {
        if identity.credential == .localOwner { return try await store.projects().map { ($0, .owner) } }
        return try await store.projects(of: identity.userID)
    }

    private func check(
        _ identity: Identity, _ action: ProjectAction, in projectID: String, kind: String, id: String
    ) async throws {
        guard let role = try await role(of: identity, in: projectID) else {
            throw StorageError.notFound(kind: kind, id: id)
        }
        guard role.allows(action) else {
            let roles = ProjectRole.allowing(action).map(\.rawValue).joined(separator: " or ")
            throw ServiceError.forbidden(
                "your role in this project (\(role.rawValue)) cannot \(action.verb); ask an owner to make you \(roles)")
        }
    }
}

extension ProjectAction {
    /// The action as a verb phrase for messages.
    var verb: String {
        switch self {
        case .view: "view it"
        case .annotate: "change images, scribbles, jobs or models"
        case .review: "review annotations"
        case .manage: "manage members, settings or deletions"
        }
    }
}
