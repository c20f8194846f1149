import Foundation
import GRDB

extension SQLiteStore: AuditRepository {
    static func migrateAudit(_ db: Database) throws {
        try db.create(table: "audit") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.column("userID", .text).notNull()
            t.column("userName", .text).notNull()
            // No foreign key: entries outlive the projects and accounts they name.
            t.column("projectID", .text).indexed()
            t.column("action", .text).notNull()
            t.column("objectID", .text)
            t.column("detail", .text).notNull()
        }
    }

    public func append(_ entry: AuditRecord) async throws {
        try await write { db in
            var entry = entry
            try entry.insert(db)
        }
    }

    public func auditEntries(projectID: String?, before: Int64?, limit: Int) async throws -> [AuditRecord] {
        try await read { db in
            var request = AuditRecord.all()
            request =
                projectID.map { request.filter(Column("projectID") == $0) }
                ?? request.filter(Column("projectID") == nil)
            if let before { request = request.filter(Column("id") < before) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }
}
