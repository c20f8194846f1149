/// Per-parameter optimiser buffers (PyTorch's `momentum_buffer`, `exp_avg`, `exp_avg_sq`) and step counts.
///
/// Buffers are created as zeros in the parameter's layout on the parameter's first update, so update kernels
/// walk parameter, gradient and buffers in the same storage order. When a parameter adopts another layout
/// (a convolution choosing a blocked format), its buffers are reordered to follow it.
struct OptimizerBuffers {
    /// Names of the buffers each parameter gets, in order (e.g. ["exp_avg", "exp_avg_sq"]).
    let names: [String]
    private(set) var buffers: [[Tensor]?]
    /// Updates applied to each parameter so far (PyTorch's per-parameter `step`).
    private(set) var steps: [Int]

    init(parameterCount: Int, names: [String]) {
        self.names = names
        buffers = Array(repeating: nil, count: parameterCount)
        steps = Array(repeating: 0, count: parameterCount)
    }

    /// The buffers of parameter `index`, in `parameter`'s current layout.
    mutating func buffers(at index: Int, for parameter: Tensor) throws -> [Tensor] {
        guard let existing = buffers[index] else {
            let created = names.map { _ in Tensor.zeros(layout: parameter.layout) }
            buffers[index] = created
            return created
        }
        guard existing.contains(where: { $0.layout != parameter.layout }) else { return existing }
        let moved = try existing.map { try $0.reordered(to: parameter.layout) }
        buffers[index] = moved
        return moved
    }

    /// Counts one more update of parameter `index` and returns its new step number (1 on the first update).
    mutating func countStep(at index: Int) -> Int {
        steps[index] += 1
        return steps[index]
    }

    /// Copies of the buffers as `"<parameter>.<buffer>"`, and the step counts of parameters updated at least once.
    func exported(parameters: NamedParameters) -> (buffers: [String: Tensor], steps: [String: Int]) {
        var tensors: [String: Tensor] = [:]
        var counts: [String: Int] = [:]
        for (index, parameter) in parameters.enumerated() {
            if steps[index] > 0 { counts[parameter.name] = steps[index] }
            guard let owned = buffers[index] else { continue }
            for (name, buffer) in zip(names, owned) { tensors["\(parameter.name).\(name)"] = buffer.copied() }
        }
        return (tensors, counts)
    }

    /// Replaces every buffer and step count by those in `state`, after checking that they fit `parameters`.
    mutating func restore(from state: OptimizerState, parameters: NamedParameters) throws {
        var missing: [String] = []
        var shapes: [TensorsError.ShapeMismatch] = []
        var restored: [[Tensor]?] = []
        var expected: Set<String> = []
        for parameter in parameters {
            let keys = names.map { "\(parameter.name).\($0)" }
            expected.formUnion(keys)
            let found = keys.compactMap { state.buffers[$0] }
            if found.isEmpty {
                restored.append(nil)
                continue
            }
            missing += keys.filter { state.buffers[$0] == nil }
            for (key, buffer) in zip(keys, found) where buffer.shape != parameter.tensor.shape {
                shapes.append(.init(name: key, expected: parameter.tensor.shape, found: buffer.shape))
            }
            restored.append(found)
        }
        let names = Set(parameters.map(\.name))
        var unexpected = state.buffers.keys.filter { !expected.contains($0) }
        unexpected += state.parameterSteps.keys.filter { !names.contains($0) }.map { "step of '\($0)'" }
        guard missing.isEmpty, unexpected.isEmpty, shapes.isEmpty else {
            throw TensorsError.parametersDoNotMatch(
                source: "optimizer state", missing: missing.sorted(), unexpected: unexpected.sorted(), shapes: shapes)
        }
        buffers = try zip(parameters, restored).map { parameter, owned in
            try owned?.map { try $0.reordered(to: parameter.tensor.layout).copied() }
        }
        steps = parameters.map { state.parameterSteps[$0.name] ?? 0 }
    }
}

extension Tensor {
    /// A tensor of zeros in `layout` (padding included).
    static func zeros(layout: MemoryDescriptor) -> Tensor {
        Tensor(layout: layout, storage: TensorStorage(zeroedByteCount: layout.byteCount))
    }

    /// A copy with its own storage, in the same layout.
    func copied() -> Tensor {
        let copy = Tensor(layout: layout)
        copy.storageFloats.baseAddress!.update(from: storageFloats.baseAddress!, count: storageCount)
        return copy
    }
}
