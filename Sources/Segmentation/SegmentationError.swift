/// Errors raised while turning network outputs into cell instances or training targets.
public enum SegmentationError: Error, Equatable, CustomStringConvertible {
    /// Two inputs that must share a shape do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A parameter is outside its valid range.
    case invalidArgument(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let operation, let lhs, let rhs):
            "\(operation) needs equal shapes, got \(lhs) and \(rhs)"
        case .invalidArgument(let name, let value, let reason):
            "\(name) = \(value) is not valid: \(reason)"
        }
    }
}
