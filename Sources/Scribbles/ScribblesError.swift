/// Errors of the Scribbles module, each naming what to fix.
public enum ScribblesError: Error, Equatable, CustomStringConvertible {
    /// A scribble file or map that cannot be used.
    case invalidScribbles(source: String, reason: String)
    /// A generation budget out of range: the budget as given and what is allowed (front ends name the setting
    /// their own way: `--fraction`/`--count` on the command line, `fraction` in a sample manifest).
    case invalidBudget(ScribbleBudget, allowed: String)

    public var description: String {
        switch self {
        case .invalidScribbles(let source, let reason): "Cannot use the scribbles in \(source): \(reason)."
        case .invalidBudget(.fraction(let f), let allowed):
            "The scribble budget must be \(allowed), not a fraction of \(f)."
        case .invalidBudget(.count(let n), let allowed): "The scribble budget must be \(allowed), not \(n) cells."
        }
    }
}
