import Basics
import Imaging
import Tensors
import Testing

@testable import Training

struct PatchSamplerTests {
    /// A 1-channel image whose values encode their position, and a target equal to the image's value.
    static func coordinateSample(depth: Int = 1, height: Int, width: Int) throws -> TrainingSample {
        let count = depth * height * width
        let values = (0..<count).map { Float($0 + 1) }
        let shape = depth > 1 ? [1, depth, height, width] : [1, height, width]
        let image = try Image(shape: shape, pixels: values)
        return try TrainingSample(
            stem: "grid", image: image, target: values, weights: [Float](repeating: 1, count: count))
    }

    @Test func plainCropsCopyARegionOfTheImage() throws {
        let sample = try Self.coordinateSample(height: 20, width: 30)
        let sampler = try PatchSampler(patchShape: [8, 8], augmentation: .none, foregroundFraction: 0)
        var generator = RandomGenerator(seed: 1)
        let batch = sampler.batch(from: [sample], count: 3, generator: &generator)
        for n in 0..<3 {
            let patch = Array(batch.input[(n * 64)..<((n + 1) * 64)])
            let first = Int(patch[0]) - 1
            let (y0, x0) = (first / 30, first % 30)
            for y in 0..<8 {
                for x in 0..<8 { #expect(patch[y * 8 + x] == Float((y0 + y) * 30 + x0 + x + 1)) }
            }
        }
    }

    @Test(arguments: [false, true])
    func geometricAugmentationMovesImageTargetAndWeightsTogether(volume: Bool) throws {
        let sample =
            try volume
            ? Self.coordinateSample(depth: 6, height: 12, width: 12) : Self.coordinateSample(height: 16, width: 16)
        var options = AugmentationOptions.none
        options.flips = true
        options.rotations = true
        let shape = volume ? [4, 8, 8] : [8, 8]
        let sampler = try PatchSampler(patchShape: shape, augmentation: options, foregroundFraction: 0)
        var generator = RandomGenerator(seed: 9)
        let batch = sampler.batch(from: [sample], count: 16, generator: &generator)
        #expect(batch.input == batch.target)
        // Every patch holds distinct in-image values: a rigid motion of a crop, not a resampling.
        let pixels = shape.reduce(1, *)
        for n in 0..<16 {
            let patch = batch.input[(n * pixels)..<((n + 1) * pixels)]
            #expect(Set(patch).count == pixels)
        }
    }

    @Test func pixelsOutsideTheImageHaveZeroWeight() throws {
        let sample = try Self.coordinateSample(height: 5, width: 6)
        let sampler = try PatchSampler(patchShape: [8, 8], augmentation: .none, foregroundFraction: 0)
        var generator = RandomGenerator(seed: 2)
        let batch = sampler.batch(from: [sample], count: 4, generator: &generator)
        #expect(batch.weights.filter { $0 > 0 }.count == 4 * 30)
        #expect(zip(batch.input, batch.weights).allSatisfy { $1 > 0 || $0 == 0 })
    }

    @Test func elasticAndIntensityAugmentationKeepTargetsFromTheImage() throws {
        let sample = try Self.coordinateSample(height: 40, width: 40)
        var options = AugmentationOptions()
        options.elasticProbability = 1
        let sampler = try PatchSampler(patchShape: [16, 16], augmentation: options)
        var generator = RandomGenerator(seed: 4)
        let batch = sampler.batch(from: [sample], count: 2, generator: &generator)
        // Targets are nearest-pixel copies: still exact positions of the image.
        #expect(batch.target.allSatisfy { $0 == 0 || ($0 >= 1 && $0 <= 1600 && $0 == $0.rounded()) })
        #expect(batch.input != batch.target)
    }
}
