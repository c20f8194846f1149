import Basics
import Foundation
import Tensors
import Testing

@testable import Training

@Suite struct ScribbleLossTests {
    /// One 2x2 image, one channel: classes background and foreground, one component each, so the network has
    /// 2 logits + 2 mean maps.
    let loss = ScribbleLoss(layout: MixtureLayout(tasks: [.init(components: [1, 1], reconstructedChannels: [0])]))

    func batch(target: [Float], weights: [Float]) -> PatchBatch {
        PatchBatch(input: [0, 0, 0, 0], target: target, weights: weights, inputShape: [1, 1, 2, 2])
    }

    /// Scores `(1, 4, 2, 2)`: logits (background, foreground) per pixel, then two mean maps.
    func scores(background: [Float], foreground: [Float], means: [Float] = [0, 0, 0, 0, 0, 0, 0, 0]) throws -> Tensor {
        try Tensor(shape: [1, 4, 2, 2], values: background + foreground + means)
    }

    @Test func partialCrossEntropyMatchesAHandComputedCase() throws {
        // Pixel 0 scribbled foreground with P(fg) = 3/4; pixel 1 scribbled background with P(bg) = 4/5.
        let scores = try scores(
            background: [0, Float(Foundation.log(4.0)), 0, 0], foreground: [Float(Foundation.log(3.0)), 0, 0, 0])
        let value = try loss(scores, batch: batch(target: [1, 0, 0, 0], weights: [1, 1, 0, 0])).values()[0]
        let expected = 0.45 * -Foundation.log(0.75) + 0.45 * -Foundation.log(0.8)
        #expect(abs(Double(value) - expected) < 1e-5)
    }

    @Test func unscribbledPixelsDoNotCount() throws {
        let target: [Float] = [1, 0, 0, 0]
        let weights: [Float] = [1, 1, 0, 0]
        let first = try scores(background: [0, 1, 0, 0], foreground: [2, 0, 0, 0])
        let second = try scores(background: [0, 1, -5, 7], foreground: [2, 0, 9, -3])
        let a = try loss(first, batch: batch(target: target, weights: weights)).values()[0]
        let b = try loss(second, batch: batch(target: target, weights: weights)).values()[0]
        #expect(abs(a - b) < 1e-6)
    }

    @Test func eachClassIsAveragedOverItsOwnScribbles() throws {
        // Three background scribbles and one foreground: each class still weighs 0.45.
        let scores = try scores(background: [0, 0, 0, 0], foreground: [0, 0, 0, 0])
        let value = try loss(scores, batch: batch(target: [1, 0, 0, 0], weights: [1, 1, 1, 1])).values()[0]
        #expect(abs(Double(value) - 0.9 * Foundation.log(2.0)) < 1e-5)
    }

    @Test func reconstructionImputesFromPatchAveragedComponentMeans() throws {
        // Equal logits: p = 1/2 for both components everywhere; means 1 and 3 give μ = 2 at every pixel.
        let scores = try scores(background: [0, 0, 0, 0], foreground: [0, 0, 0, 0], means: [1, 1, 1, 1, 3, 3, 3, 3])
        var batch = batch(target: [0, 0, 0, 0], weights: [0, 0, 0, 0])
        batch.reconstruction = [2, 4, 2, 0]
        batch.reconstructionMask = [0, 1, 0, 1]
        let value = try loss(scores, batch: batch).values()[0]
        // Mean over the two masked pixels of ½(I − 2)²: (2 + 2) / 2 = 2, weighted 0.1.
        #expect(abs(value - 0.2) < 1e-5)
    }

    @Test func gradientsReachOnlyScribbledLogitsWithoutReconstruction() throws {
        let scores = try Tensor.parameter(
            shape: [1, 4, 2, 2], values: [0, 1, 0.5, -1, 2, 0, 0.3, 0.1, 0, 0, 0, 0, 0, 0, 0, 0])
        try loss(scores, batch: batch(target: [1, 0, 0, 0], weights: [1, 1, 0, 0])).backward()
        let gradient = try #require(scores.gradient).values()
        for pixel in [2, 3] {
            #expect(gradient[pixel] == 0)
            #expect(gradient[4 + pixel] == 0)
        }
        #expect(gradient[0] != 0)
        #expect(gradient[4 + 1] != 0)
    }
}

@Suite struct BlindSpotTests {
    @Test func replacesAboutFivePercentOfPixelsWithNearbyValues() {
        let side = 64
        let clean = (0..<(side * side)).map { Float($0) }
        var batch = PatchBatch(
            input: clean, target: [Float](repeating: 0, count: side * side),
            weights: [Float](repeating: 0, count: side * side),
            inputShape: [1, 1, side, side])
        var generator = RandomGenerator(seed: 3)
        BlindSpot(probability: 1).apply(to: &batch, generator: &generator)
        let mask = batch.reconstructionMask!
        let masked = mask.indices.filter { mask[$0] == 1 }
        #expect(batch.reconstruction! == clean)
        // 205 draws with replacement: a few repeat.
        #expect(masked.count <= 205 && masked.count >= 180)
        for i in batch.input.indices where mask[i] == 0 { #expect(batch.input[i] == clean[i]) }
        for i in masked {
            let source = Int(batch.input[i])
            var dy = source / side - i / side
            var dx = source % side - i % side
            if dy > side / 2 { dy -= side } else if dy < -side / 2 { dy += side }
            if dx > side / 2 { dx -= side } else if dx < -side / 2 { dx += side }
            #expect((-5...4).contains(dy) && (-5...4).contains(dx))
        }
    }

    @Test func uncorruptedPatchesAreScoredEverywhere() {
        var batch = PatchBatch(
            input: [1, 2, 3, 4], target: [0, 0, 0, 0], weights: [0, 0, 0, 0], inputShape: [1, 1, 2, 2])
        var generator = RandomGenerator(seed: 1)
        BlindSpot(probability: 0).apply(to: &batch, generator: &generator)
        #expect(batch.input == [1, 2, 3, 4])
        #expect(batch.reconstructionMask == [1, 1, 1, 1])
    }
}
