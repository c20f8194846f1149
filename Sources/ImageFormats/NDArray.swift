import Foundation
import Imaging

/// A typed n-dimensional array exactly as a file stores it: raw little-endian samples in C (row-major)
/// order, plus the element type. Decoders produce it so integer data (labels, uint32/int64) stays exact;
/// `floatValues()` and `labelValues(source:)` convert for the image model.
public struct NDArray: Sendable, Equatable {
    /// Extents, slowest axis first.
    public let shape: [Int]
    /// Type of each sample.
    public let elementType: ElementType
    /// `shape.reduce(1, *) * elementType.byteCount` bytes, little-endian, C order.
    public let bytes: [UInt8]

    /// Creates an array; the byte count must match shape and type.
    public init(shape: [Int], elementType: ElementType, bytes: [UInt8]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        precondition(
            bytes.count == shape.reduce(1, *) * elementType.byteCount,
            "\(bytes.count) bytes do not fill \(shape) of \(elementType)")
        self.shape = shape
        self.elementType = elementType
        self.bytes = bytes
    }

    /// Number of samples.
    public var count: Int { shape.reduce(1, *) }

    /// An array of `Float32` values.
    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, elementType: .float32, bytes: floats.withUnsafeBytes { Array($0) })
    }

    /// An array of the given fixed-width integer values.
    public init<T: FixedWidthInteger>(shape: [Int], integers: [T], as elementType: ElementType) {
        precondition(MemoryLayout<T>.size == elementType.byteCount && elementType.isInteger)
        let le = integers.map { $0.littleEndian }
        self.init(shape: shape, elementType: elementType, bytes: le.withUnsafeBytes { Array($0) })
    }

    /// The sample at flat index `i`, as a Double (exact for all types but 64-bit integers above 2^53).
    public func value(at i: Int) -> Double {
        bytes.withUnsafeBytes { raw in NDArray.load(raw, i, elementType) }
    }

    /// All samples converted to Float32.
    public func floatValues() -> [Float] {
        if elementType == .float32 {
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(NDArray.load(raw, $0, elementType)) }
        }
    }

    /// All samples as instance labels. Throws when a value is negative, fractional or above UInt32.max.
    public func labelValues(source: String) throws -> [UInt32] {
        switch elementType {
        case .uint8, .bool: return bytes.map { UInt32($0) }
        case .uint16:
            return bytes.withUnsafeBytes {
                Array($0.bindMemory(to: UInt16.self)).map { UInt32(UInt16(littleEndian: $0)) }
            }
        case .uint32:
            return bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) } }
        default:
            var out = [UInt32](repeating: 0, count: count)
            try bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let v = NDArray.load(raw, i, elementType)
                    guard v >= 0, v <= Double(UInt32.max), v.rounded() == v else {
                        throw ImageFormatsError.incompatibleContent(
                            source: source,
                            reason:
                                "value \(v) at index \(i) is not a valid label (labels are whole numbers 0...\(UInt32.max))"
                        )
                    }
                    out[i] = UInt32(v)
                }
            }
            return out
        }
    }

    /// Reads sample `i` of type `t` from little-endian raw memory (unaligned loads are safe).
    static func load(_ raw: UnsafeRawBufferPointer, _ i: Int, _ t: ElementType) -> Double {
        switch t {
        case .bool, .uint8: Double(raw[i])
        case .int8: Double(Int8(bitPattern: raw[i]))
        case .uint16: Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .int16: Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .uint32: Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .int32: Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .uint64: Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        case .int64: Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .float16:
            Double(
                Float(
                    Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                ))
        case .float32:
            Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
        case .float64:
            Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        }
    }
}
