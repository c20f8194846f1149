import Testing

@testable import Imaging

@Suite struct ImageModelTests {
    @Test func shapesAreValidated() throws {
        #expect(throws: ImagingError.self) { try Image(shape: [1, 2, 2], pixels: [1, 2, 3]) }
        #expect(throws: ImagingError.self) { try Image(shape: [2, 2], pixels: [1, 2, 3, 4]) }
        #expect(throws: ImagingError.self) { try Image(shape: [1, 0, 2], pixels: []) }
        #expect(throws: ImagingError.self) {
            try LabelImage(shape: [2, 2, 2, 2], labels: Array(repeating: 0, count: 16))
        }
        let image = try Image(shape: [2, 3, 4, 5], pixels: Array(repeating: 0, count: 120))
        #expect(image.isVolume && image.depth == 3 && image.height == 4 && image.width == 5 && image.channels == 2)
        #expect(image.axisNames == ["C", "Z", "Y", "X"])
    }

    @Test func errorMessagesQuoteTheValues() {
        let error = ImagingError.sampleCountMismatch(shape: [1, 2, 2], expected: 4, actual: 3)
        #expect(error.description == "shape [1, 2, 2] needs 4 samples but 3 were given")
    }

    @Test func sequentialRelabelling() throws {
        let labels = try LabelImage(shape: [2, 3], labels: [0, 7, 7, 3, 0, 9])
        #expect(labels.instanceCount == 3)
        #expect(labels.relabeledSequentially().labels == [0, 1, 1, 2, 0, 3])
    }
}

@Suite struct StatisticsTests {
    @Test func summaryOfKnownValues() {
        let s = SampleStatistics([1, 2, 3, 4, .nan])
        #expect(s.count == 4 && s.min == 1 && s.max == 4)
        #expect(abs(s.mean - 2.5) < 1e-12)
        #expect(abs(s.standardDeviation - 1.118033988749895) < 1e-12)
    }

    /// NumPy: np.percentile([0, 10, 20, 30, 40], [0, 1, 25, 50, 98, 100]) = [0, 0.4, 10, 20, 39.2, 40].
    @Test func percentilesMatchNumPyLinear() throws {
        let p = try Percentiles.of([40, 10, 0, 30, 20] as [Float], [0, 1, 25, 50, 98, 100])
        let expected: [Float] = [0, 0.4, 10, 20, 39.2, 40]
        for (a, b) in zip(p, expected) { #expect(abs(a - b) < 1e-5) }
        #expect(throws: ImagingError.self) { try Percentiles.of([1] as [Float], [101]) }
    }
}

@Suite struct NormalizationTests {
    @Test func jointAndPerChannel() throws {
        // Channel 0: 0...100, channel 1: 0...10 (101 and 11 distinct levels spread over 101 pixels).
        let c0 = (0...100).map { Float($0) }
        let c1 = (0...100).map { Float($0) / 10 }
        let image = try Image(shape: [2, 1, 101], pixels: c0 + c1)
        let perChannel = try PercentileNormalization(low: 0, high: 100, scope: .perChannel).apply(to: image)
        #expect(perChannel.channel(0).last == 1 && perChannel.channel(1).last == 1)
        #expect(perChannel.channel(1).first == 0)
        let joint = try PercentileNormalization(low: 0, high: 100, scope: .joint).apply(to: image)
        #expect(joint.channel(0).last == 1)
        #expect(abs(joint.channel(1).last! - 0.1) < 1e-6)
    }

    @Test func clippingAndConstantImages() throws {
        let image = try Image(shape: [1, 1, 5], pixels: [0, 1, 2, 3, 100])
        let clipped = try PercentileNormalization(low: 0, high: 50, clip: true).apply(to: image)
        #expect(clipped.pixels == [0, 0.5, 1, 1, 1])
        let unclipped = try PercentileNormalization(low: 0, high: 50).apply(to: image)
        #expect(unclipped.pixels.last == 50)
        let flat = try PercentileNormalization().apply(to: Image(shape: [1, 2, 2], pixels: [5, 5, 5, 5]))
        #expect(flat.pixels == [0, 0, 0, 0])
        #expect(throws: ImagingError.self) { try PercentileNormalization(low: 50, high: 10).apply(to: image) }
    }
}

@Suite struct ConnectedComponentTests {
    /// Two diagonal pixels: two components with 4-connectivity, one with 8.
    @Test func diagonalNeighbours() throws {
        let mask: [UInt32] = [1, 0, 0, 1]
        #expect(try LabelImage.connectedComponents(of: mask, shape: [2, 2], connectivity: .faces).instanceCount == 2)
        #expect(try LabelImage.connectedComponents(of: mask, shape: [2, 2], connectivity: .full).instanceCount == 1)
    }

    /// A U shape whose arms join only at the bottom row must be one component (union-find merging).
    @Test func uShapeMerges() throws {
        let mask: [UInt32] = [
            1, 0, 1,
            1, 0, 1,
            1, 1, 1,
        ]
        let cc = try LabelImage.connectedComponents(of: mask, shape: [3, 3])
        #expect(cc.instanceCount == 1)
    }

    /// Touching regions with different labels stay apart; a label split in two becomes two.
    @Test func differentValuesStayApart() throws {
        let labels: [UInt32] = [
            5, 5, 6, 6,
            0, 0, 0, 0,
            5, 5, 0, 6,
        ]
        let cc = try LabelImage.connectedComponents(of: labels, shape: [3, 4])
        #expect(cc.labels == [1, 1, 2, 2, 0, 0, 0, 0, 3, 3, 0, 4])
    }

    @Test(arguments: [(Connectivity.faces, 2), (Connectivity.full, 1)])
    func volumesUseThreeDNeighbourhoods(connectivity: Connectivity, expected: Int) throws {
        // Voxels (0,0,0) and (1,1,1) touch only at a corner.
        var mask = [UInt32](repeating: 0, count: 8)
        mask[0] = 1
        mask[7] = 1
        let cc = try LabelImage.connectedComponents(of: mask, shape: [2, 2, 2], connectivity: connectivity)
        #expect(cc.instanceCount == expected)
    }
}
