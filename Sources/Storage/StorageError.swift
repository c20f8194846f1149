import Foundation

/// Why a storage operation failed. Descriptions are sentences a user (or the server's error mapping) can pass on.
public enum StorageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No `kind` (project, image, model, job) has this id.
    case notFound(kind: String, id: String)
    /// A stored file no longer matches the checksum recorded when it was written.
    case corruptBlob(path: String, expected: String, found: String)
    /// A stored file is missing or cannot be read or written.
    case unreadableBlob(path: String, reason: String)
    /// The edit was based on an older version than the one stored (optimistic concurrency).
    case versionConflict(kind: String, id: String, expected: String, current: String)
    /// A value cannot be stored as given.
    case invalid(String)
    /// The database could not be opened or migrated.
    case database(String)
    /// The data folder's disk has too little free space for a write of `needed` bytes (it keeps `reserve` free).
    case insufficientSpace(needed: Int, available: Int)
    /// Another process (a second server) holds the data folder.
    case folderInUse(path: String)

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    public var description: String {
        switch self {
        case .notFound(let kind, let id): "no \(kind) with id '\(id)'"
        case .corruptBlob(let path, let expected, let found):
            "the stored file '\(path)' is corrupt: its SHA-256 is \(found.prefix(12))…, \(expected.prefix(12))… was recorded"
        case .unreadableBlob(let path, let reason): "the stored file '\(path)' cannot be used: \(reason)"
        case .versionConflict(let kind, let id, let expected, let current):
            "the \(kind) of '\(id)' changed since version \(expected) (now \(current)); reload it and apply the edit again"
        case .invalid(let reason): reason
        case .database(let reason): "the database cannot be used: \(reason)"
        case .insufficientSpace(let needed, let available) where needed == 0 || available == 0:
            "the server's disk is full; nothing more can be stored until space is freed"
        case .insufficientSpace(let needed, let available):
            "the server's disk is too full to store \(Self.megabytes(needed)) (\(Self.megabytes(available)) free beyond its reserve)"
        case .folderInUse(let path):
            "the data folder \(path) is in use by another CellScribe server; stop it or give another --data folder"
        }
    }
}
