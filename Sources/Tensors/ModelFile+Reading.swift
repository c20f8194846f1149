import Foundation

extension ModelFile {
    /// The largest header accepted (100 MiB): larger declared lengths mean a corrupt or foreign file.
    public static let maximumHeaderBytes = 100 << 20

    /// Reads and validates a safetensors file; F64, F16 and BF16 tensors are converted to F32.
    ///
    /// - Throws: `TensorsError.modelFile` naming the file and the problem: unreadable, shorter than its header
    ///   length, a header length past the file's end or above `maximumHeaderBytes`, a header that is not UTF-8
    ///   JSON, entries with missing or malformed fields, an unsupported dtype, a shape whose byte count differs
    ///   from its offsets, offsets out of bounds or overlapping, or a shape the engine cannot hold.
    public static func read(from url: URL) throws -> ModelFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TensorsError.modelFile(path: url.path, reason: "does not exist")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TensorsError.modelFile(path: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
        var file = try decode(data, path: url.path)
        file.path = url.path
        return file
    }

    /// Parses a complete file held in memory (an upload, a file already read to check its checksum); `path`
    /// names it in errors. Throws as `read(from:)` does.
    public static func decode(_ data: Data, path: String) throws -> ModelFile {
        func fail(_ reason: String) -> TensorsError { .modelFile(path: path, reason: reason) }
        guard data.count >= 8 else {
            throw fail("is \(data.count) bytes long; a safetensors file starts with an 8-byte header length")
        }
        let declared = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard declared <= UInt64(maximumHeaderBytes) else {
            throw fail("declares a \(declared)-byte header, more than the \(maximumHeaderBytes) bytes allowed")
        }
        let headerCount = Int(declared)
        guard 8 + headerCount <= data.count else {
            throw fail(
                "declares a \(headerCount)-byte header but is only \(data.count) bytes long (truncated, or not a "
                    + "safetensors file)")
        }
        let start = data.startIndex
        let header = try SafetensorsHeader(data[(start + 8)..<(start + 8 + headerCount)], path: path)
        let payload = data[(start + 8 + headerCount)...]
        try header.validateOffsets(dataCount: payload.count)
        var tensors: [String: Tensor] = [:]
        for entry in header.entries {
            tensors[entry.name] = payload.withUnsafeBytes { entry.tensor(from: $0) }
        }
        return ModelFile(tensors: tensors, metadata: header.metadata)
    }
}

/// The element types accepted on read.
enum SafetensorsDType: String {
    case f32 = "F32"
    case f64 = "F64"
    case f16 = "F16"
    case bf16 = "BF16"

    var byteCount: Int {
        switch self {
        case .f64: 8
        case .f32: 4
        case .f16, .bf16: 2
        }
    }
}

/// One tensor's header entry, validated.
struct SafetensorsEntry {
    let name: String
    let dtype: SafetensorsDType
    let shape: [Int]
    /// Byte range within the data section.
    let range: Range<Int>

    /// The tensor as plain Float32, converted from `dtype`. `data` is the whole data section.
    func tensor(from data: UnsafeRawBufferPointer) -> Tensor {
        let tensor = Tensor(layout: .plain(shape))
        let out = tensor.storageFloats
        let base = range.lowerBound
        switch dtype {
        case .f32:
            for i in 0..<out.count {
                out[i] = Float(
                    bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)))
            }
        case .f64:
            for i in 0..<out.count {
                let bits = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self))
                out[i] = Float(Double(bitPattern: bits))
            }
        case .f16:
            for i in 0..<out.count {
                out[i] = halfToFloat(
                    UInt16(littleEndian: data.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<out.count {
                let bits = UInt16(littleEndian: data.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        }
        return tensor
    }
}

/// IEEE 754 binary16 to Float32, exactly (Float16 is unavailable on some platforms Swift targets).
func halfToFloat(_ half: UInt16) -> Float {
    let sign = UInt32(half & 0x8000) << 16
    let exponent = Int(half >> 10) & 0x1F
    let mantissa = UInt32(half & 0x03FF)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa · 2^-24.
        let magnitude = Float(mantissa) * 0x1p-24
        return Float(bitPattern: sign | magnitude.bitPattern)
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}
