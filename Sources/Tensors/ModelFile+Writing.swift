import Foundation

extension ModelFile {
    /// Writes the file atomically: the bytes go to a temporary file in the destination's folder, are flushed,
    /// then renamed over `url`, so readers see the old file or the complete new one, never a partial file.
    ///
    /// Tensors are stored as F32 in plain row-major order, sorted by name.
    ///
    /// - Throws: `TensorsError.modelFile` naming `url` when a tensor is named `__metadata__` or the file cannot
    ///   be written; no temporary file is left behind.
    public func write(to url: URL) throws {
        try AtomicWrite.write(try encoded(path: url.path), to: url)
    }

    /// The complete file contents.
    func encoded(path: String) throws -> Data {
        let names = tensors.keys.sorted()
        guard !names.contains(Self.metadataName) else {
            throw TensorsError.modelFile(path: path, reason: "a tensor cannot be named '\(Self.metadataName)'")
        }
        var entries: [String: Any] = [:]
        var dataCount = 0
        for name in names {
            let tensor = tensors[name]!
            let end = dataCount + tensor.elementCount * MemoryLayout<Float>.size
            entries[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [dataCount, end]] as [String: Any]
            dataCount = end
        }
        if !metadata.isEmpty { entries[Self.metadataName] = metadata }
        var header = try JSONSerialization.data(
            withJSONObject: entries, options: [.sortedKeys, .withoutEscapingSlashes])
        // Pad with spaces so the data section starts 8-byte aligned, as the reference implementation does.
        header.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var file = Data(capacity: 8 + header.count + dataCount)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        for name in names {
            try appendLittleEndian(try tensors[name]!.plain(), to: &file)
        }
        return file
    }

    /// Name of the header entry holding the metadata.
    static let metadataName = "__metadata__"
}

/// Appends a plain tensor's values as little-endian Float32.
private func appendLittleEndian(_ plain: Tensor, to file: inout Data) throws {
    let count = plain.elementCount
    withExtendedLifetime(plain) {
        #if _endian(little)
            file.append(UnsafeBufferPointer(start: plain.storageFloats.baseAddress, count: count))
        #else
            for value in plain.storageFloats.prefix(count) {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { file.append(contentsOf: $0) }
            }
        #endif
    }
}

/// Writes files through a temporary file and a rename, so that no partial file ever appears at the destination.
enum AtomicWrite {
    /// Writes `data` to `url`. Throws `TensorsError.modelFile`; on failure the destination is untouched and the
    /// temporary file is removed.
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw TensorsError.modelFile(
                path: url.path, reason: "cannot be written: \(String(cString: strerror(errno)))")
        }
        var failure = writeAll(data, to: descriptor)
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw TensorsError.modelFile(path: url.path, reason: "cannot be written: \(failure)")
        }
    }

    /// Writes every byte, retrying interrupted and short writes; returns the error text on failure.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> String? {
        data.withUnsafeBytes { raw -> String? in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }
}
