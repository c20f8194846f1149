import Foundation
import GRDB

/// The `Store` on SQLite (GRDB): one database file in the data folder, in WAL mode so reads never wait for a
/// write, with `synchronous = FULL` so a committed transaction survives a power cut as well as a crash (WAL's
/// NORMAL would only guarantee the latter). The SQL is plain (tables, indexes, foreign keys with cascading
/// deletes) so it ports to PostgreSQL.
public final class SQLiteStore: Sendable {
    let database: any DatabaseWriter

    /// Opens (creating and migrating) the database at `url`.
    public init(url: URL) throws {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            database = try DatabasePool(path: url.path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StorageError.database("\(url.path): \(error.message ?? error.description)")
        }
    }

    /// An in-memory database (tests).
    public init() throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        database = try DatabaseQueue(configuration: configuration)
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "project") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("channelNames", .text).notNull()
                t.column("classNames", .text).notNull()
                t.column("task", .text).notNull()
                t.column("settings", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "image") { t in
                t.primaryKey("id", .text)
                t.column("projectID", .text).notNull().indexed().references("project", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("path", .text).notNull()
                t.column("checksum", .text).notNull()
                t.column("byteCount", .integer).notNull()
                t.column("channels", .integer).notNull()
                t.column("depth", .integer).notNull()
                t.column("height", .integer).notNull()
                t.column("width", .integer).notNull()
                t.column("scribbleVersion", .integer).notNull()
                t.column("scribblePath", .text)
                t.column("scribbleChecksum", .text)
                t.column("scribbledForeground", .integer).notNull()
                t.column("scribbledBackground", .integer).notNull()
                t.column("predictedModelID", .text)
                t.column("meanEntropy", .double)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "model") { t in
                t.primaryKey("id", .text)
                t.column("projectID", .text).notNull().indexed().references("project", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("parentID", .text)
                t.column("jobID", .text)
                t.column("path", .text).notNull()
                t.column("checksum", .text).notNull()
                t.column("byteCount", .integer).notNull()
                t.column("metrics", .text).notNull()
                t.column("settings", .text).notNull()
                t.column("scribbleSnapshot", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["projectID", "version"])
            }
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("projectID", .text).notNull().indexed().references("project", onDelete: .cascade)
                t.column("state", .text).notNull().indexed()
                t.column("settings", .text).notNull()
                t.column("parentModelID", .text)
                t.column("modelID", .text)
                t.column("progress", .text)
                t.column("error", .text)
                t.column("attempts", .integer).notNull()
                t.column("stopRequested", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
            }
        }
        migrator.registerMigration("v2-accounts", migrate: migrateAccounts)
        migrator.registerMigration("v3-members", migrate: migrateMembers)
        migrator.registerMigration("v4-audit", migrate: migrateAudit)
        migrator.registerMigration("v5-workspaces", migrate: migrateWorkspaces)
        return migrator
    }

    /// Runs `body` in a write transaction, mapping database errors to `StorageError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw StorageError.insufficientSpace(needed: 0, available: 0)
        } catch let error as DatabaseError {
            throw StorageError.database(error.message ?? error.description)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as DatabaseError {
            throw StorageError.database(error.message ?? error.description)
        }
    }

    /// The record with `id`, or `StorageError.notFound`.
    static func fetch<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ id: String, kind: String, in db: Database
    ) throws -> Record {
        guard let record = try Record.fetchOne(db, key: id) else { throw StorageError.notFound(kind: kind, id: id) }
        return record
    }
}

extension SQLiteStore: ProjectRepository {
    public func insert(_ project: ProjectRecord) async throws {
        try await write { db in try project.insert(db) }
    }

    public func project(_ id: String) async throws -> ProjectRecord {
        try await read { db in try Self.fetch(ProjectRecord.self, id, kind: "project", in: db) }
    }

    public func projects() async throws -> [ProjectRecord] {
        try await read { db in try ProjectRecord.order(Column("createdAt")).fetchAll(db) }
    }

    public func deleteProject(_ id: String) async throws {
        try await write { db in
            guard try ProjectRecord.deleteOne(db, key: id) else { throw StorageError.notFound(kind: "project", id: id) }
        }
    }
}

extension SQLiteStore: ImageRepository {
    public func insert(_ image: ImageRecord) async throws {
        try await write { db in
            _ = try Self.fetch(ProjectRecord.self, image.projectID, kind: "project", in: db)
            try image.insert(db)
        }
    }

    public func image(_ id: String) async throws -> ImageRecord {
        try await read { db in try Self.fetch(ImageRecord.self, id, kind: "image", in: db) }
    }

    public func images(in projectID: String) async throws -> [ImageRecord] {
        try await read { db in
            _ = try Self.fetch(ProjectRecord.self, projectID, kind: "project", in: db)
            return try ImageRecord.filter(Column("projectID") == projectID).order(Column("createdAt"), Column("name"))
                .fetchAll(db)
        }
    }

    public func deleteImage(_ id: String) async throws {
        try await write { db in
            guard try ImageRecord.deleteOne(db, key: id) else { throw StorageError.notFound(kind: "image", id: id) }
        }
    }

    public func updateScribbles(
        of id: String, expectedVersion: Int, path: String, checksum: String, foreground: Int, background: Int
    ) async throws -> ImageRecord {
        try await write { db in
            var image = try Self.fetch(ImageRecord.self, id, kind: "image", in: db)
            guard image.scribbleVersion == expectedVersion else {
                throw StorageError.versionConflict(
                    kind: "scribbles", id: id, expected: "\(expectedVersion)", current: "\(image.scribbleVersion)")
            }
            image.scribbleVersion += 1
            image.scribblePath = path
            image.scribbleChecksum = checksum
            image.scribbledForeground = foreground
            image.scribbledBackground = background
            try image.update(db)
            return image
        }
    }

    public func updatePrediction(of id: String, modelID: String, meanEntropy: Double?) async throws {
        try await write { db in
            var image = try Self.fetch(ImageRecord.self, id, kind: "image", in: db)
            image.predictedModelID = modelID
            image.meanEntropy = meanEntropy
            try image.update(db)
        }
    }
}

extension SQLiteStore: ModelRepository {
    public func insertNextVersion(_ model: ModelRecord) async throws -> ModelRecord {
        try await write { db in
            let latest = try Int.fetchOne(
                db, sql: "SELECT MAX(version) FROM model WHERE projectID = ?", arguments: [model.projectID])
            var stored = model
            stored.version = (latest ?? 0) + 1
            try stored.insert(db)
            return stored
        }
    }

    public func model(_ id: String) async throws -> ModelRecord {
        try await read { db in try Self.fetch(ModelRecord.self, id, kind: "model", in: db) }
    }

    public func models(in projectID: String) async throws -> [ModelRecord] {
        try await read { db in
            _ = try Self.fetch(ProjectRecord.self, projectID, kind: "project", in: db)
            return try ModelRecord.filter(Column("projectID") == projectID).order(Column("version").desc).fetchAll(db)
        }
    }
}
