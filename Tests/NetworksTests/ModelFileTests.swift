import Basics
import Foundation
import Testing

@testable import Networks
@testable import Tensors

struct UNetModelFileTests {
    struct Training: Codable, Equatable {
        let epochs: Int
        let finalLoss: Float
    }

    func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-unet-\(UUID().uuidString).safetensors")
    }

    @Test func savedNetworkReloadsWithItsConfigurationAndWeights() throws {
        let configuration = UNetConfiguration(
            dimensions: 2, inputChannels: 2, outputChannels: 3, widths: [4, 8, 16], dropout: 0.25, upsampling: .nearest)
        let network = try UNet(configuration, seed: 9)
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try network.write(to: url, training: Training(epochs: 3, finalLoss: 0.125))

        let loaded = try UNet(contentsOf: url)
        #expect(loaded.configuration == configuration)
        var generator = RandomGenerator(seed: 1)
        let image = try Tensor(shape: [1, 2, 12, 12], values: (0..<288).map { _ in generator.nextNormal() })
        #expect(try loaded(image).values() == network(image).values())
        let file = try ModelFile.read(from: url)
        #expect(
            try file.metadata(Training.self, forKey: ModelFile.trainingKey) == Training(epochs: 3, finalLoss: 0.125))
        #expect(file.metadata[UNet.networkKey] == UNet.networkName)
    }

    @Test func filesThatCannotRebuildAUNetSayWhy() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [4, 8]), seed: 0)
        var file = try network.modelFile()
        file.metadata[ModelFile.architectureKey] = nil
        #expect(throws: NetworksError.self) { try UNet(file: file) }

        // A configuration that disagrees with the stored tensors: every mismatch is reported by the loader.
        var wider = try network.modelFile()
        try wider.setMetadata(
            UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [8, 8]), forKey: ModelFile.architectureKey)
        #expect(throws: TensorsError.self) { try UNet(file: wider) }

        var other = try network.modelFile()
        other.metadata[UNet.networkKey] = "resnet"
        #expect(throws: NetworksError.invalidConfiguration("the model file holds a 'resnet', not a U-Net")) {
            try UNet(file: other)
        }
    }

    /// Each option's network, trained a few steps (so running statistics and weights have moved), is written,
    /// read back and gives exactly the same inference scores.
    @Test(arguments: [
        UNetConfiguration(inputChannels: 2, outputChannels: 2, widths: [8, 16], normalization: .batch),
        UNetConfiguration(
            inputChannels: 2, outputChannels: 2, widths: [8, 16], normalization: .group, normalizationGroups: 4),
        UNetConfiguration(inputChannels: 2, outputChannels: 2, widths: [8, 16], upsampling: .transposed),
        UNetConfiguration(
            inputChannels: 2, outputChannels: 2, widths: [8, 16], upsampling: .transposed, normalization: .batch),
    ])
    func trainedNetworksWithEachOptionReloadExactly(configuration: UNetConfiguration) throws {
        let network = try UNet(configuration, seed: 3)
        let optimizer = try Adam(parameters: network.namedParameters, learningRate: 1e-2)
        let (image, target) = try TrainingTests.batch()
        for _ in 0..<3 {
            optimizer.zeroGradients()
            let loss = try meanSquaredError(network(image), target)
            try loss.backward()
            try optimizer.step()
        }
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try network.write(to: url)

        let file = try ModelFile.read(from: url)
        #expect(Set(file.tensors.keys) == Set(network.namedState.map(\.name)))
        let loaded = try UNet(contentsOf: url)
        #expect(loaded.configuration == configuration)
        for (stored, reloaded) in zip(network.namedBuffers, loaded.namedBuffers) {
            #expect(stored.name == reloaded.name)
            #expect(try stored.tensor.values() == reloaded.tensor.values())
        }
        if configuration.normalization == .batch {
            #expect(file.tensors["input.norm1.running_mean"] != nil && file.tensors["up.0.norm2.running_var"] != nil)
            #expect(try loaded.namedBuffers[1].tensor.values().contains { $0 != 1 }, "running variance left at 1")
        }
        let probe = try Tensor(shape: [1, 2, 16, 16], values: Array(try image.values()[512...]))
        let expected = try withoutGradients { try network(probe) }.values()
        #expect(try withoutGradients { try loaded(probe) }.values() == expected)
    }

    @Test func aBatchNormFileWithoutRunningStatisticsIsRejected() throws {
        let configuration = UNetConfiguration(
            inputChannels: 1, outputChannels: 1, widths: [4, 8], normalization: .batch)
        var file = try UNet(configuration, seed: 0).modelFile()
        file.tensors["down.0.norm2.running_var"] = nil
        #expect {
            try UNet(file: file)
        } throws: { error in
            "\(error)".contains("down.0.norm2.running_var")
        }
    }
}
