import Tensors

/// How a network's raw scores become probabilities.
public enum OutputHead: String, Codable, Sendable, Equatable {
    /// One independent probability per channel (binary masks, edge maps).
    case sigmoid
    /// A distribution over the channels at each pixel (classes, background/interior/boundary).
    case softmax

    /// Probabilities for `scores` `(N, K, ...)`, same shape.
    public func probabilities(_ scores: Tensor) throws -> Tensor {
        switch self {
        case .sigmoid: try scores.sigmoid()
        case .softmax: try scores.softmax()
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

    /// The head that turns the network's scores into probabilities.
    public var head: OutputHead {
        switch self {
        case .instances, .classes: .softmax
        case .binary, .edges: .sigmoid
        }
    }

    /// Output channels of the network: 3 for instances, 1 for binary and edges, `classCount` (background
    /// included) for classes.
    public func outputChannels(classCount: Int) -> Int {
        switch self {
        case .instances: 3
        case .binary, .edges: 1
        case .classes: classCount
        }
    }
}
