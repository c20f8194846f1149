import Foundation
import Networks
import Tensors

/// What a segmentation model file says besides the network: the task, how inputs are prepared, and how
/// outputs become instances.
public struct SegmentationModelInfo: Codable, Sendable, Equatable {
    public var task: SegmentationTask
    public var input: InputPreparation
    /// Classes the network distinguishes, background included (3 for instances: background/interior/boundary).
    public var classCount: Int
    /// The patch extent it was trained on: the default tile size for prediction is a multiple of it.
    public var patchShape: [Int]
    /// Physical voxel size `(Z, Y, X)` ratios the targets were computed with (3D), nil for isotropic.
    public var spacing: [Double]?
    public var instances: InstanceOptions

    public init(
        task: SegmentationTask, input: InputPreparation, classCount: Int, patchShape: [Int],
        spacing: [Double]? = nil, instances: InstanceOptions = InstanceOptions()
    ) {
        self.task = task
        self.input = input
        self.classCount = classCount
        self.patchShape = patchShape
        self.spacing = spacing
        self.instances = instances
    }
}

/// A trained network with its `SegmentationModelInfo`, stored as one safetensors file (metadata keys
/// `architecture`, `segmentation`, `training`).
public final class SegmentationModel {
    public static let infoKey = "segmentation"
    public let network: UNet
    public var info: SegmentationModelInfo

    public init(network: UNet, info: SegmentationModelInfo) {
        self.network = network
        self.info = info
    }

    /// Reads a model written by `write(to:training:)`.
    ///
    /// - Throws: `TrainingError.incompatibleModel` when the file lacks segmentation metadata; the engine's
    ///   errors for unreadable files or weights that do not fit the architecture.
    public convenience init(contentsOf url: URL) throws {
        let file = try ModelFile.read(from: url)
        guard let info = try file.metadata(SegmentationModelInfo.self, forKey: Self.infoKey) else {
            throw TrainingError.incompatibleModel(
                source: url.path,
                reason: "it has no '\(Self.infoKey)' metadata; it is not a model `cellscribe train` wrote")
        }
        self.init(network: try UNet(file: file), info: info)
    }

    /// Writes weights, architecture, this info and `training` (any record of how it was trained) atomically.
    public func write(to url: URL, training: (any Encodable)? = nil) throws {
        var file = try network.modelFile(training: training)
        try file.setMetadata(info, forKey: Self.infoKey)
        try file.write(to: url)
    }

    /// A predictor with tiles of `tileShape` (default: the training patch scaled to about 256 pixels per
    /// in-plane axis, 4x the patch in Z up to the whole stack).
    public func predictor(tileShape: [Int]? = nil, batchSize: Int = 2) throws -> TiledPredictor {
        let tiles = tileShape ?? info.patchShape.enumerated().map { axis, extent in
            info.patchShape.count == 3 && axis == 0 ? extent * 4 : max(extent * 2, 256)
        }
        return try TiledPredictor(network: network, head: head, tileShape: tiles, batchSize: batchSize)
    }

    /// How this model's scores become probabilities.
    public var head: OutputHead { info.task.head(classCount: info.classCount, inputChannels: info.input.channels) }
}
