import CDNNL

/// Concatenation and slicing along the channel axis (axis 1), in blocked layouts where possible.
extension Tensor {
    /// Joins tensors along channels: (N, C₁, ...), (N, C₂, ...) → (N, C₁ + C₂ + ..., ...).
    ///
    /// - Throws: `TensorsError.shapeMismatch` when the tensors differ in any axis other than channels.
    public static func concatenatingChannels(_ parts: [Tensor]) throws -> Tensor {
        let op = "concatenate"
        guard let first = parts.first else {
            throw TensorsError.invalidArgument(op: op, reason: "needs at least one tensor")
        }
        for part in parts.dropFirst() {
            guard part.shape.count == first.shape.count, part.shape.count >= 2,
                part.shape[0] == first.shape[0], part.shape.dropFirst(2) == first.shape.dropFirst(2)
            else { throw TensorsError.shapeMismatch(op: op, lhs: first.shape, rhs: part.shape) }
        }
        let channelCounts = parts.map { $0.shape[1] }
        var outputShape = first.shape
        outputShape[1] = channelCounts.reduce(0, +)
        let shapes = parts.map(\.shape)
        let key = "concat|" + parts.map(\.layout.key).joined(separator: "|")
        let primitive = try Engine.cpu.primitive(key) {
            var destination = MemoryDescriptor.any(outputShape).raw
            let sources = parts.map(\.layout.raw)
            var descriptor: dnnl_primitive_desc_t?
            let attributes = try Primitive.attributes(postOps: [], op: op, shapes: shapes)
            defer { dnnl_primitive_attr_destroy(attributes) }
            try sources.withUnsafeBufferPointer { sources in
                try check(
                    dnnl_concat_primitive_desc_create(
                        &descriptor, &destination, Int32(parts.count), 1, sources.baseAddress, attributes,
                        Engine.cpu.engine),
                    op, shapes)
            }
            return try Primitive(descriptor: descriptor!, op: op, shapes: shapes)
        }
        let output = Tensor(layout: primitive.memoryDescriptor(dnnl_query_dst_md))
        let arguments = parts.enumerated().map { (Argument.multipleSource($0.offset), $0.element) }
        try Engine.cpu.execute(primitive, arguments + [(Argument.destination, output)], op: op, shapes: shapes)
        return output.recorded(as: op, from: parts) { gradient in
            var offset = 0
            return try channelCounts.map { count in
                defer { offset += count }
                return try gradient.slicingChannels(offset..<(offset + count))
            }
        }
    }

    /// Channels `range` of this (N, C, ...) tensor.
    public func slicingChannels(_ range: Range<Int>) throws -> Tensor {
        let op = "slice channels"
        guard shape.count >= 2, range.lowerBound >= 0, range.upperBound <= shape[1], !range.isEmpty else {
            throw TensorsError.invalidArgument(op: op, reason: "channels \(range) are outside shape \(shape)")
        }
        if range == 0..<shape[1] { return self }
        var outputShape = shape
        outputShape[1] = range.count
        // A sub-memory view works when the slice starts on a channel-block boundary; otherwise go through plain.
        let source = try subMemory(channels: range) != nil ? self : plain()
        let view = try source.subMemory(channels: range)!
        let outputLayout = try MemoryDescriptor.like(source.layout, shape: outputShape)
        let output = try Tensor(layout: view, storage: source.storage, offset: source.storageOffset).reordered(
            to: outputLayout)
        let inputLayout = source.layout
        return output.recorded(as: op, from: [self]) { gradient in
            let result = Tensor(layout: inputLayout, storage: TensorStorage(zeroedByteCount: inputLayout.byteCount))
            let target = try result.subMemory(channels: range)!
            let slice = try gradient.reordered(to: outputLayout)
            try slice.copy(into: Tensor(layout: target, storage: result.storage))
            return [result]
        }
    }

    /// A descriptor viewing channels `range` of this tensor's storage, or nil when the layout cannot express it.
    func subMemory(channels range: Range<Int>) throws -> MemoryDescriptor? {
        if let blocking = layout.channelBlocking, range.lowerBound % blocking.block != 0 { return nil }
        var dims = shape.map { dnnl_dim_t($0) }
        dims[1] = dnnl_dim_t(range.count)
        var offsets = [dnnl_dim_t](repeating: 0, count: shape.count)
        offsets[1] = dnnl_dim_t(range.lowerBound)
        var parent = layout.raw
        var result = dnnl_memory_desc_t()
        guard dnnl_memory_desc_init_submemory(&result, &parent, dims, offsets) == dnnl_success else { return nil }
        return MemoryDescriptor(raw: result)
    }

    /// Copies this tensor's values into `target` (same shape, any layout), through a reorder.
    func copy(into target: Tensor) throws {
        let primitive = try Engine.cpu.primitive("reorder|\(layout.key)|\(target.layout.key)") {
            var descriptor: dnnl_primitive_desc_t?
            let attributes = try Primitive.attributes(postOps: [], op: "reorder", shapes: [shape])
            defer { dnnl_primitive_attr_destroy(attributes) }
            var source = layout.raw
            var destination = target.layout.raw
            try check(
                dnnl_reorder_primitive_desc_create(
                    &descriptor, &source, Engine.cpu.engine, &destination, Engine.cpu.engine, attributes),
                "reorder", [shape])
            return try Primitive(descriptor: descriptor!, op: "reorder", shapes: [shape])
        }
        try Engine.cpu.execute(
            primitive, [(Argument.source, self), (Argument.destination, target)], op: "reorder", shapes: [shape])
    }
}
