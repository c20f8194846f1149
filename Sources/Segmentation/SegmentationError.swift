/// Errors raised while turning network outputs into cell instances or training targets.
public enum SegmentationError: Error, Equatable, CustomStringConvertible {
    /// Two inputs that must share a shape do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A parameter is outside its valid range.
    case invalidArgument(name: String, value: String, reason: String)
    /// A shape is not `(Y, X)` or `(Z, Y, X)` with positive extents.
    case invalidShape(shape: [Int], reason: String)
    /// An array does not hold one value per pixel of the shape it comes with.
    case sampleCountMismatch(name: String, shape: [Int], expected: Int, actual: Int)
    /// A map holds NaN where a number is needed (a network output that diverged, or a bad division upstream).
    case notANumber(name: String, index: Int)

    public var description: String {
        switch self {
        case .shapeMismatch(let operation, let lhs, let rhs):
            "\(operation) needs equal shapes, got \(lhs) and \(rhs)"
        case .invalidArgument(let name, let value, let reason):
            "\(name) = \(value) is not valid: \(reason)"
        case .invalidShape(let shape, let reason):
            "shape \(shape) is not valid: \(reason)"
        case .sampleCountMismatch(let name, let shape, let expected, let actual):
            "\(name) has \(actual) values but shape \(shape) needs \(expected)"
        case .notANumber(let name, let index):
            "\(name) holds NaN at flat index \(index); replace NaNs before segmenting"
        }
    }
}
