import Foundation
import GRDB

extension SQLiteStore: MembershipRepository {
    static func migrateMembers(_ db: Database) throws {
        try db.create(table: "membership") { t in
            t.column("projectID", .text).notNull().references("project", onDelete: .cascade)
            t.column("userID", .text).notNull().indexed().references("user", onDelete: .cascade)
            t.column("role", .text).notNull()
            t.column("updatedAt", .datetime).notNull()
            t.primaryKey(["projectID", "userID"])
        }
    }

    public func insert(_ project: ProjectRecord, ownedBy userID: String) async throws {
        try await write { db in
            try project.insert(db)
            try MembershipRecord(projectID: project.id, userID: userID, role: .owner).insert(db)
        }
    }

    public func membership(of userID: String, in projectID: String) async throws -> MembershipRecord? {
        try await read { db in
            try MembershipRecord.filter(Column("projectID") == projectID && Column("userID") == userID).fetchOne(db)
        }
    }

    public func members(of projectID: String) async throws -> [Member] {
        try await read { db in
            let memberships = try MembershipRecord.filter(Column("projectID") == projectID).fetchAll(db)
            let users = try UserRecord.filter(keys: memberships.map(\.userID)).fetchAll(db)
            let byID = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0) })
            return memberships.compactMap { membership in
                byID[membership.userID].map { Member(membership: membership, user: $0) }
            }.sorted { ($0.membership.role, $1.user.nameKey) > ($1.membership.role, $0.user.nameKey) }
        }
    }

    public func projects(of userID: String) async throws -> [(project: ProjectRecord, role: ProjectRole)] {
        let rows = try await read { db in
            let memberships = try MembershipRecord.filter(Column("userID") == userID).fetchAll(db)
            let roles = Dictionary(uniqueKeysWithValues: memberships.map { ($0.projectID, $0.role) })
            let projects = try ProjectRecord.filter(keys: memberships.map(\.projectID)).order(Column("createdAt"))
                .fetchAll(db)
            return projects.compactMap { project in
                roles[project.id].map { ProjectWithRole(project: project, role: $0) }
            }
        }
        return rows.map { ($0.project, $0.role) }
    }

    public func setRole(_ role: ProjectRole, of userID: String, in projectID: String) async throws {
        try await write { db in
            _ = try Self.fetch(ProjectRecord.self, projectID, kind: "project", in: db)
            if let current = try MembershipRecord.filter(Column("projectID") == projectID && Column("userID") == userID)
                .fetchOne(db), current.role == .owner, role != .owner
            {
                try Self.requireAnotherOwner(than: userID, in: projectID, db: db)
            }
            try MembershipRecord(projectID: projectID, userID: userID, role: role).save(db)
        }
    }

    public func removeMember(_ userID: String, from projectID: String) async throws -> Bool {
        try await write { db in
            let filter = MembershipRecord.filter(Column("projectID") == projectID && Column("userID") == userID)
            guard let current = try filter.fetchOne(db) else { return false }
            if current.role == .owner { try Self.requireAnotherOwner(than: userID, in: projectID, db: db) }
            return try filter.deleteAll(db) > 0
        }
    }

    public func claimOwnerlessProjects(for userID: String) async throws -> Int {
        try await write { db in
            let owned = try MembershipRecord.select(Column("projectID"), as: String.self).distinct().fetchSet(db)
            let ownerless = try ProjectRecord.fetchAll(db).filter { !owned.contains($0.id) }
            for project in ownerless {
                try MembershipRecord(projectID: project.id, userID: userID, role: .owner).insert(db)
            }
            return ownerless.count
        }
    }

    /// A project always keeps an owner: the last one can neither leave nor step down.
    static func requireAnotherOwner(than userID: String, in projectID: String, db: Database) throws {
        let owners = try MembershipRecord.filter(
            Column("projectID") == projectID && Column("role") == ProjectRole.owner.rawValue
                && Column("userID") != userID
        ).fetchCount(db)
        guard owners > 0 else {
            throw StorageError.invalid("a project keeps at least one owner: make another member owner first")
        }
    }
}

/// A row of `projects(of:)` (a Sendable value for the read closure).
private struct ProjectWithRole: Sendable {
    var project: ProjectRecord
    var role: ProjectRole
}
