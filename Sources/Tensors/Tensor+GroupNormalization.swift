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
            throw TensorsError.invalidArgument(
                op: op, reason: "\(groups) groups do not divide the \(shape[1]) channels of \(shape)")
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
            throw TensorsError.invalidArgument(
                op: "instance normalisation", reason: "input \(shape) has no channel axis")
        }
        return try groupNormalized(groups: shape[1], scale: scale, shift: shift, epsilon: epsilon)
    }
}

/// Offsets in a plain or channel-blocked layout, walked as units of (sample, channel block): within a unit,
/// element (pixel, lane) sits at unitBase + spatialOffsets[pixel] + lane, lanes being consecutive channels
/// (one lane for plain layouts, 16 for nChw16c), so every loop reads memory in order.
struct ChannelBlocks {
    let batchStride: Int
    let blockStride: Int
    /// Channels per block (1 = plain).
    let block: Int
    let channels: Int
    /// Pixels in row-major (D, H, W) order.
    let spatialOffsets: [Int]

    init(_ layout: MemoryDescriptor) {
        let (strides, block) = layout.channelBlocking!
        let shape = layout.shape
        (batchStride, blockStride, self.block, channels) = (strides[0], strides[1], block, shape[1])
        var offsets = [0]
        for axis in 2..<shape.count {
            offsets = offsets.flatMap { base in (0..<shape[axis]).map { base + $0 * strides[axis] } }
        }
        spatialOffsets = offsets
    }

    var blocksPerSample: Int { (channels + block - 1) / block }

    /// Sample, first channel, channel count and storage base of unit `unit`.
    @inline(__always)
    func unit(_ unit: Int) -> (sample: Int, firstChannel: Int, lanes: Int, base: Int) {
        let (n, b) = (unit / blocksPerSample, unit % blocksPerSample)
        return (n, b * block, min(block, channels - b * block), n * batchStride + b * blockStride)
    }
}

/// The loops of group normalisation: per (sample, channel) sums over pixels, in parallel over (sample, channel
/// block) units and accumulated in Double, then combined per (sample, group). Statistics are two-pass (mean,
/// then squared deviations).
struct GroupNormKernel {
    let blocks: ChannelBlocks
    let batch: Int
    let channels: Int
    let groups: Int
    let epsilon: Double

    init(layout: MemoryDescriptor, groups: Int, epsilon: Double) {
        blocks = ChannelBlocks(layout)
        batch = layout.shape[0]
        channels = layout.shape[1]
        self.groups = groups
        self.epsilon = epsilon
    }

    /// Values normalised together per (sample, group).
    var groupSize: Double { Double(channels / groups * blocks.spatialOffsets.count) }

    func group(of channel: Int) -> Int { channel / (channels / groups) }

    /// Per (sample, group): mean and 1/√(σ² + ε).
    struct Statistics {
        var mean: [Double]
        var inverseDeviation: [Double]
    }

    /// Per (sample, channel) sums of `term(value at tensor 0, value at tensor 1, channel, sample)` over pixels.
    private func channelSums(
        _ first: Tensor, _ second: Tensor? = nil, _ term: (Float, Float, Int, Int) -> (Double, Double)
    ) -> [(Double, Double)] {
        let a = UncheckedSendable(first.storageFloats.baseAddress!)
        let b = UncheckedSendable((second ?? first).storageFloats.baseAddress!)
        let sums = UnsafeMutableBufferPointer<(Double, Double)>.allocate(capacity: batch * channels)
        defer { sums.deallocate() }
        StorageKernels.forEachChunk(batch * blocks.blocksPerSample, minimumChunk: 1) { range in
            for index in range {
                let unit = blocks.unit(index)
                withUnsafeTemporaryAllocation(of: (Double, Double).self, capacity: unit.lanes) { lanes in
                    lanes.initialize(repeating: (0, 0))
                    for offset in blocks.spatialOffsets {
                        let position = unit.base + offset
                        for lane in 0..<unit.lanes {
                            let (x, y) = term(
                                a.value[position + lane], b.value[position + lane], unit.firstChannel + lane,
                                unit.sample)
                            lanes[lane].0 += x
                            lanes[lane].1 += y
                        }
                    }
                    for lane in 0..<unit.lanes { sums[unit.sample * channels + unit.firstChannel + lane] = lanes[lane] }
                }
            }
        }
        return Array(sums)
    }

    /// Writes `value(input, other, channel, sample)` for every element into `output` (same layout).
    private func map(_ input: Tensor, _ other: Tensor?, into output: Tensor, _ value: (Float, Float, Int, Int) -> Float)
    {
        let a = UncheckedSendable(input.storageFloats.baseAddress!)
        let b = UncheckedSendable((other ?? input).storageFloats.baseAddress!)
        let y = UncheckedSendable(output.storageFloats.baseAddress!)
        StorageKernels.forEachChunk(batch * blocks.blocksPerSample, minimumChunk: 1) { range in
            for index in range {
                let unit = blocks.unit(index)
                for offset in blocks.spatialOffsets {
                    let position = unit.base + offset
                    for lane in 0..<unit.lanes {
                        y.value[position + lane] = value(
                            a.value[position + lane], b.value[position + lane], unit.firstChannel + lane, unit.sample)
                    }
                }
            }
        }
    }

    /// Per (sample, group) totals of per (sample, channel) sums.
    private func groupTotals(_ sums: [(Double, Double)], weight: (Int) -> Double = { _ in 1 }) -> [(Double, Double)] {
        var totals = [(Double, Double)](repeating: (0, 0), count: batch * groups)
        for n in 0..<batch {
            for c in 0..<channels {
                let (sum, item) = (sums[n * channels + c], n * groups + group(of: c))
                totals[item].0 += weight(c) * sum.0
                totals[item].1 += weight(c) * sum.1
            }
        }
        return totals
    }

    func forward(_ source: Tensor, gamma: [Float], beta: [Float], into output: Tensor) -> Statistics {
        let size = groupSize
        let means = groupTotals(channelSums(source) { x, _, _, _ in (Double(x), 0) }).map { $0.0 / size }
        let squares = groupTotals(
            channelSums(source) { x, _, c, n in
                let centred = Double(x) - means[n * groups + group(of: c)]
                return (centred * centred, 0)
            })
        let inverses = squares.map { 1 / ($0.0 / size + epsilon).squareRoot() }
        // y = x·a + b per (sample, channel), a = γ/σ, b = β − γ·μ/σ.
        var factors = [(Float, Float)](repeating: (0, 0), count: batch * channels)
        for n in 0..<batch {
            for c in 0..<channels {
                let item = n * groups + group(of: c)
                let factor = Double(gamma[c]) * inverses[item]
                factors[n * channels + c] = (Float(factor), Float(Double(beta[c]) - factor * means[item]))
            }
        }
        map(source, nil, into: output) { x, _, c, n in
            let (a, b) = factors[n * channels + c]
            return x * a + b
        }
        return Statistics(mean: means, inverseDeviation: inverses)
    }

    /// Gradients of the input (in the source's layout), scale and shift from the output gradient (same layout).
    func backward(_ gradient: Tensor, source: Tensor, gamma: [Float], statistics: Statistics)
        -> (source: Tensor, scale: [Float], shift: [Float])
    {
        let (means, inverses) = (statistics.mean, statistics.inverseDeviation)
        // Per (sample, channel): Σ dy·x̂ and Σ dy.
        let sums = channelSums(source, gradient) { x, dy, c, n in
            let item = n * groups + group(of: c)
            let normalised = (Double(x) - means[item]) * inverses[item]
            return (Double(dy) * normalised, Double(dy))
        }
        // Per (sample, group) with dx̂ = γ·dy: Σ dx̂·x̂ and Σ dx̂.
        let totals = groupTotals(sums) { Double(gamma[$0]) }
        let size = groupSize
        // dx = σ⁻¹·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), written as dy·k₁ + (x − μ)·k₂ + k₃ per (sample, channel).
        var constants = [(Double, Double, Double, Double)](repeating: (0, 0, 0, 0), count: batch * channels)
        for n in 0..<batch {
            for c in 0..<channels {
                let item = n * groups + group(of: c)
                let inverse = inverses[item]
                let (meanGradientNormalised, meanGradient) = (totals[item].0 / size, totals[item].1 / size)
                constants[n * channels + c] = (
                    inverse * Double(gamma[c]), -inverse * inverse * meanGradientNormalised, -inverse * meanGradient,
                    means[item]
                )
            }
        }
        let result = Tensor(layout: source.layout, storage: TensorStorage(zeroedByteCount: source.layout.byteCount))
        map(source, gradient, into: result) { x, dy, c, n in
            let (k1, k2, k3, mean) = constants[n * channels + c]
            return Float(Double(dy) * k1 + (Double(x) - mean) * k2 + k3)
        }
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let perSample = (0..<batch).map { sums[$0 * channels + c] }
            scale[c] = Float(perSample.map(\.0).reduce(0, +))
            shift[c] = Float(perSample.map(\.1).reduce(0, +))
        }
        return (result, scale, shift)
    }
}
