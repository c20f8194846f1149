import Testing

@testable import Imaging

/// `PlaneResampler`: linear interpolation when enlarging, averaging when shrinking, nearest labels.
@Suite struct PlaneResamplerTests {
    @Test("enlarging a two-pixel ramp interpolates between pixel centres and repeats the edges")
    func enlargingInterpolates() throws {
        let resampler = try PlaneResampler(from: (1, 2), to: (1, 4))
        // Output centres fall at input x = -0.25, 0.25, 0.75, 1.25.
        #expect(resampler.resample([0, 1], planes: 1) == [0, 0.25, 0.75, 1])
    }

    @Test("shrinking by two averages each pair with its neighbours' halves")
    func shrinkingAverages() throws {
        let resampler = try PlaneResampler(from: (1, 4), to: (1, 2))
        // Triangle of radius 2 centred at x = 0.5 and 2.5: weights 1/8, 3/8, 3/8, 1/8 (edges repeat).
        let values = resampler.resample([0, 8, 16, 24], planes: 1)
        let first: Float = (0 * 1 + 0 * 3 + 8 * 3 + 16 * 1) / 8
        let second: Float = (8 * 1 + 16 * 3 + 24 * 3 + 24 * 1) / 8
        #expect(values == [first, second])
    }

    @Test("constant planes stay constant at any size, plane by plane")
    func constantsArePreserved() throws {
        let source = [Float](repeating: 3, count: 5 * 7) + [Float](repeating: -1, count: 5 * 7)
        for target in [(2, 3), (11, 16), (5, 7), (1, 1)] {
            let values = try PlaneResampler(from: (5, 7), to: target).resample(source, planes: 2)
            let plane = target.0 * target.1
            #expect(values.count == 2 * plane)
            #expect(values.prefix(plane).allSatisfy { abs($0 - 3) < 1e-5 })
            #expect(values.suffix(plane).allSatisfy { abs($0 + 1) < 1e-5 })
        }
    }

    @Test("labels are resized by nearest neighbour and keep their values")
    func labelsAreNearest() throws {
        let labels = try LabelImage(shape: [2, 2], labels: [1, 2, 3, 4], spacing: Spacing(x: 1, y: 2))
        let enlarged = try labels.resizingPlanes(height: 4, width: 4)
        #expect(enlarged.labels == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        #expect(enlarged.spacing == Spacing(x: 0.5, y: 1))
        let back = try enlarged.resizingPlanes(height: 2, width: 2)
        #expect(back.labels == labels.labels)
    }

    @Test("an image's channels and slices are resized alike and its spacing follows")
    func imagesResizeEveryPlane() throws {
        let image = try Image(
            shape: [2, 3, 2, 2], pixels: (0..<24).map { Float($0 / 4) }, spacing: Spacing(x: 1, y: 1, z: 4))
        let resized = try image.resizingPlanes(height: 4, width: 6)
        #expect(resized.shape == [2, 3, 4, 6])
        #expect(resized.spacing == Spacing(x: 1.0 / 3, y: 0.5, z: 4))
        for plane in 0..<6 {
            #expect(resized.pixels[(plane * 24)..<((plane + 1) * 24)].allSatisfy { $0 == Float(plane) })
        }
        #expect(throws: ImagingError.self) { try image.resizingPlanes(height: 0, width: 3) }
    }
}
