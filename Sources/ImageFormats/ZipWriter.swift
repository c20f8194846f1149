import CImageCodecs
import Foundation

/// Assembles a zip archive in memory: entries stored or deflated, UTF-8 names, no Zip64 (archives and
/// entries up to 4 GiB, at most 65 535 entries). Timestamps are fixed (1980-01-01) so equal content gives
/// equal bytes.
struct ZipWriter {
    private var body = Data()
    private var directory = Data()
    private var count = 0

    /// Thrown when the archive would need Zip64 or a buffer cannot be deflated.
    struct Failure: Error { let reason: String }

    /// Appends `bytes` as `name`, deflated when `compress` is true (stored when deflating does not help).
    mutating func add(name: String, bytes: Data, compress: Bool) throws {
        let nameBytes = Data(name.utf8)
        let limit = Int(UInt32.max) - 1
        guard count < 0xFFFF else { throw Failure(reason: "more than 65 535 entries") }
        guard nameBytes.count <= 0xFFFF else { throw Failure(reason: "entry name longer than 65 535 bytes") }
        guard bytes.count <= limit, body.count <= limit else {
            throw Failure(
                reason: "entries and archives over 4 GiB are not written (entry '\(name)' has \(bytes.count) bytes)")
        }
        let crc = bytes.withUnsafeBytes { cs_zip_crc32($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        var payload = bytes
        var method: UInt16 = 0
        if compress, let deflated = try Self.deflate(bytes), deflated.count < bytes.count {
            payload = deflated
            method = 8
        }
        let offset = body.count
        var local = Data()
        local.append(le32: 0x0403_4b50)
        local.append(
            entryFields(method: method, crc: crc, compressed: payload.count, uncompressed: bytes.count, name: nameBytes)
        )
        local.append(nameBytes)
        body.append(local)
        body.append(payload)

        directory.append(le32: 0x0201_4b50)
        directory.append(le16: 0x0314)  // made by: Unix, zip 2.0
        directory.append(
            entryFields(method: method, crc: crc, compressed: payload.count, uncompressed: bytes.count, name: nameBytes)
        )
        directory.append(le16: 0)  // comment length
        directory.append(le16: 0)  // disk number
        directory.append(le16: 0)  // internal attributes
        directory.append(le32: 0o100644 << 16)  // external attributes: a regular file, rw-r--r--
        directory.append(le32: UInt32(offset))
        directory.append(nameBytes)
        count += 1
    }

    /// The finished archive.
    func finish() throws -> Data {
        guard body.count <= Int(UInt32.max) - 1, directory.count <= Int(UInt32.max) - 1 else {
            throw Failure(reason: "archives over 4 GiB are not written")
        }
        var out = body
        out.append(directory)
        out.append(le32: 0x0605_4b50)
        out.append(le16: 0)
        out.append(le16: 0)
        out.append(le16: UInt16(count))
        out.append(le16: UInt16(count))
        out.append(le32: UInt32(directory.count))
        out.append(le32: UInt32(body.count))
        out.append(le16: 0)
        return out
    }

    /// The fields shared by local and central headers, from "version needed" to "extra field length".
    private func entryFields(method: UInt16, crc: UInt32, compressed: Int, uncompressed: Int, name: Data) -> Data {
        var fields = Data()
        fields.append(le16: 20)  // version needed: 2.0
        fields.append(le16: 0x0800)  // names are UTF-8
        fields.append(le16: method)
        fields.append(le16: 0)  // time 00:00:00
        fields.append(le16: 0x21)  // date 1980-01-01
        fields.append(le32: crc)
        fields.append(le32: UInt32(compressed))
        fields.append(le32: UInt32(uncompressed))
        fields.append(le16: UInt16(name.count))
        fields.append(le16: 0)  // extra field length
        return fields
    }

    private static func deflate(_ bytes: Data) throws -> Data? {
        var out = Data(count: cs_zip_deflate_bound(bytes.count))
        let length = bytes.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> Int in
            out.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int in
                cs_zip_deflate_raw(
                    source.bindMemory(to: UInt8.self).baseAddress, source.count,
                    target.bindMemory(to: UInt8.self).baseAddress, target.count)
            }
        }
        guard length > 0 else { throw Failure(reason: "zlib could not deflate \(bytes.count) bytes") }
        out.count = length
        return out
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    fileprivate mutating func append(le32 value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
