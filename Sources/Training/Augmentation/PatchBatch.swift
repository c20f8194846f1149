/// A batch of training patches as flat arrays, ready to become tensors.
public struct PatchBatch: Sendable {
    /// `(N, C, [Z,] Y, X)` network input.
    public var input: [Float]
    /// `(N, T, [Z,] Y, X)` class index or 0/1 per pixel (T target channels, one per scribbles task).
    public var target: [Float]
    /// `(N, T, [Z,] Y, X)` loss weights.
    public var weights: [Float]
    /// Shape of `input`.
    public var inputShape: [Int]
    /// T.
    public var targetChannels = 1
    /// Blind-spot training: the uncorrupted input, shaped like `input` (nil otherwise).
    public var reconstruction: [Float]? = nil
    /// Blind-spot training: 1 where the reconstruction is scored, shaped like `input` (nil otherwise).
    public var reconstructionMask: [Float]? = nil

    /// Shape of `target` and `weights`.
    public var targetShape: [Int] { [inputShape[0], targetChannels] + inputShape.dropFirst(2) }
}
