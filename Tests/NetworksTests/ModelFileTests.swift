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
        FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-unet-\(UUID().uuidString).safetensors")
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
        #expect(try file.metadata(Training.self, forKey: ModelFile.trainingKey) == Training(epochs: 3, finalLoss: 0.125))
        #expect(file.metadata[UNet.networkKey] == UNet.networkName)
    }

    @Test func filesThatCannotRebuildAUNetSayWhy() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [4, 8]), seed: 0)
        var file = try network.modelFile()
        file.metadata[ModelFile.architectureKey] = nil
        #expect(throws: NetworksError.self) { try UNet(file: file) }

        // A configuration that disagrees with the stored tensors: every mismatch is reported by the loader.
        var wider = try network.modelFile()
        try wider.setMetadata(UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [8, 8]), forKey: ModelFile.architectureKey)
        #expect(throws: TensorsError.self) { try UNet(file: wider) }

        var other = try network.modelFile()
        other.metadata[UNet.networkKey] = "resnet"
        #expect(throws: NetworksError.invalidConfiguration("the model file holds a 'resnet', not a U-Net")) {
            try UNet(file: other)
        }
    }
}
