import Foundation
import GRDB

/// The job queue's rules, all here: one write transaction per transition, so concurrent workers (or a later
/// PostgreSQL implementation with `FOR UPDATE SKIP LOCKED`) never claim the same job twice.
extension SQLiteStore: JobQueue {
    public func enqueue(_ job: JobRecord) async throws {
        try await write { db in
            _ = try Self.fetch(ProjectRecord.self, job.projectID, kind: "project", in: db)
            try job.insert(db)
        }
    }

    public func job(_ id: String) async throws -> JobRecord {
        try await read { db in try Self.fetch(JobRecord.self, id, kind: "job", in: db) }
    }

    public func jobs(in projectID: String) async throws -> [JobRecord] {
        try await read { db in
            _ = try Self.fetch(ProjectRecord.self, projectID, kind: "project", in: db)
            return try JobRecord.filter(Column("projectID") == projectID).order(Column("createdAt").desc).fetchAll(db)
        }
    }

    public func claimNext(maxRunning: Int) async throws -> JobRecord? {
        try await write { db in
            let running = try JobRecord.filter(Column("state") == JobRecord.State.running.rawValue).fetchCount(db)
            guard running < maxRunning else { return nil }
            guard
                var job = try JobRecord.filter(Column("state") == JobRecord.State.queued.rawValue)
                    .order(Column("createdAt"), Column("id")).fetchOne(db)
            else { return nil }
            job.state = .running
            job.attempts += 1
            job.startedAt = job.startedAt ?? Date()
            try job.update(db)
            return job
        }
    }

    public func recordProgress(of id: String, progress: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE job SET progress = ? WHERE id = ?", arguments: [progress, id])
        }
    }

    public func finish(_ id: String, state: JobRecord.State, modelID: String?, error: String?) async throws {
        precondition(state.isFinal, "a job finishes as finished, failed or stopped")
        try await write { db in
            var job = try Self.fetch(JobRecord.self, id, kind: "job", in: db)
            job.state = state
            job.modelID = modelID ?? job.modelID
            job.error = error
            job.finishedAt = Date()
            try job.update(db)
        }
    }

    public func requestStop(_ id: String) async throws -> JobRecord {
        try await write { db in
            var job = try Self.fetch(JobRecord.self, id, kind: "job", in: db)
            guard !job.state.isFinal else { return job }
            job.stopRequested = true
            if job.state == .queued || job.state == .interrupted {
                job.state = .stopped
                job.finishedAt = Date()
            }
            try job.update(db)
            return job
        }
    }

    public func recoverInterrupted(maxAttempts: Int) async throws -> [String] {
        try await write { db in
            let left = try JobRecord.filter(
                [JobRecord.State.running.rawValue, JobRecord.State.interrupted.rawValue]
                    .contains(Column("state"))
            ).fetchAll(db)
            var requeued: [String] = []
            for var job in left {
                if job.attempts >= maxAttempts {
                    job.state = .failed
                    job.error =
                        "interrupted \(job.attempts) times (the server stopped while it trained); not resumed again"
                    job.finishedAt = Date()
                } else {
                    job.state = .queued
                    requeued.append(job.id)
                }
                try job.update(db)
            }
            return requeued
        }
    }
}
