import Tensors

/// How a network's raw scores become probabilities.
public enum OutputHead: Sendable, Equatable {
    /// One independent probability per channel (binary masks, edge maps).
    case sigmoid
    /// A distribution over the channels at each pixel (classes, background/interior/boundary).
    case softmax
    /// ImPartial's mixture: the first `classes × componentsPerClass` channels are component logits (class-major,
    /// background first), a softmax over them gives component probabilities, and a class's probability is the
    /// sum over its components. The remaining channels (the reconstruction means) are not probabilities.
    case componentMixture(classes: Int, componentsPerClass: Int)

    /// Probabilities for `scores` `(N, K, ...)`: `(N, probabilityChannels, ...)`.
    public func probabilities(_ scores: Tensor) throws -> Tensor {
        switch self {
        case .sigmoid: return try scores.sigmoid()
        case .softmax: return try scores.softmax()
        case .componentMixture(let classes, let components):
            let mixture = try scores.slicingChannels(0..<(classes * components)).softmax()
            return try classProbabilities(ofComponents: mixture)
        }
    }

    /// Mixture heads: per-class sums `(N, classes, ...)` of component probabilities `(N, classes × components, ...)`.
    func classProbabilities(ofComponents mixture: Tensor) throws -> Tensor {
        guard case .componentMixture(let classes, let components) = self else { return mixture }
        guard components > 1 else { return mixture }
        let groups = try (0..<classes).map { c in
            try mixture.slicingChannels((c * components)..<((c + 1) * components)).sum(axes: [1])
        }
        return try Tensor.concatenatingChannels(groups)
    }

    /// Channels `probabilities(_:)` returns for a network with `outputChannels` outputs.
    public func probabilityChannels(outputChannels: Int) -> Int {
        switch self {
        case .sigmoid, .softmax: outputChannels
        case .componentMixture(let classes, _): classes
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

    /// The head that turns the network's scores into probabilities; `classCount` includes background.
    public func head(classCount: Int, inputChannels: Int) -> OutputHead {
        switch self {
        case .instances, .classes: .softmax
        case .binary, .edges: .sigmoid
        case .scribbles: .componentMixture(classes: classCount, componentsPerClass: inputChannels)
        }
    }

    /// Output channels of the network: 3 for instances, 1 for binary and edges, `classCount` (background
    /// included) for classes; for scribbles K = classCount × inputChannels component logits plus
    /// inputChannels × K reconstruction means (ImPartial's default of one component per channel and class).
    public func outputChannels(classCount: Int, inputChannels: Int) -> Int {
        switch self {
        case .instances: 3
        case .binary, .edges: 1
        case .classes: classCount
        case .scribbles: classCount * inputChannels * (1 + inputChannels)
        }
    }
}
