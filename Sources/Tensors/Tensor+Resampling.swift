import CDNNL

/// How `resized(to:mode:)` computes output pixels.
public enum ResamplingMode: Sendable, Hashable {
    /// Linear along each spatial axis (bilinear in 2D, trilinear in 3D). With `alignCorners` the corner pixels
    /// of input and output coincide (PyTorch align_corners=True); otherwise pixel centres are aligned
    /// (half-pixel, align_corners=False).
    case linear(alignCorners: Bool)
    /// The input pixel at floor(output index · input size / output size) (PyTorch's "nearest").
    case nearest
}

extension Tensor {
    /// Resamples the spatial axes of this (N, C, [D,] H, W) tensor to `size` (one entry per spatial axis).
    ///
    /// Works directly on channel-blocked (nChw16c), channels-last (nhwc) and plain layouts, so U-Net decoders
    /// need no reorder; the output has the input's kind of layout.
    public func resized(to size: [Int], mode: ResamplingMode) throws -> Tensor {
        let op = "resize"
        let spatialCount = shape.count - 2
        guard spatialCount == 2 || spatialCount == 3, size.count == spatialCount, size.allSatisfy({ $0 > 0 }) else {
            throw TensorsError.invalidArgument(op: op, reason: "cannot resize \(shape) to spatial size \(size)")
        }
        let source = layout.channelBlocking != nil ? self : try plain()
        let outputShape = Array(shape.prefix(2)) + size
        let output = Tensor(layout: try MemoryDescriptor.like(source.layout, shape: outputShape))
        let plan = ResamplingPlan(input: shape, output: outputShape, mode: mode)
        plan.forward(from: source, to: output)
        return output.recorded(as: op, from: [self]) { [unowned output] gradient in
            let outputGradient = try gradient.reordered(to: output.layout)
            let result = Tensor(layout: source.layout, storage: TensorStorage(zeroedByteCount: source.layout.byteCount))
            plan.backward(from: outputGradient, to: result)
            return [result]
        }
    }
}

extension MemoryDescriptor {
    /// A descriptor for `shape` (same rank) laid out like `layout`: channel blocks of 4, 8 or 16 (nChw16c...),
    /// channels last (nhwc, ndhwc), or plain.
    static func like(_ layout: MemoryDescriptor, shape: [Int]) throws -> MemoryDescriptor {
        guard let (strides, block) = layout.channelBlocking, shape.count == layout.shape.count else {
            return .plain(shape)
        }
        let rank = shape.count
        let tag: dnnl_format_tag_t
        switch (block, rank) {
        case (1, 4) where strides[1] == 1 && layout.shape[1] > 1: tag = dnnl_acdb
        case (1, 5) where strides[1] == 1 && layout.shape[1] > 1: tag = dnnl_acdeb
        case (1, _): return .plain(shape)
        case (16, 4): tag = dnnl_nChw16c
        case (16, 5): tag = dnnl_nCdhw16c
        case (8, 4): tag = dnnl_nChw8c
        case (8, 5): tag = dnnl_nCdhw8c
        case (4, 4): tag = dnnl_nChw4c
        case (4, 5): tag = dnnl_nCdhw4c
        default:
            throw TensorsError.invalidArgument(
                op: "layout", reason: "no channel-blocked format for block \(block), rank \(rank)")
        }
        return .make(shape, tag: tag)
    }
}

/// Per-axis source indices and weights of a resampling, and the loops that apply it and its adjoint.
struct ResamplingPlan {
    /// For each of 3 spatial axes (2D uses a depth of 1): per output index, the two source indices and the
    /// weight of the second.
    struct Axis {
        var lower: [Int] = []
        var upper: [Int] = []
        var weight: [Float] = []
    }

    let axes: [Axis]
    let batch: Int
    let channels: Int

    init(input: [Int], output: [Int], mode: ResamplingMode) {
        batch = input[0]
        channels = input[1]
        let inputSpatial = Array(repeating: 1, count: 5 - input.count) + input.dropFirst(2)
        let outputSpatial = Array(repeating: 1, count: 5 - output.count) + output.dropFirst(2)
        axes = zip(inputSpatial, outputSpatial).map { ResamplingPlan.axis(from: $0, to: $1, mode: mode) }
    }

    static func axis(from inputSize: Int, to outputSize: Int, mode: ResamplingMode) -> Axis {
        var axis = Axis()
        for index in 0..<outputSize {
            let position: Double
            switch mode {
            case .nearest:
                position = Double(min(inputSize - 1, index * inputSize / outputSize))
            case .linear(alignCorners: true):
                position = outputSize > 1 ? Double(index) * Double(inputSize - 1) / Double(outputSize - 1) : 0
            case .linear(alignCorners: false):
                position = max(0, (Double(index) + 0.5) * Double(inputSize) / Double(outputSize) - 0.5)
            }
            let lower = min(Int(position), inputSize - 1)
            axis.lower.append(lower)
            axis.upper.append(min(lower + 1, inputSize - 1))
            axis.weight.append(Float(position - Double(lower)))
        }
        return axis
    }

    /// A tensor viewed as (N, channel groups, D, H, W, lanes): the lanes of a group are contiguous channels
    /// (a 16-channel block of nChw16c, all channels of a channels-last pixel, one channel of a plain layout).
    struct Strides {
        let batch: Int, group: Int, depth: Int, height: Int, width: Int
        /// Contiguous channels per group, and groups per image.
        let lanes: Int, groups: Int

        init(_ tensor: Tensor) {
            let (strides, block) = tensor.layout.channelBlocking!
            let channels = tensor.shape[1]
            let spatial = strides.count == 5 ? Array(strides.suffix(3)) : [0] + strides.suffix(2)
            (batch, depth, height, width) = (strides[0], spatial[0], spatial[1], spatial[2])
            if block > 1 {
                (group, lanes, groups) = (strides[1], block, (channels + block - 1) / block)
            } else if strides[1] == 1 {
                (group, lanes, groups) = (0, channels, 1)
            } else {
                (group, lanes, groups) = (strides[1], 1, channels)
            }
            channelStride = strides[1]
            self.block = block
        }

        private let channelStride: Int
        private let block: Int

        /// Element offset of channel `channel` in an image: channel `c` of a blocked layout sits in block c / b at
        /// lane c % b.
        func offset(ofChannel channel: Int) -> Int {
            block > 1 ? channel / block * channelStride + channel % block : channel * channelStride
        }
    }

    /// The (up to) four source rows that one output row (z, y) blends, with their weights. In 2D the depth
    /// weights are zero, so only two rows count.
    struct SourceRows {
        var offsets: (Int, Int, Int, Int)
        var weights: (Float, Float, Float, Float)
        var count: Int

        init(z: Int, y: Int, axes: [Axis], input: Strides) {
            let (d, h) = (axes[0], axes[1])
            let z0 = d.lower[z] * input.depth
            let z1 = d.upper[z] * input.depth
            let y0 = h.lower[y] * input.height
            let y1 = h.upper[y] * input.height
            let (wz, wy) = (d.weight[z], h.weight[y])
            offsets = (z0 + y0, z0 + y1, z1 + y0, z1 + y1)
            weights = ((1 - wz) * (1 - wy), (1 - wz) * wy, wz * (1 - wy), wz * wy)
            count = wz == 0 ? 2 : 4
        }

        func offset(_ index: Int) -> Int {
            switch index {
            case 0: offsets.0
            case 1: offsets.1
            case 2: offsets.2
            default: offsets.3
            }
        }

        func weight(_ index: Int) -> Float {
            switch index {
            case 0: weights.0
            case 1: weights.1
            case 2: weights.2
            default: weights.3
            }
        }
    }

    /// output = Σ weight · input over each output pixel's corners, written to channels starting at
    /// `channelOffset` of `destination` (whose layout is of the source's kind). Rows (n, group, z, y) write
    /// disjoint output memory, so they run in parallel.
    func forward(from source: Tensor, to destination: Tensor, channelOffset: Int = 0) {
        let (input, output) = (Strides(source), Strides(destination))
        let (outputDepth, outputHeight) = (axes[0].lower.count, axes[1].lower.count)
        let from = UncheckedSendable(UnsafePointer(source.storageFloats.baseAddress!))
        let to = UncheckedSendable(destination.storageFloats.baseAddress!)
        let width = axes[2]
        let rowCount = batch * input.groups * outputDepth * outputHeight
        StorageKernels.forEachChunk(rowCount, minimumChunk: 8) { range in
            for row in range {
                let y = row % outputHeight
                let z = (row / outputHeight) % outputDepth
                let outer = row / (outputHeight * outputDepth)
                let (n, group) = (outer / input.groups, outer % input.groups)
                let inputBase = from.value + n * input.batch + group * input.group
                let rows = SourceRows(z: z, y: y, axes: axes, input: input)
                let outputChannel = output.offset(ofChannel: channelOffset + group * input.lanes)
                let outputRow = to.value + n * output.batch + outputChannel + z * output.depth + y * output.height
                for x in 0..<width.lower.count {
                    let lower = width.lower[x] * input.width
                    let upper = width.upper[x] * input.width
                    let target = outputRow + x * output.width
                    let wx = width.weight[x]
                    var lane = 0
                    while lane + 16 <= input.lanes {
                        let base = inputBase + lane
                        ResamplingPlan.blend(SIMD16<Float>.self, rows, base, lower, upper, wx, into: target + lane)
                        lane += 16
                    }
                    // AVX2 machines block channels by 8 (nChw8c).
                    while lane + 8 <= input.lanes {
                        let base = inputBase + lane
                        ResamplingPlan.blend(SIMD8<Float>.self, rows, base, lower, upper, wx, into: target + lane)
                        lane += 8
                    }
                    while lane < input.lanes {
                        ResamplingPlan.blend(Float.self, rows, inputBase + lane, lower, upper, wx, into: target + lane)
                        lane += 1
                    }
                }
            }
        }
    }

    /// inputGradient = Σ weight · outputGradient: the adjoint of `forward`, reading the output gradient from
    /// channels starting at `channelOffset` of `gradient`, into a zeroed `destination`. Channel groups of one
    /// image scatter into disjoint input memory, so (n, group) pairs run in parallel.
    func backward(from gradient: Tensor, to destination: Tensor, channelOffset: Int = 0) {
        let (input, output) = (Strides(destination), Strides(gradient))
        let (outputDepth, outputHeight) = (axes[0].lower.count, axes[1].lower.count)
        let from = UncheckedSendable(UnsafePointer(gradient.storageFloats.baseAddress!))
        let to = UncheckedSendable(destination.storageFloats.baseAddress!)
        let width = axes[2]
        StorageKernels.forEachChunk(batch * input.groups, minimumChunk: 1) { range in
            for outer in range {
                let (n, group) = (outer / input.groups, outer % input.groups)
                let inputBase = to.value + n * input.batch + group * input.group
                let outputBase =
                    from.value + n * output.batch + output.offset(ofChannel: channelOffset + group * input.lanes)
                for z in 0..<outputDepth {
                    for y in 0..<outputHeight {
                        let rows = SourceRows(z: z, y: y, axes: axes, input: input)
                        let outputRow = outputBase + z * output.depth + y * output.height
                        for x in 0..<width.lower.count {
                            let lower = width.lower[x] * input.width
                            let upper = width.upper[x] * input.width
                            let source = outputRow + x * output.width
                            let wx = width.weight[x]
                            var lane = 0
                            while lane + 16 <= input.lanes {
                                let base = inputBase + lane
                                ResamplingPlan.scatter(SIMD16<Float>.self, source + lane, rows, base, lower, upper, wx)
                                lane += 16
                            }
                            while lane + 8 <= input.lanes {
                                let base = inputBase + lane
                                ResamplingPlan.scatter(SIMD8<Float>.self, source + lane, rows, base, lower, upper, wx)
                                lane += 8
                            }
                            while lane < input.lanes {
                                ResamplingPlan.scatter(
                                    Float.self, source + lane, rows, inputBase + lane, lower, upper, wx)
                                lane += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// One output chunk: Σ over rows of rowWeight · linear blend of the row's `lower` and `upper` pixels.
    @inline(__always)
    static func blend<Lanes: ChannelLanes>(
        _: Lanes.Type, _ rows: SourceRows, _ base: UnsafePointer<Float>, _ lower: Int, _ upper: Int,
        _ weight: Float, into target: UnsafeMutablePointer<Float>
    ) {
        var total = Lanes.zero
        for index in 0..<rows.count {
            let rowStart = base + rows.offset(index)
            let left = Lanes.load(rowStart + lower)
            let right = Lanes.load(rowStart + upper)
            total = total + rows.weight(index) * (left + weight * (right - left))
        }
        total.store(target)
    }

    /// The adjoint of `blend`: adds each corner's share of the output chunk at `source` into the input.
    @inline(__always)
    static func scatter<Lanes: ChannelLanes>(
        _: Lanes.Type, _ source: UnsafePointer<Float>, _ rows: SourceRows, _ base: UnsafeMutablePointer<Float>,
        _ lower: Int, _ upper: Int, _ weight: Float
    ) {
        let value = Lanes.load(source)
        for index in 0..<rows.count {
            let rowStart = base + rows.offset(index)
            let share = rows.weight(index) * value
            (share - weight * share).add(to: rowStart + lower)
            (weight * share).add(to: rowStart + upper)
        }
    }
}

/// The values of one pixel's channel block: a SIMD vector (16 or 8 lanes) for blocked layouts, a Float for plain ones.
protocol ChannelLanes {
    static var zero: Self { get }
    static func load(_ pointer: UnsafePointer<Float>) -> Self
    func store(_ pointer: UnsafeMutablePointer<Float>)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Float, rhs: Self) -> Self
}

extension ChannelLanes {
    /// pointer[...] += self.
    @inline(__always)
    func add(to pointer: UnsafeMutablePointer<Float>) {
        (Self.load(pointer) + self).store(pointer)
    }
}

extension Float: ChannelLanes {
    static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }
    func store(_ pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
}

extension SIMD16<Float>: ChannelLanes {}
extension SIMD8<Float>: ChannelLanes {}

extension SIMD where Scalar == Float {
    static func load(_ pointer: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    func store(_ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}
