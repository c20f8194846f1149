import Imaging
import Testing

@testable import Training

/// The validation threshold search (`Validator.bestInstanceOptions`) on probabilities with known answers.
struct ThresholdSearchTests {
    /// `InstanceDecoderTests.touchingDisks`, but the cores are surer (P(interior) 0.99) and the 3-pixel-wide
    /// strip where the disks touch reads as interior with P = 0.93: seeds cut below 0.93 join the two disks
    /// through the strip, seeds cut above it keep them apart.
    static func disksJoinedByAnInteriorStrip() throws -> (probabilities: [Float], truth: LabelImage) {
        var (probabilities, truth) = InstanceDecoderTests.touchingDisks()
        let (h, w) = (40, 60)
        for y in 0..<h {
            for x in 0..<w where truth[y * w + x] != 0 {
                let pixel = y * w + x
                let interior = probabilities[h * w + pixel]
                if (29...31).contains(x), abs(y - 20) <= 8 {
                    (probabilities[pixel], probabilities[h * w + pixel], probabilities[2 * h * w + pixel]) = (
                        0.02, 0.93, 0.05
                    )
                } else if interior == 0.9 {
                    (probabilities[pixel], probabilities[h * w + pixel], probabilities[2 * h * w + pixel]) = (
                        0.005, 0.99, 0.005
                    )
                }
            }
        }
        return (probabilities, try LabelImage(shape: [h, w], labels: truth))
    }

    @Test func picksTheSeedThresholdThatSplitsTouchingCells() throws {
        let (probabilities, truth) = try Self.disksJoinedByAnInteriorStrip()
        // The default seeds (0.5) join the disks into one object.
        let joined = try InstanceDecoder(task: .instances, options: InstanceOptions()).labels(
            from: probabilities, shape: truth.shape)
        #expect(joined.instanceCount == 1)

        let best = try #require(
            try Validator.bestInstanceOptions(
                task: .instances, starting: InstanceOptions(mergeThreshold: 0.3),
                probabilities: [CellScaledProbabilities(values: probabilities, shape: truth.shape, scale: 1)],
                truths: [truth]))
        #expect(best.score == 1)
        #expect(best.options.seedThreshold == 0.95)  // the first of the grid above 0.93
        #expect(best.options.foregroundThreshold == 0.3)  // every level works: the first is kept
        #expect(best.options.minimumSize == InstanceOptions().minimumSize)  // larger sizes are no better
        #expect(best.options.mergeThreshold == 0.3)  // fields outside the search are kept
    }

    @Test func noImagesNoChoice() throws {
        #expect(
            try Validator.bestInstanceOptions(
                task: .instances, starting: InstanceOptions(), probabilities: [], truths: []) == nil)
    }
}
