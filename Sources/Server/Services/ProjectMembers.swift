import Accounts
import Storage

/// A project's members: listing, adding or changing a role (owners), and leaving or removing (owners remove
/// anyone, every member may leave). A project keeps at least one owner.
struct ProjectMembers: Sendable {
    let store: any Store
    let access: ProjectAccess

    /// Owners first, then by name.
    func members(of projectID: String) async throws -> [Member] { try await store.members(of: projectID) }

    /// Adds the user named `name` with `role`, or changes their role; returns the member as stored.
    ///
    /// - Throws: `ServiceError.notFound` for no such user; `StorageError.invalid` when the last owner steps down.
    func setRole(_ role: ProjectRole, of name: String, in projectID: String) async throws -> Member {
        let user = try await user(named: name)
        try await store.setRole(role, of: user.id, in: projectID)
        guard let membership = try await store.membership(of: user.id, in: projectID) else {
            throw ServiceError.notFound("'\(name)' is not a member of this project")
        }
        return Member(membership: membership, user: user)
    }

    /// Removes `name` from the project: anyone may leave, only those who may manage it remove others.
    ///
    /// - Throws: `ServiceError.notFound` for no such member; `.forbidden`; `StorageError.invalid` for the last
    ///   owner.
    func remove(_ name: String, from projectID: String, by identity: Identity) async throws {
        // Whether the name exists is for those who manage the project to learn, not for every member.
        if UserRecord.key(of: name) != UserRecord.key(of: identity.name) {
            _ = try await access.project(projectID, for: identity, to: .manage)
        }
        let user = try await user(named: name)
        guard try await store.removeMember(user.id, from: projectID) else {
            throw ServiceError.notFound("'\(name)' is not a member of this project")
        }
    }

    private func user(named name: String) async throws -> UserRecord {
        guard let user = try await store.user(named: name) else {
            throw ServiceError.notFound("no user named '\(name)'")
        }
        return user
    }
}
