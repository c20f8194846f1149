extension Tensor {
    /// The same values (row-major order) under another shape with the same element count; gradients flow back
    /// reshaped. Shares storage when this tensor is plain.
    ///
    /// - Throws: `TensorsError.shapeMismatch` when the element counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try validate(shape: newShape, op: "reshape")
        let output = try view(as: newShape)
        let originalShape = shape
        return output.recorded(as: "reshape", from: [self]) { gradient in [try gradient.view(as: originalShape)] }
    }
}
