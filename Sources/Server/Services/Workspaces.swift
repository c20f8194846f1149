import Accounts
import Foundation
import Storage

/// Where a user left off: the project and image, the slice, the view and the tool. Saved by the page as the user
/// works and restored by whichever browser they sign in from next.
struct Workspace: Codable, Sendable, Equatable {
    /// The part of the image on screen: its centre in image pixels and the zoom (screen pixels per image pixel).
    struct View: Codable, Sendable, Equatable {
        var centerX: Double
        var centerY: Double
        var scale: Double
    }

    var projectID: String?
    var imageID: String?
    var z: Int?
    var view: View?
    /// `brush`, `eraser` or `pan`.
    var tool: String?
    /// The brush's scribble value (a class, or 255 for background).
    var toolValue: Int?
    /// Brush size, image pixels.
    var brush: Int?
    /// Set by the server when it stores the workspace.
    var updatedAt: Date?
}

/// Checks, stores and restores workspaces. The limits of every field are here.
struct Workspaces: Sendable {
    /// The largest workspace body accepted, bytes.
    static let maxBodyBytes = 4_096
    static let tools: Set<String> = ["brush", "eraser", "pan"]
    static let z = 0...100_000
    static let toolValue = 0...255
    static let brush = 1...40
    static let scale = 0.001...1_000.0
    static let coordinate = -1e7...1e7

    let store: any Store
    let access: ProjectAccess

    /// The workspace `identity` saved last, without a project or image they can no longer see; empty if none.
    func restore(for identity: Identity) async throws -> Workspace {
        guard let record = try await store.workspace(of: identity.userID),
            var workspace = try? JSONDecoder.workspace.decode(Workspace.self, from: Data(record.state.utf8))
        else { return Workspace() }
        workspace.updatedAt = record.updatedAt
        if let projectID = workspace.projectID, try await access.role(of: identity, in: projectID) == nil {
            return Workspace(updatedAt: record.updatedAt)
        }
        if let imageID = workspace.imageID, (try? await store.image(imageID))?.projectID != workspace.projectID {
            workspace.imageID = nil
        }
        return workspace
    }

    /// Checks every field and stores the workspace (as re-encoded here, never as sent).
    ///
    /// - Throws: `ServiceError.unacceptable` naming the field at fault.
    func save(_ workspace: Workspace, for identity: Identity) async throws -> Workspace {
        try Self.check(workspace)
        var stored = workspace
        stored.updatedAt = nil
        let state = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        let record = WorkspaceRecord(userID: identity.userID, state: state)
        try await store.save(record)
        stored.updatedAt = record.updatedAt
        return stored
    }

    static func check(_ workspace: Workspace) throws {
        func require(_ condition: Bool, _ field: String, _ message: String) throws {
            guard condition else { throw ServiceError.unacceptable(message, field: field) }
        }
        for (field, id) in [("projectID", workspace.projectID), ("imageID", workspace.imageID)] {
            guard let id else { continue }
            try require(StoreIDs.isValid(id), field, "\(field) must be an id (16 lowercase hex digits)")
        }
        try require(workspace.imageID == nil || workspace.projectID != nil, "projectID", "an image needs its project")
        if let z = workspace.z {
            try require(Self.z.contains(z), "z", "z is a slice number of 0 to \(Self.z.upperBound)")
        }
        if let view = workspace.view {
            try require(
                view.scale.isFinite && Self.scale.contains(view.scale), "view.scale",
                "view.scale is a zoom of \(Self.scale.lowerBound) to \(Self.scale.upperBound)")
            for (name, value) in [("view.centerX", view.centerX), ("view.centerY", view.centerY)] {
                try require(value.isFinite && Self.coordinate.contains(value), name, "\(name) is out of range")
            }
        }
        if let tool = workspace.tool {
            try require(
                Self.tools.contains(tool), "tool", "tool is one of \(Self.tools.sorted().joined(separator: ", "))")
        }
        if let value = workspace.toolValue {
            try require(Self.toolValue.contains(value), "toolValue", "toolValue is a scribble value of 0 to 255")
        }
        if let brush = workspace.brush {
            try require(Self.brush.contains(brush), "brush", "brush is a size of 1 to 40 pixels")
        }
    }
}

extension JSONDecoder {
    fileprivate static let workspace = JSONDecoder()
}
