import Foundation
import Settings
import Testing

@testable import Storage

@Suite struct MembershipStoreTests {
    func user(_ store: SQLiteStore, _ name: String, admin: Bool = false) async throws -> UserRecord {
        let user = UserRecord(name: name, passwordHash: "$2b$04$notarealhash", isAdmin: admin)
        try await store.insert(user)
        return user
    }

    func project(_ name: String) -> ProjectRecord {
        ProjectRecord(name: name, channelNames: ["dapi"], classNames: ["cell"])
    }

    @Test func aProjectIsMadeWithItsOwnerAndKeepsOne() async throws {
        let store = try SQLiteStore()
        let alice = try await user(store, "alice")
        let bob = try await user(store, "bob")
        let project = project("a")
        try await store.insert(project, ownedBy: alice.id)
        #expect(try await store.membership(of: alice.id, in: project.id)?.role == .owner)
        #expect(try await store.membership(of: bob.id, in: project.id) == nil)

        try await store.setRole(.viewer, of: bob.id, in: project.id)
        #expect(try await store.members(of: project.id).map(\.user.name) == ["alice", "bob"])
        #expect(try await store.projects(of: bob.id).map(\.role) == [.viewer])
        // The last owner can neither step down nor leave.
        await #expect(throws: StorageError.self) { try await store.setRole(.annotator, of: alice.id, in: project.id) }
        await #expect(throws: StorageError.self) { _ = try await store.removeMember(alice.id, from: project.id) }
        try await store.setRole(.owner, of: bob.id, in: project.id)
        #expect(try await store.removeMember(alice.id, from: project.id))
        #expect(try await store.removeMember(alice.id, from: project.id) == false)
        #expect(try await store.projects(of: alice.id).isEmpty)
        // No such project.
        await #expect(throws: StorageError.notFound(kind: "project", id: "0123456789abcdef")) {
            try await store.setRole(.viewer, of: alice.id, in: "0123456789abcdef")
        }
    }

    @Test func deletingAProjectEndsItsMemberships() async throws {
        let store = try SQLiteStore()
        let alice = try await user(store, "alice")
        let project = project("a")
        try await store.insert(project, ownedBy: alice.id)
        try await store.deleteProject(project.id)
        #expect(try await store.projects(of: alice.id).isEmpty)
        #expect(try await store.members(of: project.id).isEmpty)
    }

    @Test func ownerlessProjectsAreClaimedOnce() async throws {
        let store = try SQLiteStore()
        let alice = try await user(store, "alice")
        let ada = try await user(store, "ada", admin: true)
        let owned = project("owned")
        try await store.insert(owned, ownedBy: alice.id)
        let single = project("single-user")
        try await store.insert(single)
        #expect(try await store.claimOwnerlessProjects(for: ada.id) == 1)
        #expect(try await store.projects(of: ada.id).map(\.project.id) == [single.id])
        #expect(try await store.claimOwnerlessProjects(for: alice.id) == 0)
    }
}
