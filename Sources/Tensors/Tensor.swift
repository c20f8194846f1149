import CDNNL

/// A Float32 tensor: a shape, the oneDNN memory layout its values are stored in, and the storage.
///
/// Shapes are (N, C, H, W) or (N, C, D, H, W) for images and feature maps, (O, I, kH, kW[, kD]) for convolution
/// weights, and any rank 1...6 otherwise. The layout may be a blocked format chosen by a primitive (nChw16c);
/// `values()` and `plain()` give the row-major view. Tensors taking part in autodiff remember how they were made
/// (see `Tensor+Autodiff.swift`).
public final class Tensor: @unchecked Sendable {
    /// Extents, outermost first.
    public let shape: [Int]
    /// How the values are laid out in `storage`.
    public private(set) var layout: MemoryDescriptor
    private(set) var storage: TensorStorage
    /// Where this tensor's values start in `storage`, in Float32 elements (non-zero for views of part of a
    /// larger tensor, such as a range of batch items).
    private(set) var storageOffset: Int
    private var memoryHandle: dnnl_memory_t?

    /// Whether gradients flow to this tensor (parameters and anything computed from them).
    public internal(set) var requiresGradient: Bool
    /// The accumulated gradient after `backward()`, in the same shape (any layout).
    public internal(set) var gradient: Tensor?
    /// How this tensor was computed, while gradients are recorded.
    var producer: GradientNode?

    /// Wraps storage laid out as `layout`, starting `offset` Float32 elements in.
    init(layout: MemoryDescriptor, storage: TensorStorage, offset: Int = 0, requiresGradient: Bool = false) {
        precondition(
            offset == 0
                ? layout.byteCount <= storage.byteCount : (offset + layout.elementExtent) * 4 <= storage.byteCount,
            "view outside its storage")
        self.shape = layout.shape
        self.layout = layout
        self.storage = storage
        self.storageOffset = offset
        self.requiresGradient = requiresGradient
    }

    /// Uninitialised tensor in `layout`.
    convenience init(layout: MemoryDescriptor) {
        self.init(layout: layout, storage: TensorStorage(byteCount: layout.byteCount))
    }

    /// A plain row-major tensor holding `values`.
    ///
    /// - Throws: `TensorsError.invalidArgument` when `values.count` is not the product of `shape`.
    public convenience init(shape: [Int], values: [Float], requiresGradient: Bool = false) throws {
        try validate(shape: shape, op: "Tensor")
        let count = shape.reduce(1, *)
        guard values.count == count else {
            throw TensorsError.invalidArgument(
                op: "Tensor", reason: "\(values.count) values cannot fill shape \(shape) (\(count) elements)")
        }
        self.init(layout: .plain(shape))
        _ = storageFloats.initialize(from: values)
        self.requiresGradient = requiresGradient
    }

    /// A plain tensor with every element equal to `value`.
    public convenience init(shape: [Int], repeating value: Float, requiresGradient: Bool = false) throws {
        try validate(shape: shape, op: "Tensor")
        self.init(layout: .plain(shape))
        storageFloats.initialize(repeating: value)
        self.requiresGradient = requiresGradient
    }

    deinit {
        if let memoryHandle { dnnl_memory_destroy(memoryHandle) }
    }

    /// Number of logical elements (the product of `shape`).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Number of Float32 slots in storage, padding of blocked layouts included.
    var storageCount: Int { layout.byteCount / MemoryLayout<Float>.size }

    /// The storage as Float32, in layout order (padding included). Only layout-agnostic code may use this.
    var storageFloats: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: storage.floats(count: storageOffset + storageCount)[storageOffset...])
    }

    /// The oneDNN memory object over this tensor's storage.
    func memory() throws -> dnnl_memory_t {
        if let memoryHandle { return memoryHandle }
        var handle: dnnl_memory_t?
        try withUnsafePointer(to: layout.raw) { md in
            let start = storage.pointer + storageOffset * MemoryLayout<Float>.size
            try check(dnnl_memory_create(&handle, md, Engine.cpu.engine, start), "memory", [shape])
        }
        memoryHandle = handle
        return handle!
    }

    /// Replaces the storage by the same values in `newLayout` (a parameter adopting the layout a primitive
    /// prefers). Gradients already accumulated are dropped.
    func adoptLayout(_ newLayout: MemoryDescriptor) throws {
        guard newLayout != layout else { return }
        let moved = try reordered(to: newLayout)
        if let memoryHandle { dnnl_memory_destroy(memoryHandle) }
        memoryHandle = nil
        layout = moved.layout
        storage = moved.storage
        storageOffset = moved.storageOffset
        gradient = nil
    }

    /// The values in row-major order.
    public func values() throws -> [Float] {
        let plain = try self.plain()
        return Array(plain.storageFloats.prefix(elementCount))
    }

    /// This tensor in plain row-major layout (itself when already plain). Not recorded for autodiff.
    public func plain() throws -> Tensor {
        try reordered(to: .plain(shape))
    }

    /// This tensor's values laid out as `target` (itself when the layouts are equal). Not recorded for autodiff.
    func reordered(to target: MemoryDescriptor) throws -> Tensor {
        guard target != layout else { return self }
        guard target.shape == shape else {
            throw TensorsError.shapeMismatch(op: "reorder", lhs: shape, rhs: target.shape)
        }
        let primitive = try Engine.cpu.primitive("reorder|\(layout.key)|\(target.key)") {
            var descriptor: dnnl_primitive_desc_t?
            let attributes = try Primitive.attributes(postOps: [], op: "reorder", shapes: [shape])
            defer { dnnl_primitive_attr_destroy(attributes) }
            try withUnsafePointer(to: layout.raw) { source in
                try withUnsafePointer(to: target.raw) { destination in
                    try check(
                        dnnl_reorder_primitive_desc_create(
                            &descriptor, source, Engine.cpu.engine, destination, Engine.cpu.engine, attributes),
                        "reorder", [shape])
                }
            }
            return try Primitive(descriptor: descriptor!, op: "reorder", shapes: [shape])
        }
        let result = Tensor(layout: target)
        try Engine.cpu.execute(
            primitive, [(Argument.source, self), (Argument.destination, result)], op: "reorder", shapes: [shape])
        return result
    }

    /// A tensor sharing this one's storage under another shape with the same element count. Only for plain
    /// layouts; not recorded for autodiff (use `reshaped(_:)` for that).
    func view(as newShape: [Int]) throws -> Tensor {
        guard newShape.reduce(1, *) == elementCount else {
            throw TensorsError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape)
        }
        let source = try plain()
        return Tensor(layout: .plain(newShape), storage: source.storage, offset: source.storageOffset)
    }
}

/// Checks that a shape is usable: rank 1...6, every extent positive.
func validate(shape: [Int], op: String) throws {
    guard (1...6).contains(shape.count), shape.allSatisfy({ $0 > 0 }) else {
        throw TensorsError.invalidArgument(op: op, reason: "shape \(shape) must have 1 to 6 positive extents")
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor\(shape)" }
}
