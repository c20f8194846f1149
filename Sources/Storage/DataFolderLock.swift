import Foundation

/// Exclusive use of a data folder by one process: an advisory lock (`flock`) on `<folder>/.lock`, held until
/// this value is released or the process ends (the kernel drops it even after kill -9, so a crash never leaves
/// the folder locked). Two servers on one folder would both run its jobs and race on its files.
public final class DataFolderLock: Sendable {
    private let descriptor: Int32
    public let folder: URL

    /// Takes the lock, or throws `StorageError.folderInUse` at once when another process holds it.
    public init(folder: URL) throws {
        self.folder = folder
        let path = folder.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StorageError.unreadableBlob(path: ".lock", reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StorageError.folderInUse(path: folder.path)
        }
        // The holder's process id, for an administrator looking at the folder.
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
