import Accounts
import Logging
import Storage

/// What the audit log records: every change to a project's data or members, and administrators' account changes.
public enum AuditAction: String, Sendable, CaseIterable {
    case projectCreate = "project.create"
    case projectDelete = "project.delete"
    case imageUpload = "image.upload"
    case imageDelete = "image.delete"
    case scribblesSave = "scribbles.save"
    case jobStart = "job.start"
    case jobStop = "job.stop"
    case modelImport = "model.import"
    case memberSet = "member.set"
    case memberRemove = "member.remove"
    case userCreate = "user.create"
    case userDisable = "user.disable"
    case userEnable = "user.enable"
    case userPasswordReset = "user.password-reset"
}

/// The audit log: who changed what, and when, read by a project's members (its entries) and administrators (the
/// account changes). Entries are appended after the change succeeded; a failure to append is logged as an error
/// (the change itself has happened and is not undone).
struct AuditLog: Sendable {
    /// The most entries one request returns.
    static let pageLimit = 1...500

    let store: any Store
    let logger: Logger

    func record(
        _ action: AuditAction, by identity: Identity, project projectID: String?, object objectID: String? = nil,
        detail: String = ""
    ) async {
        let entry = AuditRecord(
            userID: identity.userID, userName: identity.name, projectID: projectID, action: action.rawValue,
            objectID: objectID, detail: String(detail.prefix(500)))
        do {
            try await store.append(entry)
        } catch {
            logger.error("the audit log could not record \(action.rawValue) by '\(identity.name)': \(error)")
        }
    }

    /// Newest first; `projectID` nil gives the account changes.
    func entries(projectID: String?, before: Int64?, limit: Int) async throws -> [AuditRecord] {
        try await store.auditEntries(projectID: projectID, before: before, limit: limit)
    }
}
