import Tensors

/// How a network's raw scores become probabilities.
public enum OutputHead: Sendable, Equatable {
    /// One independent probability per channel (binary masks, edge maps).
    case sigmoid
    /// A distribution over the channels at each pixel (classes, background/interior/boundary).
    case softmax
    /// ImPartial's mixture (`MixtureLayout`): per task, a softmax over its component logits gives component
    /// probabilities and a class's probability is the sum over its components. The reconstruction means are
    /// not probabilities.
    case componentMixture(MixtureLayout)

    /// Probabilities for `scores` `(N, K, ...)`: `(N, probabilityChannels, ...)`; for a mixture, every task's
    /// classes in task order.
    public func probabilities(_ scores: Tensor) throws -> Tensor {
        switch self {
        case .sigmoid: return try scores.sigmoid()
        case .softmax: return try scores.softmax()
        case .componentMixture(let layout):
            let perTask = try layout.tasks.indices.map { t in
                try Self.classProbabilities(
                    ofComponents: try Self.componentProbabilities(scores, layout: layout, task: t),
                    task: layout.tasks[t])
            }
            return perTask.count == 1 ? perTask[0] : try Tensor.concatenatingChannels(perTask)
        }
    }

    /// Task `t`'s component probabilities `(N, K_t, ...)`: the softmax over its logits.
    static func componentProbabilities(_ scores: Tensor, layout: MixtureLayout, task t: Int) throws -> Tensor {
        let start = layout.outputOffset(ofTask: t)
        return try scores.slicingChannels(start..<(start + layout.tasks[t].componentCount)).softmax()
    }

    /// Per-class sums `(N, classes, ...)` of a task's component probabilities `(N, K, ...)`.
    static func classProbabilities(ofComponents mixture: Tensor, task: MixtureLayout.Task) throws -> Tensor {
        guard task.components.contains(where: { $0 > 1 }) else { return mixture }
        let groups = try (0..<task.classes).map { c in
            let range = task.componentRange(ofClass: c)
            let slice = try mixture.slicingChannels(range)
            return range.count == 1 ? slice : try slice.sum(axes: [1])
        }
        return try Tensor.concatenatingChannels(groups)
    }

    /// Channels `probabilities(_:)` returns for a network with `outputChannels` outputs.
    public func probabilityChannels(outputChannels: Int) -> Int {
        switch self {
        case .sigmoid, .softmax: outputChannels
        case .componentMixture(let layout): layout.probabilityChannels
        }
    }
}

/// What a segmentation network learns.
public enum SegmentationTask: String, Codable, Sendable, CaseIterable {
    /// Cells as instances: three classes (0 background, 1 interior, 2 boundary), split by watershed.
    case instances
    /// Foreground versus background.
    case binary
    /// Semantic classes: label value k is class k (0 = background).
    case classes
    /// Instance boundaries ("labels to edges"), for watershed on the predicted edge map.
    case edges
    /// Classes learnt from scribbles with ImPartial's objective (partial cross-entropy on scribbled pixels plus
    /// blind-spot reconstruction through a per-class mixture of components).
    case scribbles

    /// The head that turns the network's scores into probabilities; `classCount` includes background;
    /// `mixture` is the scribbles task's layout (default: `MixtureLayout.standard`).
    public func head(classCount: Int, inputChannels: Int, mixture: MixtureLayout? = nil) -> OutputHead {
        switch self {
        case .instances, .classes: .softmax
        case .binary, .edges: .sigmoid
        case .scribbles: .componentMixture(mixture ?? .standard(classCount: classCount, inputChannels: inputChannels))
        }
    }

    /// Output channels of the network: 3 for instances, 1 for binary and edges, `classCount` (background
    /// included) for classes; for scribbles the mixture's (by default K = classCount × inputChannels component
    /// logits plus inputChannels × K reconstruction means).
    public func outputChannels(classCount: Int, inputChannels: Int, mixture: MixtureLayout? = nil) -> Int {
        switch self {
        case .instances: 3
        case .binary, .edges: 1
        case .classes: classCount
        case .scribbles: (mixture ?? .standard(classCount: classCount, inputChannels: inputChannels)).outputChannels
        }
    }
}
