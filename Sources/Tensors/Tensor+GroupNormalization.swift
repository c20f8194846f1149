/// Group and instance normalisation, computed in Swift over plain and channel-blocked (nChw16c) storage:
/// oneDNN 2.6 has no group normalisation primitive.
extension Tensor {
    /// Group normalisation of this (N, C, [D,] H, W) tensor: the C channels are split into `groups` consecutive
    /// groups; each (sample, group) is normalised by its own mean and biased variance over its C/G channels and
    /// all pixels, then y = scale_c·x̂ + shift_c per channel.
    ///
    /// - Parameters:
    ///   - groups: G, dividing C. G = C is instance normalisation, G = 1 layer normalisation over (C, D, H, W).
    ///   - scale: [C], usually a parameter (γ, initialised to 1).
    ///   - shift: [C], usually a parameter (β, initialised to 0).
    ///   - epsilon: added to the variance before its square root.
    /// - Returns: the same shape, in the input's layout when plain or channel-blocked.
    /// - Throws: `TensorsError.invalidArgument` when G does not divide C or the rank is not 4 or 5;
    ///   `.shapeMismatch` when scale or shift is not [C].
    public func groupNormalized(groups: Int, scale: Tensor, shift: Tensor, epsilon: Float = 1e-5) throws -> Tensor {
        let op = "group normalisation"
        guard shape.count == 4 || shape.count == 5 else {
            throw TensorsError.invalidArgument(op: op, reason: "input \(shape) must be (N, C, H, W) or (N, C, D, H, W)")
        }
        guard groups >= 1, shape[1] % groups == 0 else {
            throw TensorsError.invalidArgument(op: op, reason: "\(groups) groups do not divide the \(shape[1]) channels of \(shape)")
        }
        for parameter in [scale, shift] where parameter.shape != [shape[1]] {
            throw TensorsError.shapeMismatch(op: "\(op) scale/shift", lhs: shape, rhs: parameter.shape)
        }
        let source = layout.channelBlocking != nil ? self : try plain()
        let kernel = GroupNormKernel(layout: source.layout, groups: groups, epsilon: Double(epsilon))
        let (gamma, beta) = (try scale.values(), try shift.values())
        let output = Tensor(layout: source.layout, storage: TensorStorage(zeroedByteCount: source.layout.byteCount))
        let statistics = kernel.forward(source, gamma: gamma, beta: beta, into: output)
        return output.recorded(as: op, from: [self, scale, shift]) { gradient in
            let outputGradient = try gradient.reordered(to: source.layout)
            let result = kernel.backward(outputGradient, source: source, gamma: gamma, statistics: statistics)
            return [
                result.source, try Tensor(shape: [self.shape[1]], values: result.scale),
                try Tensor(shape: [self.shape[1]], values: result.shift),
            ]
        }
    }

    /// Instance normalisation: group normalisation with one group per channel (each (sample, channel) is
    /// normalised over its pixels), then y = scale_c·x̂ + shift_c. Shapes and errors as `groupNormalized`.
    public func instanceNormalized(scale: Tensor, shift: Tensor, epsilon: Float = 1e-5) throws -> Tensor {
        guard shape.count >= 2 else {
            throw TensorsError.invalidArgument(op: "instance normalisation", reason: "input \(shape) has no channel axis")
        }
        return try groupNormalized(groups: shape[1], scale: scale, shift: shift, epsilon: epsilon)
    }
}

/// Offsets of (sample, channel, pixel) in a plain or channel-blocked layout: offset = n·batchStride +
/// channelOffsets[c] + spatialOffsets[pixel].
struct ChannelIndexing {
    let batchStride: Int
    let channelOffsets: [Int]
    /// Pixels in row-major (D, H, W) order.
    let spatialOffsets: [Int]
    /// Channels per block (1 = plain): consecutive channels of a block are adjacent in memory.
    let block: Int

    init(_ layout: MemoryDescriptor) {
        let (strides, block) = layout.channelBlocking!
        let shape = layout.shape
        batchStride = strides[0]
        channelOffsets = (0..<shape[1]).map { ($0 / block) * strides[1] + $0 % block }
        var offsets = [0]
        for axis in 2..<shape.count {
            offsets = offsets.flatMap { base in (0..<shape[axis]).map { base + $0 * strides[axis] } }
        }
        spatialOffsets = offsets
        self.block = block
    }

    /// Calls `body(offset, channel)` for every element of sample `n` in `channels`, in a memory-friendly order.
    @inline(__always)
    func forEach(sample n: Int, channels: Range<Int>, _ body: (Int, Int) -> Void) {
        let base = n * batchStride
        if block == 1 {
            for c in channels {
                let channelBase = base + channelOffsets[c]
                for offset in spatialOffsets { body(channelBase + offset, c) }
            }
        } else {
            for offset in spatialOffsets {
                for c in channels { body(base + channelOffsets[c] + offset, c) }
            }
        }
    }
}

/// The loops of group normalisation, parallel over (sample, group); statistics accumulate in Double.
struct GroupNormKernel {
    let indexing: ChannelIndexing
    let batch: Int
    let channels: Int
    let groups: Int
    let epsilon: Double

    init(layout: MemoryDescriptor, groups: Int, epsilon: Double) {
        indexing = ChannelIndexing(layout)
        batch = layout.shape[0]
        channels = layout.shape[1]
        self.groups = groups
        self.epsilon = epsilon
    }

    /// Values normalised per (sample, group).
    var groupSize: Int { channels / groups * indexing.spatialOffsets.count }

    func channelRange(_ group: Int) -> Range<Int> {
        let perGroup = channels / groups
        return (group * perGroup)..<((group + 1) * perGroup)
    }

    /// Per (sample, group): mean and 1/√(σ² + ε).
    struct Statistics {
        var mean: [Double]
        var inverseDeviation: [Double]
    }

    func forward(_ source: Tensor, gamma: [Float], beta: [Float], into output: Tensor) -> Statistics {
        let x = UncheckedSendable(source.storageFloats.baseAddress!)
        let y = UncheckedSendable(output.storageFloats.baseAddress!)
        let count = batch * groups
        let means = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        let inverses = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        defer { means.deallocate(); inverses.deallocate() }
        let size = Double(groupSize)
        StorageKernels.forEachChunk(count, minimumChunk: 1) { range in
            for item in range {
                let (n, channels) = (item / groups, channelRange(item % groups))
                var sum = 0.0
                indexing.forEach(sample: n, channels: channels) { offset, _ in sum += Double(x.value[offset]) }
                let mean = sum / size
                var squares = 0.0
                indexing.forEach(sample: n, channels: channels) { offset, _ in
                    let centred = Double(x.value[offset]) - mean
                    squares += centred * centred
                }
                let inverse = 1 / (squares / size + epsilon).squareRoot()
                (means[item], inverses[item]) = (mean, inverse)
                indexing.forEach(sample: n, channels: channels) { offset, c in
                    let normalised = Float((Double(x.value[offset]) - mean) * inverse)
                    y.value[offset] = gamma[c] * normalised + beta[c]
                }
            }
        }
        return Statistics(mean: Array(means), inverseDeviation: Array(inverses))
    }

    /// Gradients of the input (in the source's layout), scale and shift from the output gradient (same layout).
    func backward(_ gradient: Tensor, source: Tensor, gamma: [Float], statistics: Statistics)
        -> (source: Tensor, scale: [Float], shift: [Float])
    {
        let result = Tensor(layout: source.layout, storage: TensorStorage(zeroedByteCount: source.layout.byteCount))
        let x = UncheckedSendable(source.storageFloats.baseAddress!)
        let dy = UncheckedSendable(gradient.storageFloats.baseAddress!)
        let dx = UncheckedSendable(result.storageFloats.baseAddress!)
        // Per (sample, channel) partial sums of dy·x̂ and dy; each task writes only its own channels.
        let scalePartial = UnsafeMutableBufferPointer<Double>.allocate(capacity: batch * channels)
        let shiftPartial = UnsafeMutableBufferPointer<Double>.allocate(capacity: batch * channels)
        defer { scalePartial.deallocate(); shiftPartial.deallocate() }
        scalePartial.initialize(repeating: 0)
        shiftPartial.initialize(repeating: 0)
        let size = Double(groupSize)
        StorageKernels.forEachChunk(batch * groups, minimumChunk: 1) { range in
            for item in range {
                let (n, channels) = (item / groups, channelRange(item % groups))
                let (mean, inverse) = (statistics.mean[item], statistics.inverseDeviation[item])
                var (sumGradient, sumGradientNormalised) = (0.0, 0.0)
                indexing.forEach(sample: n, channels: channels) { offset, c in
                    let normalised = (Double(x.value[offset]) - mean) * inverse
                    let outputGradient = Double(dy.value[offset])
                    let normalisedGradient = outputGradient * Double(gamma[c])
                    sumGradient += normalisedGradient
                    sumGradientNormalised += normalisedGradient * normalised
                    scalePartial[n * self.channels + c] += outputGradient * normalised
                    shiftPartial[n * self.channels + c] += outputGradient
                }
                let (meanGradient, meanGradientNormalised) = (sumGradient / size, sumGradientNormalised / size)
                indexing.forEach(sample: n, channels: channels) { offset, c in
                    let normalised = (Double(x.value[offset]) - mean) * inverse
                    let normalisedGradient = Double(dy.value[offset]) * Double(gamma[c])
                    let value = inverse * (normalisedGradient - meanGradient - normalised * meanGradientNormalised)
                    dx.value[offset] = Float(value)
                }
            }
        }
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            var (scaleSum, shiftSum) = (0.0, 0.0)
            for n in 0..<batch {
                scaleSum += scalePartial[n * channels + c]
                shiftSum += shiftPartial[n * channels + c]
            }
            (scale[c], shift[c]) = (Float(scaleSum), Float(shiftSum))
        }
        return (result, scale, shift)
    }
}
