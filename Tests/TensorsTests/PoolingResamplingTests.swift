import CDNNL
import Testing

@testable import Tensors

/// The same values in the channel-blocked layout U-Net activations use (nChw16c / nCdhw16c on AVX-512 machines,
/// nChw8c / nCdhw8c on AVX2 ones), as a parameter.
func channelBlocked(_ tensor: Tensor, block: Int = 16) throws -> Tensor {
    let volume = tensor.shape.count == 5
    let tag = block == 8 ? (volume ? dnnl_nCdhw8c : dnnl_nChw8c) : (volume ? dnnl_nCdhw16c : dnnl_nChw16c)
    return try relaidOut(tensor, tag: tag)
}

/// The same values in channels-last layout (nhwc / ndhwc), which oneDNN picks for some convolutions, as a parameter.
func channelsLast(_ tensor: Tensor) throws -> Tensor {
    try relaidOut(tensor, tag: tensor.shape.count == 5 ? dnnl_acdeb : dnnl_acdb)
}

private func relaidOut(_ tensor: Tensor, tag: dnnl_format_tag_t) throws -> Tensor {
    let moved = try tensor.reordered(to: .make(tensor.shape, tag: tag))
    return Tensor(layout: moved.layout, storage: moved.storage, requiresGradient: true)
}

struct PoolingTests {
    @Test func maxAndAveragePoolingKnownAnswers() throws {
        let input = try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init))
        #expect(try input.pooled(.max, kernel: [2]).values() == [5, 7, 13, 15])
        #expect(try input.pooled(.average, kernel: [2]).values() == [2.5, 4.5, 10.5, 12.5])
        // Padding is excluded from averages: the corner window of a 3x3/2 pool with padding 1 sees 4 pixels.
        let padded = try input.pooled(.average, kernel: [3], stride: [2], padding: [1])
        #expect(padded.shape == [1, 1, 2, 2])
        #expect(try padded.values()[0] == (0 + 1 + 4 + 5) / 4)
        let volume = try Tensor(shape: [1, 1, 2, 2, 2], values: (0..<8).map(Float.init))
        #expect(try volume.pooled(.max, kernel: [2]).values() == [7])
        #expect(try volume.pooled(.average, kernel: [2]).values() == [3.5])
    }

    @Test(arguments: [
        ([2, 3, 6, 6], PoolingKind.max, 2, 2, 0), ([2, 3, 7, 5], .max, 3, 2, 1), ([1, 2, 6, 6], .average, 2, 2, 0),
        ([1, 2, 7, 7], .average, 3, 2, 1), ([1, 2, 4, 6, 6], .max, 2, 2, 0), ([1, 2, 5, 5, 5], .average, 3, 2, 1),
    ])
    func poolingGradientsMatchFiniteDifferences(shape: [Int], kind: PoolingKind, kernel: Int, stride: Int, padding: Int)
        throws
    {
        var generator = TestValues(seed: 21)
        let input = try generator.tensor(shape, requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([input]) {
            try projected($0[0].pooled(kind, kernel: [kernel], stride: [stride], padding: [padding]))
        }
    }

    @Test func blockedInputPoolsLikePlain() throws {
        var generator = TestValues(seed: 5)
        let plain = try generator.tensor([2, 20, 8, 8], requiresGradient: true)
        let blocked = try channelBlocked(plain)
        for tensor in [plain, blocked] {
            try projected(tensor.pooled(.max, kernel: [2])).backward()
        }
        expectClose(try blocked.pooled(.max, kernel: [2]).values(), try plain.pooled(.max, kernel: [2]).values())
        expectClose(try blocked.gradient!.values(), try plain.gradient!.values())
    }

    @Test func poolingRejectsWindowsThatDoNotFit() throws {
        let input = try Tensor(shape: [1, 1, 2, 2], repeating: 1)
        #expect(throws: TensorsError.self) { try input.pooled(.max, kernel: [3]) }
        #expect(throws: TensorsError.self) { try input.pooled(.max, kernel: [2], padding: [2]) }
        #expect(throws: TensorsError.self) { try Tensor(shape: [4, 4], repeating: 1).pooled(.max, kernel: [2]) }
    }
}

struct ResamplingTests {
    @Test func linearAlignCornersKnownAnswer() throws {
        let input = try Tensor(shape: [1, 1, 2, 2], values: [0, 1, 2, 3])
        let output = try input.resized(to: [3, 3], mode: .linear(alignCorners: true))
        #expect(try output.values() == [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
    }

    @Test func linearHalfPixelKnownAnswer() throws {
        // PyTorch: F.interpolate(tensor([[[[0., 1.]]]]), size=(1, 4), mode="bilinear", align_corners=False)
        let input = try Tensor(shape: [1, 1, 1, 2], values: [0, 1])
        let output = try input.resized(to: [1, 4], mode: .linear(alignCorners: false))
        expectClose(try output.values(), [0, 0.25, 0.75, 1])
    }

    @Test func nearestKnownAnswer() throws {
        let input = try Tensor(shape: [1, 1, 1, 3], values: [1, 2, 3])
        #expect(try input.resized(to: [1, 6], mode: .nearest).values() == [1, 1, 2, 2, 3, 3])
        #expect(try input.resized(to: [1, 2], mode: .nearest).values() == [1, 2])
    }

    @Test func trilinearAlignCornersIsSeparable() throws {
        let input = try Tensor(shape: [1, 1, 2, 1, 1], values: [2, 4])
        let output = try input.resized(to: [3, 2, 2], mode: .linear(alignCorners: true))
        #expect(try output.values() == [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4])
    }

    @Test(arguments: [
        ([1, 3, 4, 5], [8, 10], ResamplingMode.linear(alignCorners: true)),
        ([2, 2, 5, 4], [7, 9], .linear(alignCorners: false)),
        ([1, 2, 3, 3], [6, 5], .nearest),
        ([1, 2, 2, 3, 3], [4, 6, 6], .linear(alignCorners: true)),
        ([1, 1, 3, 2, 4], [5, 3, 7], .linear(alignCorners: false)),
    ])
    func resamplingGradientsMatchFiniteDifferences(shape: [Int], size: [Int], mode: ResamplingMode) throws {
        var generator = TestValues(seed: 8)
        let input = try generator.tensor(shape, requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([input]) { try projected($0[0].resized(to: size, mode: mode)) }
    }

    /// Layouts by channel block: 16 and 8 (blocked), 1 (channels last).
    @Test(arguments: [16, 8, 1])
    func blockedAndChannelsLastInputsResampleLikePlain(block: Int) throws {
        var generator = TestValues(seed: 9)
        for shape in [[2, 20, 5, 6], [1, 18, 3, 4, 4], [1, 35, 3, 3]] {
            let plain = try generator.tensor(shape, requiresGradient: true)
            let other = block == 1 ? try channelsLast(plain) : try channelBlocked(plain, block: block)
            let size = shape.dropFirst(2).map { $0 * 2 }
            let otherOutput = try other.resized(to: size, mode: .linear(alignCorners: true))
            #expect(otherOutput.layout == (try MemoryDescriptor.like(other.layout, shape: otherOutput.shape)))
            #expect(!otherOutput.layout.isPlain)
            for tensor in [plain, other] {
                try projected(tensor.resized(to: size, mode: .linear(alignCorners: true))).backward()
            }
            let plainOutput = try plain.resized(to: size, mode: .linear(alignCorners: true))
            expectClose(try otherOutput.values(), try plainOutput.values())
            expectClose(try other.gradient!.values(), try plain.gradient!.values())
        }
    }

    @Test func resamplingRejectsWrongSizes() throws {
        let input = try Tensor(shape: [1, 1, 2, 2], repeating: 1)
        #expect(throws: TensorsError.self) { try input.resized(to: [4], mode: .nearest) }
        #expect(throws: TensorsError.self) { try input.resized(to: [0, 4], mode: .nearest) }
    }
}
