import CDNNL

/// Everything that can go wrong in the compute engine. Cases carry the op and the shapes involved.
public enum TensorsError: Error, Equatable, CustomStringConvertible {
    /// oneDNN refused or failed an operation.
    case backend(op: String, status: String, shapes: [[Int]])
    /// Two operands do not fit together.
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// An argument is outside what the op accepts.
    case invalidArgument(op: String, reason: String)
    /// `backward()` was asked of something that cannot start it.
    case notDifferentiable(reason: String)
    /// A model or optimiser-state file could not be read or written, or its content is not valid.
    case modelFile(path: String, reason: String)
    /// Stored tensors do not fit the parameters they should be loaded into. Every problem is listed at once.
    case parametersDoNotMatch(source: String, missing: [String], unexpected: [String], shapes: [ShapeMismatch])

    public var description: String {
        switch self {
        case .backend(let op, let status, let shapes):
            "\(op) failed in oneDNN (\(status)) for shapes \(shapes.map { "\($0)" }.joined(separator: ", "))"
        case .shapeMismatch(let op, let lhs, let rhs):
            "\(op): shapes \(lhs) and \(rhs) do not fit together"
        case .invalidArgument(let op, let reason):
            "\(op): \(reason)"
        case .notDifferentiable(let reason):
            "cannot compute gradients: \(reason)"
        case .modelFile(let path, let reason):
            "model file '\(path)': \(reason)"
        case .parametersDoNotMatch(let source, let missing, let unexpected, let shapes):
            parameterMismatchDescription(source: source, missing: missing, unexpected: unexpected, shapes: shapes)
        }
    }

    /// A named tensor whose stored shape differs from the parameter's.
    public struct ShapeMismatch: Equatable, Sendable, CustomStringConvertible {
        public let name: String
        /// The shape of the parameter being loaded into.
        public let expected: [Int]
        /// The shape found in the file or state.
        public let found: [Int]

        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }

        public var description: String { "'\(name)' is \(found) in the file but \(expected) in the model" }
    }
}

private func parameterMismatchDescription(
    source: String, missing: [String], unexpected: [String], shapes: [TensorsError.ShapeMismatch]
) -> String {
    var problems: [String] = []
    if !missing.isEmpty {
        problems.append("missing \(missing.count) tensor(s): \(missing.map { "'\($0)'" }.joined(separator: ", "))")
    }
    if !unexpected.isEmpty {
        let names = unexpected.map { "'\($0)'" }.joined(separator: ", ")
        problems.append("\(unexpected.count) tensor(s) the model does not have: \(names)")
    }
    problems += shapes.map(\.description)
    return "'\(source)' does not fit the model's parameters: " + problems.joined(separator: "; ")
}

/// Turns a oneDNN status into a `TensorsError.backend` naming `op` and the shapes involved.
func check(_ status: dnnl_status_t, _ op: @autoclosure () -> String, _ shapes: @autoclosure () -> [[Int]]) throws {
    guard status != dnnl_success else { return }
    throw TensorsError.backend(op: op(), status: statusName(status), shapes: shapes())
}

private func statusName(_ status: dnnl_status_t) -> String {
    switch status {
    case dnnl_out_of_memory: "out of memory"
    case dnnl_invalid_arguments: "invalid arguments"
    case dnnl_unimplemented: "no implementation for these shapes and layouts"
    case dnnl_iterator_ends: "iterator ends"
    case dnnl_runtime_error: "runtime error"
    case dnnl_not_required: "not required"
    default: "status \(status.rawValue)"
    }
}
