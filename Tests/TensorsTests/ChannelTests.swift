import Testing

@testable import Tensors

struct ChannelTests {
    @Test func concatenateAndSliceKnownAnswer() throws {
        let a = try Tensor(shape: [1, 1, 1, 2], values: [1, 2])
        let b = try Tensor(shape: [1, 2, 1, 2], values: [3, 4, 5, 6])
        let joined = try Tensor.concatenatingChannels([a, b])
        #expect(joined.shape == [1, 3, 1, 2])
        #expect(try joined.values() == [1, 2, 3, 4, 5, 6])
        #expect(try joined.slicingChannels(1..<2).values() == [3, 4])
        #expect(try joined.slicingChannels(0..<3) === joined)
    }

    @Test(arguments: [false, true])
    func concatenateGradientsMatchFiniteDifferences(blocked: Bool) throws {
        var generator = TestValues(seed: 3)
        let a = try generator.tensor([2, 3, 4, 4], requiresGradient: true)
        let b = try generator.tensor([2, 5, 4, 4], requiresGradient: true)
        let inputs = blocked ? try [channelBlocked(a), channelBlocked(b)] : [a, b]
        try expectGradientsMatchFiniteDifferences(inputs, stride: 3) {
            try projected(Tensor.concatenatingChannels($0))
        }
    }

    @Test(arguments: [0..<16, 16..<20, 3..<9, 17..<18], [false, true])
    func sliceOfBlockedOrChannelsLastTensorMatchesPlain(channels: Range<Int>, channelsLastLayout: Bool) throws {
        let (lower, upper) = (channels.lowerBound, channels.upperBound)
        var generator = TestValues(seed: 4)
        let plain = try generator.tensor([2, 20, 3, 3], requiresGradient: true)
        let blocked = channelsLastLayout ? try channelsLast(plain) : try channelBlocked(plain)
        for tensor in [plain, blocked] { try projected(tensor.slicingChannels(lower..<upper)).backward() }
        let expected = try plain.slicingChannels(lower..<upper).values()
        expectClose(try blocked.slicingChannels(lower..<upper).values(), expected)
        expectClose(try blocked.gradient!.values(), try plain.gradient!.values())
        let reference = try plain.values()
        let plane = 9
        var manual: [Float] = []
        for n in 0..<2 {
            let start = (n * 20 + lower) * plane
            let end = (n * 20 + upper) * plane
            manual += reference[start..<end]
        }
        #expect(expected == manual)
    }

    @Test func sliceGradientsMatchFiniteDifferences() throws {
        var generator = TestValues(seed: 6)
        let input = try generator.tensor([1, 6, 2, 3, 3], requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([input]) { try projected($0[0].slicingChannels(2..<5)) }
    }

    @Test func mismatchedShapesAreRejectedWithBothShapes() throws {
        let a = try Tensor(shape: [1, 1, 4, 4], repeating: 0)
        let b = try Tensor(shape: [1, 1, 4, 5], repeating: 0)
        #expect(throws: TensorsError.shapeMismatch(op: "concatenate", lhs: [1, 1, 4, 4], rhs: [1, 1, 4, 5])) {
            try Tensor.concatenatingChannels([a, b])
        }
        #expect(throws: TensorsError.self) { try a.slicingChannels(0..<2) }
    }
}

struct SkipConnectionTests {
    /// The fused op equals resizing then concatenating, forward and backward, for every layout kind, including
    /// the fallback when the skip does not fill whole channel blocks.
    @Test(
        arguments: [
            ([2, 16, 6, 6], [2, 20, 3, 3]), ([1, 32, 4, 6, 6], [1, 16, 2, 3, 3]), ([1, 5, 5, 7], [1, 3, 3, 4]),
        ], ["plain", "blocked", "channelsLast"])
    func fusedSkipConnectionEqualsResizeThenConcatenate(shapes: ([Int], [Int]), layout: String) throws {
        var generator = TestValues(seed: 12)
        let (skipShape, featureShape) = shapes
        func arranged(_ tensor: Tensor) throws -> Tensor {
            switch layout {
            case "blocked": try channelBlocked(tensor)
            case "channelsLast": try channelsLast(tensor)
            default: tensor
            }
        }
        let skip = try arranged(generator.tensor(skipShape, requiresGradient: true))
        let features = try arranged(generator.tensor(featureShape, requiresGradient: true))
        let mode = ResamplingMode.linear(alignCorners: true)
        let fused = try Tensor.concatenatingChannels(skip, resizing: features, mode: mode)
        try projected(fused).backward()
        let fusedGradients = try [skip, features].map { try #require($0.gradient).values() }
        for tensor in [skip, features] { tensor.zeroGradient() }
        let size = Array(skipShape.dropFirst(2))
        let separate = try Tensor.concatenatingChannels([skip, features.resized(to: size, mode: mode)])
        try projected(separate).backward()
        expectClose(try fused.values(), try separate.values(), tolerance: 1e-6)
        for (tensor, expected) in zip([skip, features], fusedGradients) {
            expectClose(try #require(tensor.gradient).values(), expected, tolerance: 1e-6)
        }
    }

    /// A channel slice of a one-image batch is a view whose batch stride is the parent's; oneDNN calls that
    /// layout equal to plain, and binary primitives built for one then misread the other (regression).
    @Test func slicesOfAOneImageBatchCombineWithPlainTensors() throws {
        let weights = try Tensor(shape: [1, 2, 2, 2], values: [0, 0.5, 0, 0, 0.5, 0, 0, 0])
        let parent = try Tensor(shape: [1, 4, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9])
        let slice = try parent.slicingChannels(0..<2)
        #expect(try (weights * slice).values() == [0, 1, 0, 0, 2.5, 0, 0, 0])
        let plain = try Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try (weights * plain).values() == [0, 1, 0, 0, 2.5, 0, 0, 0])
        #expect(try (plain * weights).values() == [0, 1, 0, 0, 2.5, 0, 0, 0])
        #expect(
            slice.layout != MemoryDescriptor.plain([1, 2, 2, 2])
                || slice.layout.key == MemoryDescriptor.plain([1, 2, 2, 2]).key)
    }

    @Test func skipConnectionGradientsMatchFiniteDifferences() throws {
        var generator = TestValues(seed: 13)
        let skip = try channelBlocked(try generator.tensor([1, 16, 4, 4]))
        let features = try channelBlocked(try generator.tensor([1, 3, 2, 2]))
        try expectGradientsMatchFiniteDifferences([skip, features], stride: 3) {
            try projected(Tensor.concatenatingChannels($0[0], resizing: $0[1], mode: .linear(alignCorners: false)))
        }
    }
}
