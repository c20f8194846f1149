import Foundation

/// Byte offsets of ImageJ's `.roi` layout (big-endian throughout), as documented by ImageJ's RoiDecoder.
///
/// Header 1 (64 bytes): "Iout", version, type, bounds, coordinate count, line/rect floats, stroke,
/// shape size, colours, subtype, options, arc size, position, header-2 offset. Then the coordinates:
/// n int16 x (relative to left), n int16 y (relative to top), and with SUB_PIXEL_RESOLUTION n float32 x
/// and n float32 y (absolute). Composite ROIs store `shapeSize` float32 path values there instead.
/// Header 2 (64 bytes at `header2Offset`): c/z/t positions, name offset and length (UTF-16 code units).
enum ROILayout {
    static let headerSize = 64
    static let version = 4
    static let type = 6
    static let top = 8
    static let left = 10
    static let bottom = 12
    static let right = 14
    static let coordinateCount = 16
    /// x1, y1, x2, y2 (float32) for lines; x, y, width, height for subpixel rectangles and ovals;
    /// a 32-bit coordinate count when the 16-bit one at `coordinateCount` is 0.
    static let x1 = 18
    static let largeCount = 18
    static let shapeSize = 36
    static let subtype = 48
    static let options = 50
    static let roundedRectArcSize = 54
    static let position = 56
    static let header2Offset = 60
    static let coordinates = 64

    // Header 2, relative to its offset.
    static let header2Size = 64
    static let cPosition = 4
    static let zPosition = 8
    static let tPosition = 12
    static let nameOffset = 16
    static let nameLength = 20
    /// The end of the last header-2 field this codec reads (name length), relative to header 2.
    static let header2ReadEnd = 24

    static let subPixelResolution: Int = 128
    /// ImageJ 1.x file version this codec writes (the one current ImageJ writes).
    static let writtenVersion: Int16 = 228
    /// Bounds are int16; ImageJ stores 32768..<65536 wrapped and unwraps values below this on reading.
    static let minimumCoordinate = -5000
}

/// Read-only big-endian access to one `.roi` entry. Every accessor is range-checked and throws
/// `corrupt` naming the entry, so truncated or lying headers never read out of bounds.
struct ROIBytes {
    let bytes: [UInt8]
    /// The entry for messages: the file, or "archive.zip/entry.roi".
    let source: String

    init(_ data: Data, source: String) {
        self.bytes = [UInt8](data)
        self.source = source
    }

    var count: Int { bytes.count }

    func corrupt(_ reason: String) -> ImageFormatsError {
        .corrupt(source: source, format: .imagejROIZip, reason: reason)
    }

    /// Throws unless `length` bytes starting at `offset` lie inside the entry; `what` names them.
    func require(_ offset: Int, _ length: Int, _ what: String) throws {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard offset >= 0, length >= 0, !overflow, end <= bytes.count else {
            throw corrupt(
                "\(what) needs bytes \(offset)..<\(overflow ? Int.max : end) but the entry has \(bytes.count)")
        }
    }

    func u8(_ offset: Int) throws -> UInt8 {
        try require(offset, 1, "byte at \(offset)")
        return bytes[offset]
    }

    func u16(_ offset: Int) throws -> UInt16 {
        try require(offset, 2, "uint16 at \(offset)")
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func i16(_ offset: Int) throws -> Int { Int(Int16(bitPattern: try u16(offset))) }

    func u32(_ offset: Int) throws -> UInt32 {
        try require(offset, 4, "uint32 at \(offset)")
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    func i32(_ offset: Int) throws -> Int { Int(Int32(bitPattern: try u32(offset))) }

    func f32(_ offset: Int) throws -> Double { Double(Float(bitPattern: try u32(offset))) }

    /// A bounds coordinate: int16, unwrapped to 32768..<60536 when ImageJ stored a large value wrapped.
    func boundCoordinate(_ offset: Int) throws -> Int {
        let value = try i16(offset)
        return value < ROILayout.minimumCoordinate ? value + 65536 : value
    }

    /// `length` UTF-16BE code units at `offset`, validated against the entry length first.
    func utf16String(at offset: Int, length: Int, _ what: String) throws -> String {
        let (byteCount, overflow) = length.multipliedReportingOverflow(by: 2)
        guard length >= 0, !overflow else { throw corrupt("\(what) has an invalid length \(length)") }
        try require(offset, byteCount, what)
        var units: [UInt16] = []
        units.reserveCapacity(length)
        for i in 0..<length { units.append(UInt16(bytes[offset + 2 * i]) << 8 | UInt16(bytes[offset + 2 * i + 1])) }
        return String(decoding: units, as: UTF16.self)
    }
}

/// A zero-filled buffer that the encoder fills with big-endian fields.
struct ROIByteWriter {
    private(set) var bytes: [UInt8]

    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    mutating func put16(_ value: Int, at offset: Int) {
        let v = UInt16(truncatingIfNeeded: value)
        bytes[offset] = UInt8(v >> 8)
        bytes[offset + 1] = UInt8(v & 0xFF)
    }

    mutating func put32(_ value: Int, at offset: Int) {
        let v = UInt32(truncatingIfNeeded: value)
        for i in 0..<4 { bytes[offset + i] = UInt8((v >> (24 - 8 * UInt32(i))) & 0xFF) }
    }

    mutating func put(_ ascii: String, at offset: Int) {
        for (i, b) in ascii.utf8.enumerated() { bytes[offset + i] = b }
    }
}
