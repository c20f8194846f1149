import CDNNL

/// A oneDNN memory descriptor: the shape of a tensor and how its elements are laid out in memory (plain
/// row-major, or a blocked format such as nChw16c that a primitive chose).
public struct MemoryDescriptor: @unchecked Sendable, Equatable {
    var raw: dnnl_memory_desc_t

    init(raw: dnnl_memory_desc_t) { self.raw = raw }

    /// Plain row-major Float32 memory of `shape` (NCHW, NCDHW, or any rank 1...6).
    public static func plain(_ shape: [Int]) -> MemoryDescriptor {
        make(shape, tag: plainTag(rank: shape.count))
    }

    /// Float32 of `shape` in whatever layout the primitive prefers.
    static func any(_ shape: [Int]) -> MemoryDescriptor {
        make(shape, tag: dnnl_format_tag_any)
    }

    /// Float32 of `shape` with a given format tag.
    static func make(_ shape: [Int], tag: dnnl_format_tag_t) -> MemoryDescriptor {
        var md = dnnl_memory_desc_t()
        var dims = shape.map { dnnl_dim_t($0) }
        let status = dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), &dims, dnnl_f32, tag)
        precondition(status == dnnl_success, "invalid tensor shape \(shape)")
        return MemoryDescriptor(raw: md)
    }

    static func plainTag(rank: Int) -> dnnl_format_tag_t {
        switch rank {
        case 1: dnnl_a
        case 2: dnnl_ab
        case 3: dnnl_abc
        case 4: dnnl_abcd
        case 5: dnnl_abcde
        default: dnnl_abcdef
        }
    }

    /// Extents, outermost first.
    public var shape: [Int] {
        Self.prefix(raw.dims, Int(raw.ndims)).map { Int($0) }
    }

    /// Bytes the layout occupies (blocked formats may pad channels).
    public var byteCount: Int {
        withUnsafePointer(to: raw) { Int(dnnl_memory_desc_get_size($0)) }
    }

    /// Float32 slots from the first element to one past the last: for strided views without inner blocks
    /// (where oneDNN's size counts whole outer strides) the span actually touched, otherwise the size.
    var elementExtent: Int {
        guard raw.format_kind == dnnl_blocked, raw.format_desc.blocking.inner_nblks == 0, raw.data_type == dnnl_f32
        else {
            return (byteCount + MemoryLayout<Float>.size - 1) / MemoryLayout<Float>.size
        }
        let strides = Self.prefix(raw.format_desc.blocking.strides, Int(raw.ndims))
        let dims = Self.prefix(raw.padded_dims, Int(raw.ndims))
        return 1 + Int(raw.offset0) + zip(dims, strides).reduce(0) { $0 + Int(($1.0 - 1) * $1.1) }
    }

    /// True for the plain row-major layout.
    public var isPlain: Bool { self == .plain(shape) }

    /// Exact equality: oneDNN's comparison, and for blocked formats also every stride and the offset.
    /// oneDNN alone calls layouts equal that differ only in the stride of an extent-1 axis (a channel slice
    /// of a one-image batch, say); kernels that index raw memory, and primitives cached for one of them, then
    /// read the other wrongly.
    public static func == (lhs: MemoryDescriptor, rhs: MemoryDescriptor) -> Bool {
        let equal = withUnsafePointer(to: lhs.raw) { l in
            withUnsafePointer(to: rhs.raw) { r in dnnl_memory_desc_equal(l, r) != 0 }
        }
        guard equal, lhs.raw.format_kind == dnnl_blocked else { return equal }
        let rank = Int(lhs.raw.ndims)
        return lhs.raw.offset0 == rhs.raw.offset0
            && Self.prefix(lhs.raw.format_desc.blocking.strides, rank)
                == Self.prefix(rhs.raw.format_desc.blocking.strides, rank)
    }

    /// A compact string that identifies shape and layout, for primitive cache keys.
    var key: String {
        guard raw.format_kind == dnnl_blocked else {
            // Winograd and other opaque formats differ in parameters beyond the shape: key on every byte.
            return "\(shape)~k\(raw.format_kind.rawValue)~\(String(contentHash, radix: 16))"
        }
        let rank = Int(raw.ndims)
        let blocking = raw.format_desc.blocking
        let strides = Self.prefix(blocking.strides, rank)
        let blocks = Self.prefix(blocking.inner_blks, Int(blocking.inner_nblks))
        let indices = Self.prefix(blocking.inner_idxs, Int(blocking.inner_nblks))
        return "\(shape)~\(strides)~\(blocks)~\(indices)~\(raw.offset0)"
    }

    /// (N, C, D, H, W) stored depth-major with 16-channel blocks: memory order N, D, C/16, H, W, 16, so that the
    /// storage is exactly an nChw16c tensor of N·D images (N, C, H, W) each. 3D convolutions run as 2D ones over
    /// these depth slices.
    static func depthMajor(_ shape: [Int]) -> MemoryDescriptor {
        precondition(shape.count == 5, "depth-major layouts are for (N, C, D, H, W)")
        let (n, c, d, h, w) = (shape[0], shape[1], shape[2], shape[3], shape[4])
        var raw = make([n * d, c, h, w], tag: dnnl_nChw16c).raw
        let paddedChannels = Int(raw.padded_dims.1)
        raw.ndims = 5
        let dims: [dnnl_dim_t] = [n, c, d, h, w].map { dnnl_dim_t($0) }
        let paddedDims: [dnnl_dim_t] = [n, paddedChannels, d, h, w].map { dnnl_dim_t($0) }
        let strides: [dnnl_dim_t] = [d * paddedChannels * h * w, 16 * h * w, paddedChannels * h * w, 16 * w, 16]
            .map { dnnl_dim_t($0) }
        withUnsafeMutableBytes(of: &raw.dims) { Self.store(dims, into: $0) }
        withUnsafeMutableBytes(of: &raw.padded_dims) { Self.store(paddedDims, into: $0) }
        withUnsafeMutableBytes(of: &raw.padded_offsets) { Self.store([0, 0, 0, 0, 0], into: $0) }
        withUnsafeMutableBytes(of: &raw.format_desc.blocking.strides) { Self.store(strides, into: $0) }
        return MemoryDescriptor(raw: raw)
    }

    private static func store(_ values: [dnnl_dim_t], into bytes: UnsafeMutableRawBufferPointer) {
        let slots = bytes.bindMemory(to: dnnl_dim_t.self)
        for index in slots.indices { slots[index] = index < values.count ? values[index] : 0 }
    }

    /// FNV-1a hash of the descriptor's bytes.
    private var contentHash: UInt64 {
        withUnsafeBytes(of: raw) { bytes in
            bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        }
    }

    /// Strides between elements of each logical axis when the layout is plain or has one inner block over
    /// channels (axis 1), such as nChw16c; nil for other layouts. Returns the outer strides (per axis, in
    /// elements; the channel stride is per block) and the channel block size (1 when unblocked).
    var channelBlocking: (strides: [Int], block: Int)? {
        guard raw.format_kind == dnnl_blocked else { return nil }
        let blocking = raw.format_desc.blocking
        let strides = Self.prefix(blocking.strides, Int(raw.ndims)).map { Int($0) }
        switch blocking.inner_nblks {
        case 0: return (strides, 1)
        case 1 where blocking.inner_idxs.0 == 1: return (strides, Int(blocking.inner_blks.0))
        default: return nil
        }
    }

    private static func prefix(_ tuple: dnnl_dims_t, _ count: Int) -> [Int64] {
        withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: dnnl_dim_t.self).prefix(count)) }
    }
}
