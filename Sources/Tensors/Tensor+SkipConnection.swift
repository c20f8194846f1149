extension Tensor {
    /// [skip, features resized to the skip's spatial size] along channels: what a U-Net decoder feeds its
    /// convolutions, in one pass that never stores the resized features on their own.
    ///
    /// - Parameters:
    ///   - skip: (N, Cs, [D,] H, W), the encoder's features; its layout sets the output's.
    ///   - features: (N, Cf, [D',] H', W'), the coarser decoder features.
    /// - Returns: (N, Cs + Cf, [D,] H, W), equal to `concatenatingChannels([skip, features.resized(...)])`.
    public static func concatenatingChannels(
        _ skip: Tensor, resizing features: Tensor, mode: ResamplingMode
    ) throws -> Tensor {
        let op = "resize and concatenate"
        guard (4...5).contains(skip.shape.count), features.shape.count == skip.shape.count,
            features.shape[0] == skip.shape[0]
        else { throw TensorsError.shapeMismatch(op: op, lhs: skip.shape, rhs: features.shape) }
        let size = Array(skip.shape.dropFirst(2))
        let (skipChannels, featureChannels) = (skip.shape[1], features.shape[1])
        let outputShape = [skip.shape[0], skipChannels + featureChannels] + size
        let outputLayout = try MemoryDescriptor.like(skip.layout, shape: outputShape)
        let featureLayout = try MemoryDescriptor.like(outputLayout, shape: features.shape)
        // The resampling kernel writes whole channel groups, so the features must start on a group boundary of
        // the output and share its kind of layout.
        let output = Tensor(layout: outputLayout)
        let blocking = outputLayout.channelBlocking
        guard let blocking, skipChannels % blocking.block == 0, featureLayout.channelBlocking?.block == blocking.block,
            let skipView = try output.subMemory(channels: 0..<skipChannels)
        else {
            return try concatenatingChannels([skip, features.resized(to: size, mode: mode)])
        }
        try skip.copy(into: Tensor(layout: skipView, storage: output.storage, offset: output.storageOffset))
        let source = try features.reordered(to: featureLayout)
        let plan = ResamplingPlan(
            input: features.shape, output: [features.shape[0], featureChannels] + size, mode: mode)
        plan.forward(from: source, to: output, channelOffset: skipChannels)
        return output.recorded(as: op, from: [skip, features]) { gradient in
            let outputGradient = try gradient.reordered(to: outputLayout)
            let featureGradient = Tensor(
                layout: featureLayout, storage: TensorStorage(zeroedByteCount: featureLayout.byteCount))
            plan.backward(from: outputGradient, to: featureGradient, channelOffset: skipChannels)
            return [try outputGradient.slicingChannels(0..<skipChannels), featureGradient]
        }
    }
}
