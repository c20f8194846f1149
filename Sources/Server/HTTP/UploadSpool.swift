import Basics
import Foundation
import Hummingbird
import Storage

/// Request bodies written to temporary files in the data folder as they arrive, so an upload of any accepted
/// size is never held in memory whole. Each file is then mapped for reading and unlinked at once: the mapping
/// keeps its bytes readable (paged in from disk as they are used) until the last `Data` referring to them is
/// gone, and a crash leaves at most a `.tmp` file that the start-up sweep removes.
struct UploadSpool: Sendable {
    /// The folder of the data folder that holds bodies being received.
    static let folder = "uploads"
    /// How often, in bytes received, the disk's free space is checked against the reserve.
    static let spaceCheckInterval = 8 << 20

    let blobs: BlobStore
    /// Largest body accepted, bytes; a larger one is refused with 413 as soon as it is known to be larger.
    let limit: Int
    /// Most files one multipart upload may hold (`ServerLimits.maxUploadFiles`); more are refused with 413.
    let maxFiles: Int
    /// The slowest average rate a body may arrive at once it has taken `slowBodyGraceSeconds`, bytes per second
    /// (`ServerLimits.minimumUploadBytesPerSecond`, `idleTimeoutSeconds`).
    let minimumBytesPerSecond: Int
    let slowBodyGraceSeconds: Int

    /// The whole body of `request`, spooled; 400 when it is empty.
    func body(of request: Request) async throws -> Data {
        let data = try await spooled(request)
        guard !data.isEmpty else { throw ServerError.badRequest("the request body is empty") }
        return data
    }

    private func spooled(_ request: Request) async throws -> Data {
        let file = try SpoolFile(folder: try folderURL())
        try await receive(request) { buffer in try buffer.withUnsafeReadableBytes { try file.write($0) } }
        return try file.mapped()
    }

    /// Hands the body's chunks to `handle` as they arrive, holding the body to the size limit, the disk's reserve
    /// and the minimum rate (`account`).
    private func receive(_ request: Request, _ handle: (ByteBuffer) throws -> Void) async throws {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        var received = 0
        let started = ContinuousClock.now
        for try await buffer in request.body {
            try account(buffer.readableBytes, received: &received, since: started)
            try handle(buffer)
        }
    }

    /// The files of an upload: the file parts of a multipart form, or the raw body named by `?name=`.
    func files(of request: Request) async throws -> [UploadedFile] {
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartParser.boundary(contentType: contentType)
        else {
            guard let name = request.uri.queryParameters.get("name"), !name.isEmpty else {
                throw ServerError.badRequest("send images as multipart/form-data, or as the raw body with ?name=FILE")
            }
            let data = try await spooled(request)
            guard !data.isEmpty else { throw ServerError.badRequest("the upload '\(name)' is empty") }
            return [UploadedFile(name: name, data: data)]
        }
        let folder = try folderURL()
        var parser = try MultipartParser(boundary: boundary)
        var finished: [(name: String, file: SpoolFile)] = []
        var current: (name: String, file: SpoolFile)?
        try await receive(request) { buffer in
            try parser.feed(buffer.readableBytesView) { event in
                switch event {
                case .begin(let headers):
                    // Only file fields are uploads; other fields' bytes are read and dropped.
                    guard let filename = headers.filename else { return }
                    guard finished.count < maxFiles else {
                        throw ServerError(.contentTooLarge, "an upload may hold at most \(maxFiles) files")
                    }
                    current = (filename.isEmpty ? "upload" : filename, try SpoolFile(folder: folder))
                case .bytes(let bytes):
                    try current?.file.write(bytes)
                case .end:
                    if let part = current {
                        part.file.finishWriting()  // its descriptor closed: only the file waits for the body's end
                        finished.append(part)
                    }
                    current = nil
                }
            }
        }
        try parser.finish()
        guard !finished.isEmpty else {
            throw ServerError.badRequest("the form has no file parts (give each image as a file field)")
        }
        return try finished.map { UploadedFile(name: $0.name, data: try $0.file.mapped()) }
    }

    /// Counts `count` more bytes: 413 past the limit, 507 when the disk's reserve would be reached, 408 when the
    /// body has been arriving for longer than the grace period at less than the minimum rate (a client trickling
    /// a body would otherwise hold its file and connection for as long as it likes).
    private func account(_ count: Int, received: inout Int, since started: ContinuousClock.Instant) throws {
        let before = received
        received += count
        guard received <= limit else { throw tooLarge }
        let seconds = (ContinuousClock.now - started).seconds
        if seconds > Double(slowBodyGraceSeconds), Double(received) < seconds * Double(minimumBytesPerSecond) {
            throw ServerError(
                .requestTimeout,
                "the request body arrived slower than \(minimumBytesPerSecond >> 10) KiB/s; send it faster or in parts")
        }
        if before / Self.spaceCheckInterval != received / Self.spaceCheckInterval || before == 0 {
            try blobs.checkSpace(for: Self.spaceCheckInterval)
        }
    }

    private var tooLarge: ServerError {
        ServerError(.contentTooLarge, "the request body is larger than the server accepts (at most \(limit) bytes)")
    }

    private func folderURL() throws -> URL {
        let url = blobs.url(Self.folder)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw StorageError.unreadableBlob(path: Self.folder, reason: "the upload folder cannot be created")
        }
        return url
    }
}

/// One body (or part) being received: an exclusive temporary file, removed when it is mapped or dropped.
private final class SpoolFile {
    private let url: URL
    private var descriptor: Int32
    private var count = 0

    init(folder: URL) throws {
        url = folder.appendingPathComponent(".upload-\(UUID().uuidString).tmp")
        descriptor = open(url.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError.unreadableBlob(path: UploadSpool.folder, reason: "an upload file cannot be created")
        }
    }

    deinit {
        finishWriting()
        unlink(url.path)
    }

    /// Closes the file for writing (nothing more can be written).
    func finishWriting() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `bytes`, all of them (short writes are continued).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == ENOSPC { throw StorageError.insufficientSpace(needed: bytes.count, available: 0) }
                throw StorageError.unreadableBlob(path: UploadSpool.folder, reason: "an upload could not be written")
            }
            offset += written
        }
        count += bytes.count
    }

    /// The bytes written, mapped from the file, which is closed and unlinked.
    func mapped() throws -> Data {
        finishWriting()
        defer { unlink(url.path) }
        guard count > 0 else { return Data() }  // an empty file cannot be mapped
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw StorageError.unreadableBlob(path: UploadSpool.folder, reason: "an upload could not be read back")
        }
    }
}
