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
    /// Scribbles task: the mixture head's tasks, components and reconstructed channels; nil for other tasks and
    /// for the standard layout (`MixtureLayout.standard`, all files written before layouts were configurable).
    /// `classCount` is the first task's.
    public var mixture: MixtureLayout?
    /// The median cell diameter, in pixels, the network was trained at (2D instances models; nil: images are
    /// used at their own size): prediction resizes each image so that its cells have this diameter.
    public var cellDiameter: Double?

    public init(
        task: SegmentationTask, input: InputPreparation, classCount: Int, patchShape: [Int],
        spacing: [Double]? = nil, instances: InstanceOptions = InstanceOptions(), mixture: MixtureLayout? = nil,
        cellDiameter: Double? = nil
    ) {
        self.task = task
        self.input = input
        self.classCount = classCount
        self.patchShape = patchShape
        self.spacing = spacing
        self.instances = instances
        self.mixture = mixture
        self.cellDiameter = cellDiameter
    }

    /// The scribbles head's layout (nil for other tasks).
    public var mixtureLayout: MixtureLayout? {
        task == .scribbles ? mixture ?? .standard(classCount: classCount, inputChannels: input.channels) : nil
    }
}

/// A trained network with its `SegmentationModelInfo`, stored as one safetensors file (metadata keys
/// `architecture`, `segmentation`, `training`). A checkpoint ensemble keeps further networks of the same
/// architecture (`members`), stored as tensors named `ensemble.<k>.<name>` with metadata `ensemble_members`;
/// prediction averages them all.
public final class SegmentationModel {
    public static let infoKey = "segmentation"
    static let membersKey = "ensemble_members"
    public let network: UNet
    /// Further networks averaged with `network` (a checkpoint ensemble); empty for a single model.
    public var members: [UNet]
    public var info: SegmentationModelInfo

    public init(network: UNet, info: SegmentationModelInfo, members: [UNet] = []) {
        self.network = network
        self.info = info
        self.members = members
    }

    /// `network` followed by `members`.
    public var networks: [UNet] { [network] + members }

    /// Tensor-name prefix of ensemble member `k`.
    static func memberPrefix(_ k: Int) -> String { "ensemble.\(k)." }

    /// Reads a model written by `write(to:training:)`.
    ///
    /// - Throws: `TrainingError.incompatibleModel` when the file lacks segmentation metadata; the engine's
    ///   errors for unreadable files or weights that do not fit the architecture.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: try ModelFile.read(from: url), source: url.path)
    }

    /// A model from file bytes already in memory; `source` names it in errors. Throws as `init(contentsOf:)`.
    public convenience init(data: Data, source: String) throws {
        try self.init(file: try ModelFile.decode(data, path: source), source: source)
    }

    /// The model in a read file (see `init(contentsOf:)`); `source` names it in errors.
    convenience init(file: ModelFile, source: String) throws {
        guard let info = try file.metadata(SegmentationModelInfo.self, forKey: Self.infoKey) else {
            throw TrainingError.incompatibleModel(
                source: source,
                reason: "it has no '\(Self.infoKey)' metadata; it is not a model `cellscribe train` wrote")
        }
        let count = Int(file.metadata[Self.membersKey] ?? "0") ?? 0
        var primary = file
        // A checkpoint also carries the optimizer's state (`OptimizerState.embed`): not the network's.
        primary.tensors = file.tensors.filter {
            !$0.key.hasPrefix("ensemble.") && !$0.key.hasPrefix(OptimizerState.embeddedPrefix)
        }
        let members = try (0..<count).map { k in
            let prefix = Self.memberPrefix(k)
            var member = file
            member.tensors = Dictionary(
                uniqueKeysWithValues: file.tensors.compactMap { name, tensor in
                    name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), tensor) : nil
                })
            return try UNet(file: member)
        }
        self.init(network: try UNet(file: primary), info: info, members: members)
    }

    /// Writes weights (members' too), architecture, this info and `training` (any record of how it was trained)
    /// atomically.
    public func write(to url: URL, training: (any Encodable)? = nil) throws {
        try modelFile(training: training).write(to: url)
    }

    /// The file `write(to:training:)` writes, to add to (a checkpoint adds the optimizer's state).
    public func modelFile(training: (any Encodable)? = nil) throws -> ModelFile {
        var file = try network.modelFile(training: training)
        try file.setMetadata(info, forKey: Self.infoKey)
        for (k, member) in members.enumerated() {
            for (name, tensor) in try member.modelFile().tensors { file.tensors[Self.memberPrefix(k) + name] = tensor }
        }
        if !members.isEmpty { file.metadata[Self.membersKey] = "\(members.count)" }
        return file
    }

    /// A predictor with tiles of `tileShape` (default: the training patch scaled to about 256 pixels per
    /// in-plane axis, 4x the patch in Z up to the whole stack).
    public func predictor(tileShape: [Int]? = nil, batchSize: Int = 2) throws -> TiledPredictor {
        let tiles =
            tileShape
            ?? info.patchShape.enumerated().map { axis, extent in
                info.patchShape.count == 3 && axis == 0 ? extent * 4 : max(extent * 2, 256)
            }
        return try TiledPredictor(network: network, head: head, tileShape: tiles, batchSize: batchSize)
    }

    /// How this model's scores become probabilities.
    public var head: OutputHead {
        info.task.head(classCount: info.classCount, inputChannels: info.input.channels, mixture: info.mixture)
    }
}
