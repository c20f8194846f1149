import CDNNL

/// Running statistics of a batch normalisation layer: what evaluation normalises with.
///
/// Training updates them after every forward pass as PyTorch does: running = (1 − momentum)·running +
/// momentum·batch, where the batch variance folded in is the unbiased one (divided by n − 1, n = N·D·H·W)
/// while the batch itself is normalised with the biased variance.
public final class BatchNormState: @unchecked Sendable {
    /// Channels (C) the statistics describe.
    public let channels: Int
    /// Weight of the newest batch in the running averages (PyTorch's default 0.1).
    public var momentum: Float
    /// Added to the variance before its square root.
    public var epsilon: Float
    /// Per-channel running mean, shape [C], plain; starts at 0.
    public private(set) var runningMean: Tensor
    /// Per-channel running (unbiased) variance, shape [C], plain; starts at 1.
    public private(set) var runningVariance: Tensor

    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) throws {
        guard channels > 0 else {
            throw TensorsError.invalidArgument(
                op: "batch normalisation", reason: "channel count \(channels) must be positive")
        }
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        runningMean = try Tensor.zeros([channels])
        runningVariance = try Tensor.ones([channels])
    }

    /// Replaces the running statistics (e.g. from a checkpoint).
    ///
    /// - Throws: `TensorsError.shapeMismatch` when either list does not have `channels` values.
    public func setRunningStatistics(mean: [Float], variance: [Float]) throws {
        runningMean = try Tensor(shape: [channels], values: mean)
        runningVariance = try Tensor(shape: [channels], values: variance)
    }

    /// Folds one batch's biased statistics over `count` values per channel into the running ones. New tensors
    /// replace the old, so backward passes that captured the old ones still see what they normalised with.
    func update(batchMean: Tensor, batchVariance: Tensor, count: Int) throws {
        let correction = Float(count) / Float(count - 1)
        let keep = 1 - momentum
        let mean = zip(try runningMean.values(), try batchMean.values()).map { keep * $0 + momentum * $1 }
        let variance = zip(try runningVariance.values(), try batchVariance.values()).map {
            keep * $0 + momentum * correction * $1
        }
        try setRunningStatistics(mean: mean, variance: variance)
    }
}

extension Tensor {
    /// Batch normalisation of this (N, C, [D,] H, W) tensor: y = scale·(x − μ)/√(σ² + ε) + shift per channel.
    ///
    /// In training μ and σ² are the batch's statistics over (N, D, H, W) (σ² biased) and `state` is updated;
    /// otherwise the running statistics of `state` are used and left alone. Gradients flow to the input,
    /// `scale` and `shift` (both [C], usually parameters), through the batch statistics when training.
    ///
    /// - Parameters:
    ///   - activation: `.relu` fuses max(y, 0) into the same primitive.
    /// - Returns: the same shape, in the input's layout when channel-blocked or plain.
    /// - Throws: `TensorsError.shapeMismatch` when scale, shift or state do not have C channels;
    ///   `.invalidArgument` for ranks other than 4 and 5, or training with one value per channel.
    public func batchNormalized(
        scale: Tensor, shift: Tensor, state: BatchNormState, training: Bool, activation: FusedActivation = .none
    ) throws -> Tensor {
        let op = "batch normalisation"
        guard shape.count == 4 || shape.count == 5 else {
            throw TensorsError.invalidArgument(op: op, reason: "input \(shape) must be (N, C, H, W) or (N, C, D, H, W)")
        }
        let channels = shape[1]
        for parameter in [scale, shift] where parameter.shape != [channels] {
            throw TensorsError.shapeMismatch(op: "\(op) scale/shift", lhs: shape, rhs: parameter.shape)
        }
        guard state.channels == channels else {
            throw TensorsError.shapeMismatch(op: "\(op) running statistics", lhs: shape, rhs: [state.channels])
        }
        let count = elementCount / channels
        if training, count < 2 {
            throw TensorsError.invalidArgument(
                op: op, reason: "training needs more than one value per channel; input is \(shape)")
        }
        let recording = Tensor.recording(self, scale, shift)
        let source = layout.channelBlocking != nil ? self : try plain()
        let plan = BatchNormPlan(
            data: source.layout, epsilon: state.epsilon, training: training, recording: recording,
            activation: activation)
        let forward = try plan.forward()
        let output = Tensor(layout: source.layout)
        let (scaleValues, shiftValues) = (try scale.plain(), try shift.plain())
        let mean = training ? Tensor(layout: .plain([channels])) : state.runningMean
        let variance = training ? Tensor(layout: .plain([channels])) : state.runningVariance
        let workspaceLayout = forward.memoryDescriptor(dnnl_query_workspace_md)
        let workspace = workspaceLayout.byteCount > 0 ? Tensor(workspace: workspaceLayout) : nil
        var arguments = [
            (Argument.source, source), (Argument.destination, output), (Argument.scale, scaleValues),
            (Argument.shift, shiftValues), (Argument.mean, mean), (Argument.variance, variance),
        ]
        if let workspace { arguments.append((Argument.workspace, workspace)) }
        try Engine.cpu.execute(forward, arguments, op: op, shapes: [shape])
        if training { try state.update(batchMean: mean, batchVariance: variance, count: count) }
        return output.recorded(as: op, from: [self, scale, shift]) { gradient in
            let backward = try plan.backward(hint: forward)
            let sourceGradient = Tensor(layout: source.layout)
            let scaleGradient = Tensor(layout: .plain([channels]))
            let shiftGradient = Tensor(layout: .plain([channels]))
            var arguments = [
                (Argument.source, source), (Argument.mean, mean), (Argument.variance, variance),
                // oneDNN counts the shift among the backward inputs although the gradients do not depend on it.
                (Argument.scale, scaleValues), (Argument.shift, shiftValues),
                (Argument.diffDestination, try gradient.reordered(to: source.layout)),
                (Argument.diffSource, sourceGradient), (Argument.diffScale, scaleGradient),
                (Argument.diffShift, shiftGradient),
            ]
            if let workspace { arguments.append((Argument.workspace, workspace)) }
            try Engine.cpu.execute(backward, arguments, op: "\(op) backward", shapes: [self.shape])
            return [sourceGradient, scaleGradient, shiftGradient]
        }
    }
}

/// The oneDNN batch normalisation primitives for one data layout and mode.
struct BatchNormPlan {
    let data: MemoryDescriptor
    let epsilon: Float
    /// Batch statistics (training) or the running ones (evaluation).
    let training: Bool
    /// Whether a backward pass will follow (needs forward_training and, with ReLU, its workspace).
    let recording: Bool
    let activation: FusedActivation

    var flags: UInt32 {
        var flags = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        if !training { flags |= dnnl_use_global_stats.rawValue }
        if activation == .relu { flags |= dnnl_fuse_norm_relu.rawValue }
        return flags
    }

    var key: String { "bnorm|\(data.key)|\(epsilon)|\(training)|\(recording)|\(activation)" }

    func forward() throws -> Primitive {
        let shapes = [data.shape]
        return try Engine.cpu.primitive(key) {
            var layout = data.raw
            var descriptor = dnnl_batch_normalization_desc_t()
            // forward_training also when only the batch statistics are wanted: it is the kind that outputs them.
            let kind = training || recording ? dnnl_forward_training : dnnl_forward_inference
            try check(
                dnnl_batch_normalization_forward_desc_init(&descriptor, kind, &layout, epsilon, flags),
                "batch normalisation", shapes)
            return try Primitive(&descriptor, op: "batch normalisation", shapes: shapes)
        }
    }

    func backward(hint: Primitive) throws -> Primitive {
        let shapes = [data.shape]
        return try Engine.cpu.primitive("\(key).bwd") {
            var gradientLayout = data.raw
            var layout = data.raw
            var descriptor = dnnl_batch_normalization_desc_t()
            try check(
                dnnl_batch_normalization_backward_desc_init(
                    &descriptor, dnnl_backward, &gradientLayout, &layout, epsilon, flags),
                "batch normalisation backward", shapes)
            return try Primitive(&descriptor, hint: hint, op: "batch normalisation backward", shapes: shapes)
        }
    }
}
