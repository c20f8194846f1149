import Imaging

extension TiledPredictor {
    /// Class probabilities averaged over the image and its mirror images along Y, X and both (test-time
    /// augmentation: four passes), each mapped back before averaging. Layout as `probabilities(of:)`.
    public func flipAveragedProbabilities(of image: Image, monteCarloSamples: Int = 0, seed: UInt64 = 0) throws
        -> [Float]
    {
        var sum: [Float] = []
        for flip in [(false, false), (true, false), (false, true), (true, true)] {
            let flipped = try Self.mirrored(image, y: flip.0, x: flip.1)
            let probabilities = try self.probabilities(of: flipped, monteCarloSamples: monteCarloSamples, seed: seed)
            let restored = Self.mirrored(
                probabilities, planes: probabilities.count / image.planeCount, shape: image.spatialShape, y: flip.0,
                x: flip.1)
            if sum.isEmpty { sum = restored } else { for index in sum.indices { sum[index] += restored[index] } }
        }
        return sum.map { $0 / 4 }
    }

    static func mirrored(_ image: Image, y: Bool, x: Bool) throws -> Image {
        guard y || x else { return image }
        var copy = image
        copy.pixels = mirrored(image.pixels, planes: image.channels, shape: image.spatialShape, y: y, x: x)
        return copy
    }

    /// `values` laid out `(planes, [Z,] Y, X)` mirrored along Y and/or X (its own inverse).
    static func mirrored(_ values: [Float], planes: Int, shape: [Int], y flipY: Bool, x flipX: Bool) -> [Float] {
        guard flipY || flipX else { return values }
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let slices = planes * (shape.count == 3 ? shape[0] : 1)
        var result = values
        for slice in 0..<slices {
            let base = slice * height * width
            for row in 0..<height {
                let sourceRow = flipY ? height - 1 - row : row
                for column in 0..<width {
                    let sourceColumn = flipX ? width - 1 - column : column
                    result[base + row * width + column] = values[base + sourceRow * width + sourceColumn]
                }
            }
        }
        return result
    }
}
