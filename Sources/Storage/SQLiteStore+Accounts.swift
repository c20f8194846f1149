import Foundation
import GRDB

extension SQLiteStore: AccountRepository {
    static func migrateAccounts(_ db: Database) throws {
        try db.create(table: "user") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("nameKey", .text).notNull().unique()
            t.column("passwordHash", .text).notNull()
            t.column("isAdmin", .boolean).notNull()
            t.column("disabled", .boolean).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("passwordChangedAt", .datetime).notNull()
            t.column("lastLoginAt", .datetime)
        }
        try db.create(table: "session") { t in
            t.primaryKey("id", .text)
            t.column("userID", .text).notNull().indexed().references("user", onDelete: .cascade)
            t.column("csrfToken", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("lastSeenAt", .datetime).notNull()
            t.column("expiresAt", .datetime).notNull()
        }
        try db.create(table: "apiToken") { t in
            t.primaryKey("id", .text)
            t.column("userID", .text).notNull().indexed().references("user", onDelete: .cascade)
            t.column("name", .text).notNull()
            t.column("tokenHash", .text).notNull().unique()
            t.column("prefix", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("expiresAt", .datetime)
            t.column("lastUsedAt", .datetime)
        }
    }

    public func insert(_ user: UserRecord) async throws {
        try await write { db in
            if try UserRecord.filter(Column("nameKey") == user.nameKey).fetchCount(db) > 0 {
                throw StorageError.invalid("a user named '\(user.name)' exists already")
            }
            try user.insert(db)
        }
    }

    public func user(_ id: String) async throws -> UserRecord {
        try await read { db in try Self.fetch(UserRecord.self, id, kind: "user", in: db) }
    }

    public func user(named name: String) async throws -> UserRecord? {
        let key = UserRecord.key(of: name)
        return try await read { db in try UserRecord.filter(Column("nameKey") == key).fetchOne(db) }
    }

    public func users() async throws -> [UserRecord] {
        try await read { db in try UserRecord.order(Column("nameKey")).fetchAll(db) }
    }

    public func userCount() async throws -> Int {
        try await read { db in try UserRecord.fetchCount(db) }
    }

    public func update(_ user: UserRecord) async throws {
        try await write { db in
            guard try UserRecord.exists(db, key: user.id) else {
                throw StorageError.notFound(kind: "user", id: user.id)
            }
            try user.update(db)
        }
    }

    public func insert(_ session: SessionRecord) async throws {
        try await write { db in try session.insert(db) }
    }

    public func session(_ id: String) async throws -> SessionRecord? {
        try await read { db in try SessionRecord.fetchOne(db, key: id) }
    }

    public func touchSession(_ id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE session SET lastSeenAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func deleteSession(_ id: String) async throws {
        try await write { db in _ = try SessionRecord.deleteOne(db, key: id) }
    }

    @discardableResult public func deleteSessions(of userID: String) async throws -> Int {
        try await write { db in try SessionRecord.filter(Column("userID") == userID).deleteAll(db) }
    }

    public func deleteExpiredSessions(now: Date, idleBefore: Date) async throws {
        try await write { db in
            _ = try SessionRecord.filter(Column("expiresAt") <= now || Column("lastSeenAt") < idleBefore).deleteAll(db)
        }
    }

    public func insert(_ token: APITokenRecord) async throws {
        try await write { db in
            _ = try Self.fetch(UserRecord.self, token.userID, kind: "user", in: db)
            try token.insert(db)
        }
    }

    public func token(hash: String) async throws -> APITokenRecord? {
        try await read { db in try APITokenRecord.filter(Column("tokenHash") == hash).fetchOne(db) }
    }

    public func tokens(of userID: String) async throws -> [APITokenRecord] {
        try await read { db in
            try APITokenRecord.filter(Column("userID") == userID).order(Column("createdAt").desc).fetchAll(db)
        }
    }

    public func touchToken(_ id: String, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE apiToken SET lastUsedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func deleteToken(_ id: String, of userID: String) async throws -> Bool {
        try await write { db in
            try APITokenRecord.filter(Column("id") == id && Column("userID") == userID).deleteAll(db) > 0
        }
    }
}
