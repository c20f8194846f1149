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
    /// Works directly on plain and channel-blocked layouts (nChw16c), so U-Net decoders need no reorder; the
    /// output has the input's layout kind.
    public func resized(to size: [Int], mode: ResamplingMode) throws -> Tensor {
        let op = "resize"
        let spatialCount = shape.count - 2
        guard spatialCount == 2 || spatialCount == 3, size.count == spatialCount, size.allSatisfy({ $0 > 0 }) else {
            throw TensorsError.invalidArgument(op: op, reason: "cannot resize \(shape) to spatial size \(size)")
        }
        let source = layout.channelBlocking != nil ? self : try plain()
        let blocking = source.layout.channelBlocking!
        let outputShape = Array(shape.prefix(2)) + size
        let outputLayout = try MemoryDescriptor.sameKind(as: source.layout, block: blocking.block, shape: outputShape)
        let plan = ResamplingPlan(input: shape, output: outputShape, mode: mode)
        let output = Tensor(layout: outputLayout)
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
    /// A descriptor for `shape` laid out like `layout`: plain, or channel blocks of `block` (nChw16c...).
    static func sameKind(as layout: MemoryDescriptor, block: Int, shape: [Int]) throws -> MemoryDescriptor {
        if block == 1 { return .plain(shape) }
        let rank = shape.count
        let tag: dnnl_format_tag_t
        switch (block, rank) {
        case (16, 4): tag = dnnl_nChw16c
        case (16, 5): tag = dnnl_nCdhw16c
        case (8, 4): tag = dnnl_nChw8c
        case (8, 5): tag = dnnl_nCdhw8c
        case (4, 4): tag = dnnl_nChw4c
        case (4, 5): tag = dnnl_nCdhw4c
        default:
            throw TensorsError.invalidArgument(op: "layout", reason: "no channel-blocked format for block \(block), rank \(rank)")
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

    /// Element offsets of a tensor viewed as (N, channel blocks, D, H, W, block).
    struct Strides {
        let batch: Int, channelBlock: Int, depth: Int, height: Int, width: Int, block: Int

        init(_ tensor: Tensor) {
            let (strides, block) = tensor.layout.channelBlocking!
            let spatial = strides.count == 5 ? Array(strides.suffix(3)) : [0] + strides.suffix(2)
            (batch, channelBlock, depth, height, width, self.block) = (strides[0], strides[1], spatial[0], spatial[1], spatial[2], block)
        }
    }

    /// The 8 (3D) or 4 (2D; depth weights are 0) corner offsets and weights of one output pixel are formed from
    /// per-axis tables; `visit` gets (source offset, output offset, weight) for every corner with non-zero weight.
    private func forEachCorner(
        input: Strides, output: Strides, outer: Int,
        _ visit: (_ inputBase: Int, _ outputBase: Int, _ weight: Float) -> Void
    ) {
        let (n, channelBlock) = (outer / blockCount(input), outer % blockCount(input))
        let inputOuter = n * input.batch + channelBlock * input.channelBlock
        let outputOuter = n * output.batch + channelBlock * output.channelBlock
        let (d, h, w) = (axes[0], axes[1], axes[2])
        for z in 0..<d.lower.count {
            let outputZ = outputOuter + z * output.depth
            for (zIndex, zWeight) in [(d.lower[z], 1 - d.weight[z]), (d.upper[z], d.weight[z])] where zWeight != 0 {
                let inputZ = inputOuter + zIndex * input.depth
                for y in 0..<h.lower.count {
                    let outputY = outputZ + y * output.height
                    for (yIndex, yWeight) in [(h.lower[y], 1 - h.weight[y]), (h.upper[y], h.weight[y])] where yWeight != 0 {
                        let inputY = inputZ + yIndex * input.height
                        let zyWeight = zWeight * yWeight
                        for x in 0..<w.lower.count {
                            let outputOffset = outputY + x * output.width
                            let lowerWeight = zyWeight * (1 - w.weight[x])
                            let upperWeight = zyWeight * w.weight[x]
                            visit(inputY + w.lower[x] * input.width, outputOffset, lowerWeight)
                            if upperWeight != 0 { visit(inputY + w.upper[x] * input.width, outputOffset, upperWeight) }
                        }
                    }
                }
            }
        }
    }

    private func blockCount(_ strides: Strides) -> Int { (channels + strides.block - 1) / strides.block }

    /// output = Σ weight · input, over the corners of each output pixel.
    func forward(from source: Tensor, to destination: Tensor) {
        let input = Strides(source)
        let output = Strides(destination)
        let block = input.block
        let from = source.storageFloats.baseAddress!
        let to = destination.storageFloats
        to.initialize(repeating: 0)
        let target = UncheckedSendable(to.baseAddress!)
        parallelOverOuter(blocks: blockCount(input)) { outer in
            forEachCorner(input: input, output: output, outer: outer) { inputBase, outputBase, weight in
                let result = target.value
                for lane in 0..<block { result[outputBase + lane] += weight * from[inputBase + lane] }
            }
        }
    }

    /// inputGradient += Σ weight · outputGradient: the adjoint of `forward`. `destination` must be zeroed.
    func backward(from gradient: Tensor, to destination: Tensor) {
        let input = Strides(destination)
        let output = Strides(gradient)
        let block = input.block
        let from = gradient.storageFloats.baseAddress!
        let target = UncheckedSendable(destination.storageFloats.baseAddress!)
        parallelOverOuter(blocks: blockCount(input)) { outer in
            forEachCorner(input: input, output: output, outer: outer) { inputBase, outputBase, weight in
                let result = target.value
                for lane in 0..<block { result[inputBase + lane] += weight * from[outputBase + lane] }
            }
        }
    }

    /// Runs `body` for every (batch, channel block) pair; pairs touch disjoint memory, so they run in parallel.
    private func parallelOverOuter(blocks: Int, _ body: (Int) -> Void) {
        let count = batch * blocks
        StorageKernels.forEachChunk(count, minimumChunk: 1) { range in
            for outer in range { body(outer) }
        }
    }
}
