import Foundation
import Tensors

extension UNet {
    /// Metadata key naming what kind of network a model file holds.
    public static let networkKey = "network"
    /// The value of `networkKey` in U-Net model files.
    public static let networkName = "cellscribe.unet"

    /// A model file holding this network's weights and buffers (batch normalisation's running statistics), its
    /// configuration (metadata `architecture`), and `training` (metadata `training`) when given, so the file
    /// alone rebuilds the network.
    public func modelFile(training: (any Encodable)? = nil) throws -> ModelFile {
        var file = try ModelFile(parameters: namedState, metadata: [Self.networkKey: Self.networkName])
        try file.setMetadata(configuration, forKey: ModelFile.architectureKey)
        if let training { try file.setMetadata(AnyEncodable(training), forKey: ModelFile.trainingKey) }
        return file
    }

    /// Writes `modelFile(training:)` to `url` atomically.
    public func write(to url: URL, training: (any Encodable)? = nil) throws {
        try modelFile(training: training).write(to: url)
    }

    /// The network a model file describes: built from its `architecture` metadata, then loaded with its weights
    /// and buffers (names and shapes checked, every mismatch reported).
    ///
    /// - Throws: `NetworksError.invalidConfiguration` when the file holds no U-Net configuration;
    ///   `TensorsError` when the file is unreadable or its tensors do not fit the configuration.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: try ModelFile.read(from: url))
    }

    /// The network `file` describes (see `init(contentsOf:)`).
    public convenience init(file: ModelFile) throws {
        let name = file.path ?? "the model file"
        if let network = file.metadata[Self.networkKey], network != Self.networkName {
            throw NetworksError.invalidConfiguration("\(name) holds a '\(network)', not a U-Net")
        }
        guard let configuration = try file.metadata(UNetConfiguration.self, forKey: ModelFile.architectureKey) else {
            throw NetworksError.invalidConfiguration(
                "\(name) has no '\(ModelFile.architectureKey)' metadata, so the network cannot be rebuilt")
        }
        try self.init(configuration, seed: 0)
        try file.load(into: namedState)
    }
}

/// Wraps any Encodable so it can be passed where a concrete Encodable type is needed.
private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
