/// The numeric type samples had in the file they came from.
///
/// Images are always held as `Float32` in memory; `ElementType` remembers the source type so that
/// writers can round-trip it and `info` can report it.
public enum ElementType: String, Sendable, Codable, CaseIterable {
    case bool
    case uint8, int8, uint16, int16, uint32, int32, uint64, int64
    case float16, float32, float64

    /// Bytes per sample.
    public var byteCount: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .float16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        }
    }

    /// True for integer and boolean types.
    public var isInteger: Bool {
        switch self {
        case .float16, .float32, .float64: false
        default: true
        }
    }

    /// True for signed integer types.
    public var isSignedInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64: true
        default: false
        }
    }

    /// The representable range of an integer type (for display and for clamping on write).
    public var integerRange: ClosedRange<Double>? {
        switch self {
        case .bool: 0...1
        case .uint8: 0...Double(UInt8.max)
        case .int8: Double(Int8.min)...Double(Int8.max)
        case .uint16: 0...Double(UInt16.max)
        case .int16: Double(Int16.min)...Double(Int16.max)
        case .uint32: 0...Double(UInt32.max)
        case .int32: Double(Int32.min)...Double(Int32.max)
        case .uint64: 0...Double(UInt64.max)
        case .int64: Double(Int64.min)...Double(Int64.max)
        default: nil
        }
    }
}
