import Basics
import Testing

@testable import Networks
@testable import Tensors

struct UNetTests {
    /// Parameter counts of the reference networks as PyTorch builds them (../shared/bench/pytorch_reference.py):
    /// the same architecture has the same number of weights.
    @Test func parameterCountsMatchTheReferenceNetworks() throws {
        let impartial = try UNet(.impartial(inputChannels: 2, outputChannels: 12), seed: 0)
        #expect(impartial.parameterCount == 4_897_100)
        let volume = try UNet(
            UNetConfiguration(dimensions: 3, inputChannels: 2, outputChannels: 1, widths: [32, 64, 128, 256]), seed: 0)
        #expect(volume.parameterCount == 5_836_897)
    }

    /// Counted by hand: convolutions 1→4, 4→4 at 8x8; 4→8, 8→8 at 4x4; 12→4, 4→4 at 8x8; the 1x1 head 4→2.
    @Test func convolutionFlopsCountEveryLayerOnce() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8]), seed: 0)
        #expect(network.convolutionFlops(inputShape: [1, 1, 8, 8], training: false) == 125_440)
        #expect(network.convolutionFlops(inputShape: [1, 1, 8, 8], training: true) == 3 * 125_440 - 4_608)
        #expect(network.convolutionFlops(inputShape: [3, 1, 8, 8], training: false) == 3 * 125_440)
    }

    @Test func namesAreUniqueAndStable() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 1, outputChannels: 2, widths: [4, 8, 8]), seed: 0)
        let names = network.namedParameters.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.first == "input.conv1.weight")
        #expect(names.contains("down.1.conv2.bias"))
        #expect(names.contains("up.0.conv1.weight"))
        #expect(names.last == "head.bias")
    }

    @Test(arguments: [[1, 3, 16, 16], [2, 3, 13, 21], [1, 3, 8, 12, 10]])
    func outputKeepsTheInputsSpatialSize(shape: [Int]) throws {
        let dimensions = shape.count - 2
        let configuration = UNetConfiguration(
            dimensions: dimensions, inputChannels: 3, outputChannels: 5, widths: [4, 8, 16], dropout: 0.5)
        let network = try UNet(configuration, seed: 1)
        var generator = RandomGenerator(seed: 2)
        let image = try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
        let output = try network(image)
        #expect(output.shape == [shape[0], 5] + shape.dropFirst(2))
        // Without dropout the output is a function of the input; with it, masks change between calls.
        #expect(try network(image).values() == output.values())
        var dropout: RandomGenerator? = RandomGenerator(seed: 3)
        let first = try network(image, dropout: &dropout).values()
        let second = try network(image, dropout: &dropout).values()
        #expect(first != second)
    }

    @Test func sameSeedGivesSameWeights() throws {
        let configuration = UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [4, 8])
        let a = try UNet(configuration, seed: 7).parameters.map { try $0.values() }
        let b = try UNet(configuration, seed: 7).parameters.map { try $0.values() }
        let c = try UNet(configuration, seed: 8).parameters.map { try $0.values() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func unfitInputsAreRejectedWithTheReason() throws {
        let network = try UNet(UNetConfiguration(inputChannels: 2, outputChannels: 1, widths: [4, 8, 16]), seed: 0)
        #expect(throws: NetworksError.incompatibleInput("the image has 3 channels; the network was built for 2")) {
            try network(Tensor.zeros([1, 3, 16, 16]))
        }
        #expect(throws: NetworksError.self) { try network(Tensor.zeros([1, 2, 16, 3])) }
        #expect(throws: NetworksError.self) { try network(Tensor.zeros([1, 2, 8, 8, 8])) }
    }

    @Test func invalidConfigurationsAreRejected() {
        for configuration in [
            UNetConfiguration(dimensions: 4, inputChannels: 1, outputChannels: 1),
            UNetConfiguration(inputChannels: 0, outputChannels: 1),
            UNetConfiguration(inputChannels: 1, outputChannels: 1, widths: [8]),
            UNetConfiguration(inputChannels: 1, outputChannels: 1, dropout: 1),
        ] {
            #expect(throws: NetworksError.self) { try UNet(configuration, seed: 0) }
        }
    }
}
