/// Errors of the Scribbles module, each naming what to fix.
public enum ScribblesError: Error, Equatable, CustomStringConvertible {
    /// A scribble file or map that cannot be used.
    case invalidScribbles(source: String, reason: String)
    /// A generation setting out of range.
    case invalidOption(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .invalidScribbles(let source, let reason): "Cannot use the scribbles in \(source): \(reason)."
        case .invalidOption(let name, let value, let reason): "Invalid \(name) \(value): \(reason)."
        }
    }
}
