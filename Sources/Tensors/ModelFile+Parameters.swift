extension ModelFile {
    /// Copies the stored tensors into `parameters` of the same names and shapes, in whatever layout each
    /// parameter has (plain values are reordered into it). Gradients are left as they are.
    ///
    /// Names and shapes are all checked before anything is copied, so a failed load changes nothing.
    ///
    /// - Throws: `TensorsError.parametersDoNotMatch` listing every missing name, every stored tensor the model
    ///   has no parameter for, and every shape mismatch with both shapes.
    public func load(into parameters: NamedParameters) throws {
        try validateNames(parameters, op: "load parameters")
        let names = Set(parameters.map(\.name))
        var missing: [String] = []
        var shapes: [TensorsError.ShapeMismatch] = []
        for parameter in parameters {
            guard let stored = tensors[parameter.name] else {
                missing.append(parameter.name)
                continue
            }
            if stored.shape != parameter.tensor.shape {
                shapes.append(.init(name: parameter.name, expected: parameter.tensor.shape, found: stored.shape))
            }
        }
        let unexpected = tensors.keys.filter { !names.contains($0) }.sorted()
        guard missing.isEmpty, unexpected.isEmpty, shapes.isEmpty else {
            throw TensorsError.parametersDoNotMatch(
                source: displayName, missing: missing, unexpected: unexpected, shapes: shapes)
        }
        for parameter in parameters {
            try parameter.tensor.overwrite(with: tensors[parameter.name]!)
        }
    }
}

extension Tensor {
    /// Replaces this tensor's values by `source`'s (same shape, any layout), keeping this tensor's layout.
    func overwrite(with source: Tensor) throws {
        let moved = try source.reordered(to: layout)
        withExtendedLifetime(moved) {
            storageFloats.baseAddress!.update(from: moved.storageFloats.baseAddress!, count: storageCount)
        }
    }
}
