import Imaging
import Tensors

/// Copies tiles out of an image into a network batch, and blends network outputs back.
enum TileIO {
    /// `(N, C, [Z,] Y, X)` tensor of the tiles `tiles` (indices into each axis's starts); zeros past the image.
    static func gather(_ image: Image, tiles: [[Int]], axes: [TileAxis]) throws -> Tensor {
        let spatial = image.spatialShape
        let tileShape = axes.map(\.tileSize)
        let tilePixels = tileShape.reduce(1, *)
        let (depth, height, width) = volume(spatial)
        let (tileDepth, tileHeight, tileWidth) = volume(tileShape)
        let channels = image.channels
        let plane = depth * height * width
        var values = [Float](repeating: 0, count: tiles.count * channels * tilePixels)
        for (n, tile) in tiles.enumerated() {
            let origin = position(tile.indices.map { axes[$0].starts[tile[$0]] })
            for c in 0..<channels {
                for z in 0..<tileDepth where origin.0 + z < depth {
                    for y in 0..<tileHeight where origin.1 + y < height {
                        let source = c * plane + ((origin.0 + z) * height + origin.1 + y) * width + origin.2
                        let destination = ((n * channels + c) * tileDepth + z) * tileHeight * tileWidth + y * tileWidth
                        let count = min(tileWidth, width - origin.2)
                        for x in 0..<count { values[destination + x] = image.pixels[source + x] }
                    }
                }
            }
        }
        return try Tensor(shape: [tiles.count, channels] + tileShape, values: values)
    }

    /// Adds each tile's `(K, tile)` probabilities times its blending window into `sums` `(K, image)` and the
    /// window into `totals` `(image)`.
    static func scatter(
        _ probabilities: [Float], channels: Int, tiles: [[Int]], axes: [TileAxis], into sums: inout [Float],
        totals: inout [Float]
    ) {
        let spatial = axes.map(\.extent)
        let tileShape = axes.map(\.tileSize)
        let (depth, height, width) = volume(spatial)
        let (tileDepth, tileHeight, tileWidth) = volume(tileShape)
        let (plane, tilePixels) = (depth * height * width, tileDepth * tileHeight * tileWidth)
        let volumeAxes: [TileAxis?] = axes.count == 3 ? axes : [nil] + axes
        for (n, tile) in tiles.enumerated() {
            let indices = axes.count == 3 ? tile : [0] + tile
            let origin = position(tile.indices.map { axes[$0].starts[tile[$0]] })
            for z in 0..<tileDepth where origin.0 + z < depth {
                let wz = volumeAxes[0]?.weight(tile: indices[0], index: z) ?? 1
                for y in 0..<tileHeight where origin.1 + y < height {
                    let wy = wz * volumeAxes[1]!.weight(tile: indices[1], index: y)
                    for x in 0..<min(tileWidth, width - origin.2) {
                        let weight = wy * volumeAxes[2]!.weight(tile: indices[2], index: x)
                        guard weight > 0 else { continue }
                        let pixel = ((origin.0 + z) * height + origin.1 + y) * width + origin.2 + x
                        let local = (z * tileHeight + y) * tileWidth + x
                        totals[pixel] += weight
                        for c in 0..<channels {
                            sums[c * plane + pixel] += weight * probabilities[(n * channels + c) * tilePixels + local]
                        }
                    }
                }
            }
        }
    }

    /// `(D, H, W)` of a `(Y, X)` or `(Z, Y, X)` extent (D = 1 in 2D).
    static func volume(_ extent: [Int]) -> (Int, Int, Int) {
        extent.count == 3 ? (extent[0], extent[1], extent[2]) : (1, extent[0], extent[1])
    }

    /// `(z, y, x)` of a `(y, x)` or `(z, y, x)` position (z = 0 in 2D).
    static func position(_ coordinates: [Int]) -> (Int, Int, Int) {
        coordinates.count == 3 ? (coordinates[0], coordinates[1], coordinates[2]) : (0, coordinates[0], coordinates[1])
    }
}
