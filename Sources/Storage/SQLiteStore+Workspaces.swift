import Foundation
import GRDB

extension SQLiteStore: WorkspaceRepository {
    static func migrateWorkspaces(_ db: Database) throws {
        try db.create(table: "workspace") { t in
            t.primaryKey("userID", .text)
            t.column("state", .text).notNull()
            t.column("updatedAt", .datetime).notNull()
        }
    }

    public func workspace(of userID: String) async throws -> WorkspaceRecord? {
        try await read { db in try WorkspaceRecord.fetchOne(db, key: userID) }
    }

    public func save(_ workspace: WorkspaceRecord) async throws {
        try await write { db in try workspace.save(db) }
    }
}
