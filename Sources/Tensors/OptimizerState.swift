import Foundation

/// Everything an optimiser needs to continue a run: its kind, hyperparameters, step counts and buffers.
///
/// Saved as a safetensors file: buffers as F32 tensors named `"<parameter>.<buffer>"` in PyTorch's terms
/// (`momentum_buffer`, `exp_avg`, `exp_avg_sq`), plain row-major; the rest as strings in `__metadata__`
/// (`optimizer`, `step_count`, and JSON objects `hyperparameters` and `parameter_steps`).
public struct OptimizerState: Sendable {
    /// Which optimiser produced the state.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case sgd = "SGD"
        case adam = "Adam"
        case adamW = "AdamW"
    }

    public var kind: Kind
    /// Hyperparameters by PyTorch-like name: `learning_rate`, `weight_decay`, `momentum`, `nesterov` (0 or 1),
    /// `beta1`, `beta2`, `epsilon`.
    public var hyperparameters: [String: Float]
    /// Calls of `step()` so far.
    public var stepCount: Int
    /// Updates applied to each parameter (parameters never updated are absent).
    public var parameterSteps: [String: Int]
    /// Buffers by `"<parameter>.<buffer>"`, in any layout.
    public var buffers: [String: Tensor]

    public init(
        kind: Kind, hyperparameters: [String: Float], stepCount: Int, parameterSteps: [String: Int],
        buffers: [String: Tensor]
    ) {
        self.kind = kind
        self.hyperparameters = hyperparameters
        self.stepCount = stepCount
        self.parameterSteps = parameterSteps
        self.buffers = buffers
    }

    /// The hyperparameter `name`.
    ///
    /// - Throws: `TensorsError.invalidArgument` when the state does not hold it.
    func hyperparameter(_ name: String) throws -> Float {
        guard let value = hyperparameters[name] else {
            throw TensorsError.invalidArgument(
                op: "load optimizer state", reason: "the \(kind.rawValue) state has no hyperparameter '\(name)'")
        }
        return value
    }

    /// Checks that this state came from an optimiser of `expected` kind.
    func require(_ expected: Kind) throws {
        guard kind == expected else {
            throw TensorsError.invalidArgument(
                op: "load optimizer state",
                reason: "the state is from \(kind.rawValue); it cannot be loaded into \(expected.rawValue)")
        }
    }
}

extension OptimizerState {
    private enum Key {
        static let kind = "optimizer"
        static let stepCount = "step_count"
        static let hyperparameters = "hyperparameters"
        static let parameterSteps = "parameter_steps"
    }

    /// Writes the state as a safetensors file, atomically.
    ///
    /// - Throws: `TensorsError.modelFile` when the file cannot be written.
    public func write(to url: URL) throws {
        var file = ModelFile(tensors: buffers)
        file.metadata[Key.kind] = kind.rawValue
        file.metadata[Key.stepCount] = String(stepCount)
        try file.setMetadata(hyperparameters, forKey: Key.hyperparameters)
        try file.setMetadata(parameterSteps, forKey: Key.parameterSteps)
        try file.write(to: url)
    }

    /// Reads a state written by `write(to:)`.
    ///
    /// - Throws: `TensorsError.modelFile` when the file is not a valid safetensors file or holds no optimiser state.
    public static func read(from url: URL) throws -> OptimizerState {
        let file = try ModelFile.read(from: url)
        guard let state = try extract(from: file, prefix: "", source: url.path) else {
            throw TensorsError.modelFile(
                path: url.path, reason: "holds no optimizer state (no '\(Key.kind)' in its metadata)")
        }
        return state
    }

    /// The prefix of the tensors and metadata of a state embedded in another file (a checkpoint).
    public static let embeddedPrefix = "optimizer."

    /// Adds the state to `file` (a model's) under `embeddedPrefix`, so weights and optimiser are written, and
    /// renamed into place, as one file.
    public func embed(into file: inout ModelFile) throws {
        let prefix = Self.embeddedPrefix
        for (name, tensor) in buffers { file.tensors[prefix + name] = tensor }
        file.metadata[prefix + Key.kind] = kind.rawValue
        file.metadata[prefix + Key.stepCount] = String(stepCount)
        try file.setMetadata(hyperparameters, forKey: prefix + Key.hyperparameters)
        try file.setMetadata(parameterSteps, forKey: prefix + Key.parameterSteps)
    }

    /// The state embedded in `file` under `prefix` (`embeddedPrefix`, or "" for a file of its own), or nil when
    /// it holds none.
    ///
    /// - Throws: `TensorsError.modelFile` naming `source` when the state is there but malformed.
    public static func extract(
        from file: ModelFile, prefix: String = embeddedPrefix, source: String
    ) throws -> OptimizerState? {
        func fail(_ reason: String) -> TensorsError { .modelFile(path: source, reason: reason) }
        guard let name = file.metadata[prefix + Key.kind] else { return nil }
        guard let kind = Kind(rawValue: name) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("names the optimizer '\(name)'; known optimizers are \(known)")
        }
        guard let text = file.metadata[prefix + Key.stepCount], let stepCount = Int(text), stepCount >= 0 else {
            throw fail("metadata '\(prefix + Key.stepCount)' must be a non-negative integer")
        }
        guard let hyperparameters = try file.metadata([String: Float].self, forKey: prefix + Key.hyperparameters) else {
            throw fail("has no '\(prefix + Key.hyperparameters)' in its metadata")
        }
        let parameterSteps = try file.metadata([String: Int].self, forKey: prefix + Key.parameterSteps) ?? [:]
        let buffers = Dictionary(
            uniqueKeysWithValues: file.tensors.compactMap { name, tensor in
                name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), tensor) : nil
            })
        return OptimizerState(
            kind: kind, hyperparameters: hyperparameters, stepCount: stepCount, parameterSteps: parameterSteps,
            buffers: buffers)
    }
}
