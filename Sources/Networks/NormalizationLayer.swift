import Tensors

/// Batch or group normalisation of (N, C, [D,] H, W) features with a learned per-channel scale (γ, starts at 1)
/// and shift (β, starts at 0): y = γ·(x − μ)/√(σ² + ε) + β.
///
/// Parameters are named `weight` and `bias`, batch normalisation's running statistics `running_mean` and
/// `running_var` (as PyTorch names them).
public final class NormalizationLayer: Module {
    /// γ, shape [C].
    public let scale: Tensor
    /// β, shape [C].
    public let shift: Tensor
    /// Running mean and variance; nil for group normalisation.
    public let statistics: BatchNormState?
    /// Groups of consecutive channels normalised together; nil for batch normalisation.
    public let groups: Int?

    /// A layer for `channels` channels.
    ///
    /// - Parameter groups: the group count of `.group` normalisation (must divide `channels`); ignored otherwise.
    /// - Throws: `NetworksError.invalidConfiguration` for `.none` or a group count that does not divide `channels`.
    public init(channels: Int, normalization: UNetConfiguration.Normalization, groups: Int = 8) throws {
        scale = try Tensor.parameter(shape: [channels], values: Array(repeating: 1, count: channels))
        shift = try Tensor.parameter(shape: [channels], values: Array(repeating: 0, count: channels))
        switch normalization {
        case .none:
            throw NetworksError.invalidConfiguration("a normalisation layer needs batch or group normalisation")
        case .batch:
            statistics = try BatchNormState(channels: channels)
            self.groups = nil
        case .group:
            guard groups >= 1, channels % groups == 0 else {
                throw NetworksError.invalidConfiguration("\(groups) groups do not divide \(channels) channels")
            }
            statistics = nil
            self.groups = groups
        }
    }

    public var namedParameters: [(name: String, tensor: Tensor)] { [("weight", scale), ("bias", shift)] }

    public var namedBuffers: [(name: String, tensor: Tensor)] {
        guard let statistics else { return [] }
        return [("running_mean", statistics.runningMean), ("running_var", statistics.runningVariance)]
    }

    /// The normalised input, then `activation`. Batch normalisation uses (and updates) the batch's statistics
    /// while gradients are recorded and the running ones otherwise; ReLU is fused into it.
    public func callAsFunction(_ input: Tensor, activation: FusedActivation = .none) throws -> Tensor {
        if let statistics {
            return try input.batchNormalized(
                scale: scale, shift: shift, state: statistics, training: GradientRecording.isRecording,
                activation: activation)
        }
        let normalized = try input.groupNormalized(groups: groups!, scale: scale, shift: shift)
        return activation == .relu ? try normalized.relu() : normalized
    }
}
