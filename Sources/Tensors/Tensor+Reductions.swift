import CDNNL

/// Sums and means, global or over axes, with their backward (broadcast back).
extension Tensor {
    /// Sum of all elements, as a tensor with every extent 1 (same rank).
    public func sum() throws -> Tensor { try reduced(to: shape.map { _ in 1 }, mean: false) }
    /// Mean of all elements, as a tensor with every extent 1 (same rank).
    public func mean() throws -> Tensor { try reduced(to: shape.map { _ in 1 }, mean: true) }

    /// Sum over `axes`, keeping them with extent 1.
    public func sum(axes: [Int]) throws -> Tensor { try reduced(to: reducedShape(axes, op: "sum"), mean: false) }
    /// Mean over `axes`, keeping them with extent 1.
    public func mean(axes: [Int]) throws -> Tensor { try reduced(to: reducedShape(axes, op: "mean"), mean: true) }

    /// Mean of the elements where `mask` (same shape, or broadcastable to it; 1 = counted, 0 = ignored) is set:
    /// Σ x·mask / max(Σ mask, 1). Gradients flow to `self` only.
    public func mean(where mask: Tensor) throws -> Tensor {
        let weights = try mask.shape == shape ? mask.detached() : withoutGradients { try Tensor.zeros(shape) + mask }
        let count = max(1, try weights.values().reduce(0, +))
        return try multiplied(by: weights).sum().scaled(by: 1 / count)
    }

    private func reducedShape(_ axes: [Int], op: String) throws -> [Int] {
        var result = shape
        for axis in axes {
            guard shape.indices.contains(axis) else {
                throw TensorsError.invalidArgument(op: op, reason: "axis \(axis) is outside shape \(shape)")
            }
            result[axis] = 1
        }
        return result
    }

    func reduced(to target: [Int], mean: Bool) throws -> Tensor {
        // Nothing to reduce: the sum and the mean are the tensor itself (recording again would overwrite its node).
        guard target != shape else { return self }
        let op = mean ? "mean" : "sum"
        let output = try withoutGradients { try summed(toShape: target) }
        let count = Float(elementCount / max(1, target.reduce(1, *)))
        let result = mean ? try withoutGradients { try output.scaled(by: 1 / count) } : output
        return result.recorded(as: op, from: [self]) { gradient in
            let expanded = try Tensor.zeros(self.shape).binary(.add, gradient.plain())
            return [mean ? try expanded.scaled(by: 1 / count) : expanded]
        }
    }

    /// Sums axes down to `target` (same rank, extents equal or 1): the backward of broadcasting.
    /// Not recorded for autodiff.
    func summed(toShape target: [Int]) throws -> Tensor {
        guard target != shape else { return self }
        guard target.count == shape.count, zip(target, shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
            throw TensorsError.shapeMismatch(op: "sum", lhs: shape, rhs: target)
        }
        if target.allSatisfy({ $0 == 1 }) { return try Tensor(shape: target, values: [Float(storageSum())]) }
        let key = "reduction|\(layout.key)|\(target)"
        let primitive = try Engine.cpu.primitive(key) {
            var source = layout.raw
            var destination = MemoryDescriptor.plain(target).raw
            var descriptor = dnnl_reduction_desc_t()
            try check(
                dnnl_reduction_desc_init(&descriptor, dnnl_reduction_sum, &source, &destination, 0, 0), "sum",
                [shape, target])
            return try Primitive(&descriptor, op: "sum", shapes: [shape, target])
        }
        let output = Tensor(layout: .plain(target))
        try Engine.cpu.execute(
            primitive, [(Argument.source, self), (Argument.destination, output)], op: "sum", shapes: [shape, target])
        return output
    }

    /// The sum of every storage slot in Double: the sum of all elements, as padding slots of blocked layouts are
    /// zero. (oneDNN's reduction falls back to a slow reference kernel on padded blocked layouts.)
    func storageSum() -> Double {
        let values = UncheckedSendable(UnsafePointer(storageFloats.baseAddress!))
        let count = storageCount
        let chunkCount = max(1, min(Engine.cpu.threadCount, count / StorageKernels.parallelThreshold))
        let partials = UncheckedSendable(UnsafeMutableBufferPointer<Double>.allocate(capacity: chunkCount))
        defer { partials.value.deallocate() }
        let chunk = (count + chunkCount - 1) / chunkCount
        StorageKernels.forEachChunk(chunkCount, minimumChunk: 1) { range in
            for index in range {
                let start = index * chunk
                let end = min(count, start + chunk)
                partials.value[index] = Tensor.sum(values.value + start, count: max(0, end - start))
            }
        }
        return partials.value.reduce(0, +)
    }

    /// Σ values[0..<count]: 16 Float lanes accumulated into Double every 1024 elements, so rounding stays small.
    private static func sum(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var total: Double = 0
        var start = 0
        while start < count {
            let end = min(count, start + 1024)
            var lanes = SIMD16<Float>()
            var index = start
            while index + 16 <= end {
                lanes += UnsafeRawPointer(values + index).loadUnaligned(as: SIMD16<Float>.self)
                index += 16
            }
            var partial = Double(lanes.sum())
            while index < end {
                partial += Double(values[index])
                index += 1
            }
            total += partial
            start = end
        }
        return total
    }
}
