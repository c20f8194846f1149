import Basics
import Foundation
import Testing

@testable import Networks
@testable import Tensors

/// Normalisation and transposed upsampling: configuration, names, counts and shapes.
struct ArchitectureOptionsTests {
    static let options: [UNetConfiguration] = [
        UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8], normalization: .batch),
        UNetConfiguration(
            dimensions: 3, inputChannels: 1, outputChannels: 2, widths: [6, 12], normalization: .group,
            normalizationGroups: 3),
        UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8], upsampling: .transposed),
        UNetConfiguration(
            inputChannels: 1, outputChannels: 2, widths: [4, 8], dropout: 0.5, upsampling: .transposed,
            normalization: .batch),
    ]

    @Test(arguments: options)
    func configurationsRoundTripThroughJSON(configuration: UNetConfiguration) throws {
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(UNetConfiguration.self, from: data) == configuration)
    }

    /// What earlier versions stored: no normalisation or upsampling fields.
    @Test func configurationsWithoutTheNewFieldsDecodeToThePlainNetwork() throws {
        let stored =
            #"{"convolutionAlgorithm":"winograd","dimensions":2,"dropout":0.5,"inputChannels":2,"outputChannels":3,"widths":[4,8]}"#
        let configuration = try JSONDecoder().decode(UNetConfiguration.self, from: Data(stored.utf8))
        #expect(configuration.normalization == UNetConfiguration.Normalization.none)
        #expect(configuration.normalizationGroups == 8)
        #expect(configuration.upsampling == .linear)
        #expect(configuration == UNetConfiguration(inputChannels: 2, outputChannels: 3, widths: [4, 8], dropout: 0.5))
    }

    /// Counted by hand for widths [4, 8], 1 → 2 channels, 2D. Plain: convolutions 1→4 (40), 4→4 (148), 4→8 (296),
    /// 8→8 (584), 12→4 (436), 4→4 (148), head 4→2 (10) = 1662. Each norm adds 2·C: (4 + 4 + 8 + 8 + 4 + 4)·2 = 64.
    /// The 2x2 up-convolution 8→8 adds 8·8·4 + 8 = 264 (8·8·8 + 8 = 520 in 3D, where the plain network has
    /// 3x3x3 kernels: 1662 + 18·(4 + 16 + 32 + 64 + 48 + 16) = 4902).
    struct Count: Sendable {
        let configuration: UNetConfiguration
        let parameters: Int
        let buffers: Int
    }

    @Test(arguments: [
        Count(
            configuration: UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8]),
            parameters: 1662, buffers: 0),
        Count(
            configuration: UNetConfiguration(
                inputChannels: 1, outputChannels: 2, widths: [4, 8], normalization: .batch),
            parameters: 1726, buffers: 64),
        Count(
            configuration: UNetConfiguration(
                inputChannels: 1, outputChannels: 2, widths: [4, 8], normalization: .group, normalizationGroups: 2),
            parameters: 1726, buffers: 0),
        Count(
            configuration: UNetConfiguration(
                inputChannels: 1, outputChannels: 2, widths: [4, 8], upsampling: .transposed),
            parameters: 1926, buffers: 0),
        Count(
            configuration: UNetConfiguration(
                inputChannels: 1, outputChannels: 2, widths: [4, 8], upsampling: .transposed, normalization: .batch),
            parameters: 1990, buffers: 64),
        Count(
            configuration: UNetConfiguration(
                dimensions: 3, inputChannels: 1, outputChannels: 2, widths: [4, 8], upsampling: .transposed),
            parameters: 4902 + 520, buffers: 0),
    ])
    func parameterAndBufferCountsMatchAHandCount(count: Count) throws {
        let network = try UNet(count.configuration, seed: 0)
        #expect(network.parameterCount == count.parameters)
        #expect(network.namedBuffers.reduce(0) { $0 + $1.tensor.elementCount } == count.buffers)
    }

    @Test func newTensorsHaveDistinctNamesAndBuffersStayOutOfTheParameters() throws {
        let configuration = UNetConfiguration(
            inputChannels: 1, outputChannels: 2, widths: [4, 8, 8], upsampling: .transposed, normalization: .batch)
        let network = try UNet(configuration, seed: 0)
        let parameters = network.namedParameters.map(\.name)
        let buffers = network.namedBuffers.map(\.name)
        #expect(Set(parameters + buffers).count == parameters.count + buffers.count)
        #expect(
            parameters.starts(with: [
                "input.conv1.weight", "input.conv1.bias", "input.norm1.weight", "input.norm1.bias",
            ]))
        #expect(parameters.contains("up.0.upconv.weight") && parameters.contains("up.1.upconv.bias"))
        #expect(parameters.contains("up.1.norm2.bias"))
        #expect(!parameters.contains { $0.contains("running") })
        #expect(buffers.starts(with: ["input.norm1.running_mean", "input.norm1.running_var"]))
        #expect(buffers.count == 2 * 2 * 5)
        #expect(
            try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8]), seed: 0).namedBuffers
                .isEmpty)
    }

    /// The up-convolution 8→8 (2x2) runs on the 4x4 level: 2·256·16 = 8192 more than the plain network's 125,440.
    @Test func convolutionFlopsCountTheUpConvolutions() throws {
        let network = try UNet(
            UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8], upsampling: .transposed), seed: 0)
        #expect(network.convolutionFlops(inputShape: [1, 1, 8, 8], training: false) == 133_632)
        #expect(network.convolutionFlops(inputShape: [1, 1, 8, 8], training: true) == 3 * 133_632 - 4_608)
    }

    @Test func aGroupCountThatDoesNotDivideAWidthIsRejectedNamingBoth() throws {
        let configuration = UNetConfiguration(
            inputChannels: 1, outputChannels: 1, widths: [16, 24, 36], normalization: .group)
        let message =
            "normalizationGroups 8 does not divide width 36 of widths [16, 24, 36]; every width must be a multiple of the group count"
        #expect(throws: NetworksError.invalidConfiguration(message)) { try UNet(configuration, seed: 0) }
        var zero = configuration
        zero.normalizationGroups = 0
        #expect(throws: NetworksError.self) { try UNet(zero, seed: 0) }
        // Batch normalisation has no groups, so the same widths are fine there.
        var batch = configuration
        batch.normalization = .batch
        #expect(try UNet(batch, seed: 0).configuration.widths == [16, 24, 36])
    }

    /// Odd sizes: pooling floors, and the up-convolution's output padding restores the skip's size.
    @Test(arguments: [[2, 3, 13, 21], [1, 3, 8, 12, 10], [2, 3, 16, 16]], [false, true])
    func transposedAndNormalisedNetworksKeepTheInputsSize(shape: [Int], batch: Bool) throws {
        let configuration = UNetConfiguration(
            dimensions: shape.count - 2, inputChannels: 3, outputChannels: 5, widths: [4, 8, 16], dropout: 0.5,
            upsampling: .transposed, normalization: batch ? .batch : .group, normalizationGroups: 2)
        let network = try UNet(configuration, seed: 1)
        var generator = RandomGenerator(seed: 2)
        let image = try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
        let output = try withoutGradients { try network(image) }
        #expect(output.shape == [shape[0], 5] + shape.dropFirst(2))
        #expect(try withoutGradients { try network(image) }.values() == output.values())
        var dropout: RandomGenerator? = RandomGenerator(seed: 3)
        let first = try network(image, dropout: &dropout)
        let second = try network(image, dropout: &dropout)
        #expect(first.shape == output.shape)
        #expect(try first.values() != second.values())
    }
}
