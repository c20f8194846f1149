/// Errors raised while scoring predictions against ground truth.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// A prediction and its ground truth do not share a shape.
    case shapeMismatch(prediction: [Int], truth: [Int])
    /// A parameter is outside its valid range.
    case invalidArgument(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let prediction, let truth):
            "the prediction has shape \(prediction) but its ground truth has shape \(truth)"
        case .invalidArgument(let name, let value, let reason):
            "\(name) = \(value) is not valid: \(reason)"
        }
    }
}
