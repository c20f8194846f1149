import CImageCodecs
import Foundation

/// A read-only view of a zip archive held in memory: its central directory, parsed with every offset and
/// size checked against the bytes actually present, and the contents of single entries.
///
/// CellScribe reads zips itself, over zlib, because damaged archives must fail quickly with a reason: the
/// Swift zip package it used before trapped on some damaged archives and looped forever on others.
/// Supports stored and deflated entries and Zip64 (NumPy writes `.npz` entries with Zip64 extra fields).
struct ZipDirectory {
    /// One file or folder listed in the central directory.
    struct Entry {
        var name: String
        /// 0 = stored, 8 = deflated; others are refused when the entry is read.
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int

        var isDirectory: Bool { name.hasSuffix("/") }
        var isEncrypted: Bool { flags & 1 != 0 }
    }

    /// Why an archive or an entry cannot be read.
    enum Failure: Error, Equatable {
        /// Damaged or inconsistent bytes.
        case corrupt(String)
        /// A valid archive using something CellScribe does not read (encryption, other compression methods).
        case unsupported(String)
    }

    let data: Data
    /// The entries in central-directory order.
    let entries: [Entry]

    /// Parses the central directory of `data`. Throws `ZipDirectory.Failure` when `data` is not a complete zip archive or
    /// it lists more than `maxEntries` entries.
    init(_ data: Data, maxEntries: Int) throws {
        self.data = data
        self.entries = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [Entry] in
            try Self.parseCentralDirectory(LittleEndianBytes(raw), maxEntries: maxEntries)
        }
    }

    /// The file entries (folders left out).
    var files: [Entry] { entries.filter { !$0.isDirectory } }

    /// The uncompressed bytes of `entry`, checked against its size and CRC-32.
    func contents(of entry: Entry) throws -> Data {
        if entry.isEncrypted { throw ZipDirectory.Failure.unsupported("entry '\(entry.name)' is encrypted") }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipDirectory.Failure.unsupported(
                "entry '\(entry.name)' uses \(Self.methodName(entry.method)) compression (only stored and deflate are read)"
            )
        }
        let payload = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Range<Int> in
            try Self.payloadRange(of: entry, in: LittleEndianBytes(raw))
        }
        var out = Data(count: entry.uncompressedSize)
        if entry.method == 0 {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZipDirectory.Failure.corrupt(
                    "stored entry '\(entry.name)' has compressed size \(entry.compressedSize) but size \(entry.uncompressedSize)"
                )
            }
            out = data.subdata(in: (data.startIndex + payload.lowerBound)..<(data.startIndex + payload.upperBound))
        } else {
            try inflate(entry, payload: payload, into: &out)
        }
        let crc = out.withUnsafeBytes { cs_zip_crc32($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        guard crc == entry.crc32 else {
            throw ZipDirectory.Failure.corrupt(
                "entry '\(entry.name)' fails its CRC-32 check (stored \(hex(entry.crc32)), computed \(hex(crc)))")
        }
        return out
    }

    private func inflate(_ entry: Entry, payload: Range<Int>, into out: inout Data) throws {
        var produced = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> cs_zip_inflate_status in
            out.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> cs_zip_inflate_status in
                let input = source.bindMemory(to: UInt8.self).baseAddress.map { $0 + payload.lowerBound }
                let output = target.bindMemory(to: UInt8.self).baseAddress
                return cs_zip_inflate_raw(input, payload.count, output, target.count, &produced, &message)
            }
        }
        switch status {
        case CS_ZIP_INFLATE_OK:
            return
        case CS_ZIP_INFLATE_TOO_LONG:
            throw ZipDirectory.Failure.corrupt(
                "entry '\(entry.name)' inflates to more than its stated \(entry.uncompressedSize) bytes")
        case CS_ZIP_INFLATE_TOO_SHORT:
            throw ZipDirectory.Failure.corrupt(
                "entry '\(entry.name)' inflates to \(produced) bytes, short of its stated \(entry.uncompressedSize)")
        default:
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ZipDirectory.Failure.corrupt("entry '\(entry.name)' has damaged deflate data (\(reason))")
        }
    }

    // MARK: Layout

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50
    private static let endRecordSize = 22
    private static let centralHeaderSize = 46
    private static let localHeaderSize = 30

    private static func parseCentralDirectory(_ bytes: LittleEndianBytes, maxEntries: Int) throws -> [Entry] {
        guard let end = findEndRecord(bytes) else {
            throw ZipDirectory.Failure.corrupt(
                "no end-of-central-directory record (the archive is truncated or not a zip)")
        }
        var count = Int(bytes.u16(end + 10)!)
        var directorySize = Int(bytes.u32(end + 12)!)
        var directoryOffset = Int(bytes.u32(end + 16)!)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            (count, directorySize, directoryOffset) = try zip64Directory(bytes, endRecord: end)
        }
        guard count <= maxEntries else {
            throw ZipDirectory.Failure.corrupt(
                "the archive lists \(count) entries, more than the limit of \(maxEntries)")
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw ZipDirectory.Failure.corrupt(
                "the central directory (offset \(directoryOffset), \(directorySize) bytes) lies outside the \(bytes.count)-byte file"
            )
        }
        guard count <= directorySize / centralHeaderSize else {
            throw ZipDirectory.Failure.corrupt(
                "the central directory claims \(count) entries but has room for at most \(directorySize / centralHeaderSize)"
            )
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var position = directoryOffset
        for index in 0..<count {
            let entry = try centralEntry(bytes, at: position, index: index)
            entries.append(entry.entry)
            position = entry.next
        }
        return entries
    }

    /// The offset of the end-of-central-directory record: the last signature whose comment length reaches
    /// exactly to the end of the file.
    private static func findEndRecord(_ bytes: LittleEndianBytes) -> Int? {
        guard bytes.count >= endRecordSize else { return nil }
        let lowest = max(0, bytes.count - endRecordSize - 0xFFFF)
        var position = bytes.count - endRecordSize
        while position >= lowest {
            if bytes.u32(position) == endSignature, let comment = bytes.u16(position + 20),
                position + endRecordSize + Int(comment) == bytes.count
            {
                return position
            }
            position -= 1
        }
        return nil
    }

    private static func zip64Directory(_ bytes: LittleEndianBytes, endRecord: Int) throws -> (Int, Int, Int) {
        let locator = endRecord - 20
        guard locator >= 0, bytes.u32(locator) == zip64LocatorSignature, let recordOffset = bytes.u64(locator + 8)
        else {
            throw ZipDirectory.Failure.corrupt(
                "the end record points to a Zip64 directory but the Zip64 locator is missing")
        }
        guard recordOffset <= UInt64(bytes.count), bytes.u32(Int(recordOffset)) == zip64EndSignature,
            let count = bytes.u64(Int(recordOffset) + 32), let size = bytes.u64(Int(recordOffset) + 40),
            let offset = bytes.u64(Int(recordOffset) + 48)
        else { throw ZipDirectory.Failure.corrupt("the Zip64 end-of-central-directory record is missing or truncated") }
        guard count <= UInt64(Int32.max), size <= UInt64(bytes.count), offset <= UInt64(bytes.count) else {
            throw ZipDirectory.Failure.corrupt(
                "the Zip64 directory claims \(count) entries in \(size) bytes at offset \(offset), beyond the \(bytes.count)-byte file"
            )
        }
        return (Int(count), Int(size), Int(offset))
    }

    private static func centralEntry(_ bytes: LittleEndianBytes, at position: Int, index: Int) throws -> (
        entry: Entry, next: Int
    ) {
        guard bytes.u32(position) == centralSignature, let flags = bytes.u16(position + 8),
            let method = bytes.u16(position + 10), let crc = bytes.u32(position + 16),
            let compressed32 = bytes.u32(position + 20), let uncompressed32 = bytes.u32(position + 24),
            let nameLength = bytes.u16(position + 28), let extraLength = bytes.u16(position + 30),
            let commentLength = bytes.u16(position + 32), let offset32 = bytes.u32(position + 42)
        else { throw ZipDirectory.Failure.corrupt("central directory entry \(index + 1) is missing or truncated") }
        let nameStart = position + centralHeaderSize
        let extraStart = nameStart + Int(nameLength)
        let next = extraStart + Int(extraLength) + Int(commentLength)
        guard next <= bytes.count else {
            throw ZipDirectory.Failure.corrupt("central directory entry \(index + 1) runs past the end of the file")
        }
        let name = String(decoding: bytes.slice(nameStart..<extraStart), as: UTF8.self)
        var sizes = Zip64Sizes(
            uncompressed: UInt64(uncompressed32), compressed: UInt64(compressed32), offset: UInt64(offset32))
        try sizes.widen(from: bytes, extra: extraStart..<(extraStart + Int(extraLength)), entry: name)
        let limit = UInt64(bytes.count)
        guard sizes.compressed <= limit, sizes.offset <= limit, sizes.uncompressed <= UInt64(Int.max) else {
            throw ZipDirectory.Failure.corrupt(
                "entry '\(name)' states sizes or an offset beyond the \(bytes.count)-byte file")
        }
        let entry = Entry(
            name: name, method: method, flags: flags, crc32: crc, compressedSize: Int(sizes.compressed),
            uncompressedSize: Int(sizes.uncompressed), localHeaderOffset: Int(sizes.offset))
        return (entry, next)
    }

    /// Where the compressed bytes of `entry` lie, after its local header.
    private static func payloadRange(of entry: Entry, in bytes: LittleEndianBytes) throws -> Range<Int> {
        let header = entry.localHeaderOffset
        guard bytes.u32(header) == localSignature, let nameLength = bytes.u16(header + 26),
            let extraLength = bytes.u16(header + 28)
        else { throw ZipDirectory.Failure.corrupt("entry '\(entry.name)' has no local header at offset \(header)") }
        let start = header + localHeaderSize + Int(nameLength) + Int(extraLength)
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw ZipDirectory.Failure.corrupt(
                "entry '\(entry.name)' (\(entry.compressedSize) bytes at offset \(start)) runs past the end of the \(bytes.count)-byte file"
            )
        }
        return start..<(start + entry.compressedSize)
    }

    private static func methodName(_ method: UInt16) -> String {
        switch method {
        case 9: "Deflate64"
        case 12: "bzip2"
        case 14: "LZMA"
        case 93: "Zstandard"
        case 95: "XZ"
        default: "method \(method)"
        }
    }
}

/// The 64-bit sizes of an entry: the 32-bit fields, replaced by the Zip64 extra field where they are saturated.
private struct Zip64Sizes {
    var uncompressed: UInt64
    var compressed: UInt64
    var offset: UInt64

    mutating func widen(from bytes: LittleEndianBytes, extra: Range<Int>, entry: String) throws {
        let saturated: UInt64 = 0xFFFF_FFFF
        guard uncompressed == saturated || compressed == saturated || offset == saturated else { return }
        var position = extra.lowerBound
        while position + 4 <= extra.upperBound {
            let id = bytes.u16(position)!
            let size = Int(bytes.u16(position + 2)!)
            let body = position + 4
            guard body + size <= extra.upperBound else { break }
            if id == 0x0001 {
                var field = body
                // The Zip64 field holds only the saturated values, in this order.
                for keyPath in [\Zip64Sizes.uncompressed, \Zip64Sizes.compressed, \Zip64Sizes.offset]
                where self[keyPath: keyPath] == saturated {
                    guard field + 8 <= body + size, let value = bytes.u64(field) else {
                        throw ZipDirectory.Failure.corrupt("entry '\(entry)' has a truncated Zip64 extra field")
                    }
                    self[keyPath: keyPath] = value
                    field += 8
                }
                return
            }
            position = body + size
        }
        throw ZipDirectory.Failure.corrupt("entry '\(entry)' needs a Zip64 extra field but has none")
    }
}

/// Bounds-checked little-endian reads; every accessor returns nil outside the buffer.
private struct LittleEndianBytes {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var count: Int { raw.count }

    func u16(_ offset: Int) -> UInt16? { load(offset, as: UInt16.self) }
    func u32(_ offset: Int) -> UInt32? { load(offset, as: UInt32.self) }
    func u64(_ offset: Int) -> UInt64? { load(offset, as: UInt64.self) }

    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[range]) }

    private func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T? {
        guard offset >= 0, offset <= raw.count - MemoryLayout<T>.size else { return nil }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
