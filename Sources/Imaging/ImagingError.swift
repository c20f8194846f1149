/// Errors raised by the image model: shapes and values that do not fit together.
public enum ImagingError: Error, Equatable, CustomStringConvertible {
    /// The pixel count does not match the product of the shape.
    case sampleCountMismatch(shape: [Int], expected: Int, actual: Int)
    /// A shape has a rank the operation does not accept, or a non-positive extent.
    case invalidShape(shape: [Int], reason: String)
    /// Two images that must share a shape do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A parameter is outside its valid range.
    case invalidArgument(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .sampleCountMismatch(let shape, let expected, let actual):
            "shape \(shape) needs \(expected) samples but \(actual) were given"
        case .invalidShape(let shape, let reason):
            "shape \(shape) is not valid: \(reason)"
        case .shapeMismatch(let operation, let lhs, let rhs):
            "\(operation) needs equal shapes, got \(lhs) and \(rhs)"
        case .invalidArgument(let name, let value, let reason):
            "\(name) = \(value) is not valid: \(reason)"
        }
    }
}
