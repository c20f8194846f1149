import CDNNL

/// A oneDNN primitive with the descriptor it was created from.
///
/// Primitives are created with a user-managed scratchpad so that the engine can hand every execution one
/// shared, reused scratch buffer (and so that concurrent primitives never share oneDNN's global one).
final class Primitive: @unchecked Sendable {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t

    /// Creates the primitive for an operation descriptor (`dnnl_*_desc_t`).
    ///
    /// - Parameters:
    ///   - operation: the initialised operation descriptor.
    ///   - hint: the forward primitive, for backward primitives.
    ///   - postOps: eltwise post-ops to fuse (algorithm, alpha).
    ///   - accumulates: add the result to what the destination holds (oneDNN's sum post-op) instead of
    ///     overwriting it.
    convenience init<Operation>(
        _ operation: inout Operation, hint: Primitive? = nil, postOps: [(dnnl_alg_kind_t, Float)] = [],
        accumulates: Bool = false, op: String, shapes: [[Int]]
    ) throws {
        let attributes = try Primitive.attributes(postOps: postOps, accumulates: accumulates, op: op, shapes: shapes)
        defer { dnnl_primitive_attr_destroy(attributes) }
        var descriptor: dnnl_primitive_desc_t?
        try withUnsafePointer(to: &operation) { pointer in
            try check(
                dnnl_primitive_desc_create(&descriptor, pointer, attributes, Engine.cpu.engine, hint?.descriptor),
                op, shapes)
        }
        try self.init(descriptor: descriptor!, op: op, shapes: shapes)
    }

    /// Takes ownership of a primitive descriptor made by one of oneDNN's `*_primitive_desc_create` calls.
    init(descriptor: dnnl_primitive_desc_t, op: String, shapes: [[Int]]) throws {
        var primitive: dnnl_primitive_t?
        let status = dnnl_primitive_create(&primitive, descriptor)
        guard status == dnnl_success, let primitive else {
            dnnl_primitive_desc_destroy(descriptor)
            try check(status, op, shapes)
            throw TensorsError.backend(op: op, status: "no primitive", shapes: shapes)
        }
        self.descriptor = descriptor
        self.primitive = primitive
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// The memory descriptor the primitive uses for `what` (e.g. `dnnl_query_dst_md`).
    func memoryDescriptor(_ what: dnnl_query_t, index: Int32 = 0) -> MemoryDescriptor {
        MemoryDescriptor(raw: dnnl_primitive_desc_query_md(descriptor, what, index).pointee)
    }

    /// Attributes every CellScribe primitive gets: user scratchpad, and the requested post-ops (the sum first).
    static func attributes(
        postOps: [(dnnl_alg_kind_t, Float)], accumulates: Bool = false, op: String, shapes: [[Int]]
    ) throws -> dnnl_primitive_attr_t {
        var attributes: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attributes), op, shapes)
        try check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), op, shapes)
        if !postOps.isEmpty || accumulates {
            var list: dnnl_post_ops_t?
            try check(dnnl_post_ops_create(&list), op, shapes)
            defer { dnnl_post_ops_destroy(list) }
            if accumulates { try check(dnnl_post_ops_append_sum(list, 1), op, shapes) }
            for (algorithm, alpha) in postOps {
                try check(dnnl_post_ops_append_eltwise(list, 1, algorithm, alpha, 0), op, shapes)
            }
            try check(dnnl_primitive_attr_set_post_ops(attributes, list), op, shapes)
        }
        return attributes!
    }
}

/// oneDNN execution argument ids (the `DNNL_ARG_*` macros).
enum Argument {
    static let source: Int32 = 1
    static let source1: Int32 = 2
    static let destination: Int32 = 17
    static let weights: Int32 = 33
    static let bias: Int32 = 41
    static let mean: Int32 = 49
    static let variance: Int32 = 50
    static let scale: Int32 = 51
    static let shift: Int32 = 52
    static let workspace: Int32 = 64
    static let scratchpad: Int32 = 80
    static let diffSource: Int32 = 129
    static let diffDestination: Int32 = 145
    static let diffWeights: Int32 = 161
    static let diffBias: Int32 = 169
    static let diffScale: Int32 = 255
    static let diffShift: Int32 = 256
    static func multipleSource(_ index: Int) -> Int32 { 1024 + Int32(index) }
}
