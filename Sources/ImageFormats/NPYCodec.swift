import Foundation
import Imaging

/// NumPy's `.npy` format: the magic `\x93NUMPY`, a version, a Python-literal header dict, then the
/// raw samples. Versions 1.0 (16-bit header length), 2.0 (32-bit) and 3.0 (UTF-8 header) are read.
enum NPYCodec {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// numpy aligns the start of the data to this many bytes.
    private static let alignment = 64

    /// Decodes an NPY file to an array in little-endian C order (big-endian samples are swapped,
    /// Fortran-ordered data is reordered). The shape may be `[]` (a scalar) or have any rank.
    ///
    /// Throws `corrupt` for a bad magic or header, or when the data length differs from what the shape
    /// needs; `unsupported` for other versions and for non-numeric dtypes (naming the descr);
    /// `tooLarge` when the shape exceeds `limits` (checked before anything is allocated).
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> NDArray {
        let (header, dataOffset) = try readHeader(data, source: source)
        let size = header.elementType.byteCount
        try limits.check(shape: header.shape, bytesPerSample: size, source: source)
        let needed = header.shape.reduce(1, *) * size
        let available = data.count - dataOffset
        guard available == needed else {
            let what = "shape \(header.shape) of \(header.elementType.rawValue) needs \(needed) data bytes"
            throw ImageFormatsError.corrupt(
                source: source, format: .npy,
                reason: available < needed
                    ? "the data is truncated: \(what) but only \(available) follow the header"
                    : "\(what) but \(available) follow the header (the header does not match the data)")
        }
        var bytes = [UInt8](data[(data.startIndex + dataOffset)...])
        if header.bigEndian { swapBytes(&bytes, size: size) }
        guard header.fortranOrder, header.shape.count > 1 else {
            return NDArray(shape: header.shape, elementType: header.elementType, bytes: bytes)
        }
        // Fortran order of shape (a, b, c) is C order of (c, b, a); transposing gives (a, b, c).
        let reversed = NDArray(shape: header.shape.reversed(), elementType: header.elementType, bytes: bytes)
        return reversed.permuted(Array(header.shape.indices.reversed()))
    }

    /// The parsed header and the offset of the first data byte (relative to `data.startIndex`).
    private static func readHeader(_ data: Data, source: String) throws -> (NPYHeader, dataOffset: Int) {
        func corrupt(_ reason: String) -> ImageFormatsError {
            .corrupt(source: source, format: .npy, reason: reason)
        }
        let start = data.startIndex
        guard data.count >= 10, Array(data[start..<start + 6]) == magic else {
            throw corrupt("the file does not start with the NPY magic \\x93NUMPY")
        }
        let major = data[start + 6]
        let minor = data[start + 7]
        let prefix: Int
        let headerLength: Int
        switch major {
        case 1:
            prefix = 10
            headerLength = Int(data[start + 8]) | Int(data[start + 9]) << 8
        case 2, 3:
            guard data.count >= 12 else { throw corrupt("the file ends inside the header length") }
            prefix = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(data[start + 8 + $1]) << (8 * $1) }
        default:
            throw ImageFormatsError.unsupported(
                source: source, format: .npy, feature: "format version \(major).\(minor)")
        }
        guard headerLength <= data.count - prefix else {
            throw corrupt("the header claims \(headerLength) bytes but only \(data.count - prefix) follow")
        }
        let headerBytes = data[start + prefix..<start + prefix + headerLength]
        // Versions 1 and 2 store the header in Latin-1, version 3 in UTF-8.
        let text =
            major == 3
            ? String(decoding: headerBytes, as: UTF8.self) : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        return (try NPYHeader(text: text, source: source), prefix + headerLength)
    }

    /// Encodes `array` as NPY version 1.0 (2.0 when the header exceeds 65535 bytes) with a
    /// little-endian descr, the data starting at a multiple of 64 bytes; in Fortran order when asked.
    static func encode(_ array: NDArray, fortranOrder: Bool = false) -> Data {
        let shape =
            array.shape.count == 1
            ? "(\(array.shape[0]),)" : "(\(array.shape.map(String.init).joined(separator: ", ")))"
        let dict =
            "{'descr': '\(NPYHeader.descr(for: array.elementType))', "
            + "'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
        var prefix = 10
        var total = paddedLength(prefix + dict.utf8.count + 1)
        if total - prefix > Int(UInt16.max) {
            prefix = 12
            total = paddedLength(prefix + dict.utf8.count + 1)
        }
        let headerLength = total - prefix
        var out = Data(magic)
        out.append(contentsOf: [prefix == 10 ? 1 : 2, 0])
        let lengthBytes = (0..<(prefix - 8)).map { UInt8(truncatingIfNeeded: headerLength >> (8 * $0)) }
        out.append(contentsOf: lengthBytes)
        out.append(contentsOf: Array(dict.utf8))
        out.append(contentsOf: [UInt8](repeating: 0x20, count: headerLength - dict.utf8.count - 1))
        out.append(0x0A)
        let body = fortranOrder && array.shape.count > 1 ? array.permuted(Array(array.shape.indices.reversed())) : array
        out.append(contentsOf: body.bytes)
        return out
    }

    private static func paddedLength(_ n: Int) -> Int {
        (n + alignment - 1) / alignment * alignment
    }

    /// Reverses the byte order of each `size`-byte sample in place.
    private static func swapBytes(_ bytes: inout [UInt8], size: Int) {
        guard size > 1 else { return }
        bytes.withUnsafeMutableBufferPointer { b in
            var offset = 0
            while offset < b.count {
                var lo = offset
                var hi = offset + size - 1
                while lo < hi {
                    b.swapAt(lo, hi)
                    lo += 1
                    hi -= 1
                }
                offset += size
            }
        }
    }
}
