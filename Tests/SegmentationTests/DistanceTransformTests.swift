import Imaging
import Testing

@testable import Segmentation

@Suite struct DistanceTransformTests {
    /// Random masks (about 70% foreground) against the brute-force minimum over all background pixels.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func matchesBruteForceIn2DWithAnisotropicSpacing(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let shape = [Int.random(in: 1...13, using: &rng), Int.random(in: 1...17, using: &rng)]
        let mask = (0..<shape.reduce(1, *)).map { _ in Double.random(in: 0..<1, using: &rng) < 0.7 }
        let spacing = Spacing(x: 0.8, y: 1.7)
        let fast = try DistanceTransform.euclidean(foreground: mask, shape: shape, spacing: spacing)
        let slow = Shapes.bruteForceDistance(isSite: mask.map { !$0 }, shape: shape, steps: (1, 1.7, 0.8))
        for (a, b) in zip(fast, slow) {
            if b.isInfinite { #expect(a.isInfinite) } else { #expect(abs(Double(a) - b) < 1e-4) }
        }
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func matchesBruteForceIn3DWithAnisotropicSpacing(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let shape = [
            Int.random(in: 2...7, using: &rng), Int.random(in: 1...9, using: &rng), Int.random(in: 1...9, using: &rng),
        ]
        let mask = (0..<shape.reduce(1, *)).map { _ in Double.random(in: 0..<1, using: &rng) < 0.85 }
        let spacing = Spacing(x: 1.1, y: 0.9, z: 2.18)
        let fast = try DistanceTransform.euclidean(foreground: mask, shape: shape, spacing: spacing)
        let slow = Shapes.bruteForceDistance(isSite: mask.map { !$0 }, shape: shape, steps: (2.18, 0.9, 1.1))
        for (a, b) in zip(fast, slow) {
            if b.isInfinite { #expect(a.isInfinite) } else { #expect(abs(Double(a) - b) < 1e-4) }
        }
    }

    @Test func singleBackgroundPixelGivesRadialDistances() throws {
        let (h, w) = (9, 11)
        var mask = [Bool](repeating: true, count: h * w)
        mask[4 * w + 3] = false
        let d = try DistanceTransform.euclidean(foreground: mask, shape: [h, w])
        for y in 0..<h {
            for x in 0..<w {
                let expected = Float(((y - 4) * (y - 4) + (x - 3) * (x - 3))).squareRoot()
                #expect(abs(d[y * w + x] - expected) < 1e-5)
            }
        }
    }

    /// A background plane at z = 0 in a stack: distance is z times the z spacing.
    @Test func backgroundPlaneGivesDepthTimesSpacing() throws {
        let shape = [6, 3, 4]
        let labels = try LabelImage(
            shape: shape, labels: (0..<72).map { $0 < 12 ? 0 : 5 }, spacing: Spacing(x: 0.5, y: 0.5, z: 2.18))
        let d = try labels.distanceToBackground()
        for (i, p) in Shapes.coordinates(shape).enumerated() { #expect(abs(d[i] - Float(p.z) * 2.18) < 1e-5) }
    }

    @Test func noBackgroundIsInfiniteAndAllBackgroundIsZero() throws {
        #expect(
            try DistanceTransform.euclidean(foreground: [true, true, true, true], shape: [2, 2]).allSatisfy(
                \.isInfinite))
        #expect(try DistanceTransform.euclidean(foreground: [false, false, false], shape: [1, 3]) == [0, 0, 0])
    }

    @Test func badInputsThrow() {
        #expect(
            throws: SegmentationError.sampleCountMismatch(name: "foreground", shape: [2, 2], expected: 4, actual: 3)
        ) {
            try DistanceTransform.euclidean(foreground: [true, true, true], shape: [2, 2])
        }
        #expect(throws: SegmentationError.self) { try DistanceTransform.euclidean(foreground: [true], shape: [1]) }
        #expect(throws: SegmentationError.self) {
            try DistanceTransform.euclidean(foreground: [true, false], shape: [1, 2], spacing: Spacing(x: 0, y: 1))
        }
    }
}
