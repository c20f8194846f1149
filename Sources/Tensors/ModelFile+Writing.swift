import Basics
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
        if let failure = AtomicWrite.write(try encoded(path: url.path), to: url) {
            throw TensorsError.modelFile(path: url.path, reason: "cannot be written: \(failure)")
        }
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
