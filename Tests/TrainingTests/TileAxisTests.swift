import Testing

@testable import Training

struct TileAxisTests {
    @Test(arguments: [(100, 64, 16, 8), (64, 64, 16, 8), (1000, 256, 64, 16), (37, 256, 64, 16), (300, 96, 40, 4)])
    func tilesCoverTheAxisWithPositiveBlendWeights(extent: Int, tile: Int, overlap: Int, alignment: Int) {
        let axis = TileAxis(extent: extent, tile: tile, overlap: overlap, alignment: alignment)
        #expect(axis.tileSize % alignment == 0)
        #expect(axis.starts.allSatisfy { $0 % alignment == 0 })
        var total = [Float](repeating: 0, count: extent)
        for (index, start) in axis.starts.enumerated() {
            for i in 0..<axis.tileSize where start + i < extent {
                total[start + i] += axis.weight(tile: index, index: i)
            }
        }
        #expect(total.allSatisfy { $0 > 0.01 }, "uncovered pixels in \(axis)")
    }

    @Test func noTileUsesThePixelsNearItsInnerEdge() {
        let axis = TileAxis(extent: 1000, tile: 256, overlap: 64, alignment: 16)
        for index in axis.starts.indices.dropFirst() {
            #expect((0..<(axis.overlap / 4)).allSatisfy { axis.weight(tile: index, index: $0) == 0 })
        }
    }
}
