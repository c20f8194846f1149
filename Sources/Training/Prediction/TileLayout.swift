import Foundation

/// How an image is cut into overlapping tiles along one axis, and how much each tile's pixels count when the
/// tiles are blended back together.
///
/// Tiles start at multiples of `alignment` (the network's total pooling factor, so every tile sees the same
/// pooling grid as the whole image). Neighbouring tiles overlap by at least `overlap` pixels. In an overlap a
/// tile's weight is 0 for the quarter of it nearest the tile's inner edge (where the tile lacks context), then
/// rises along a raised cosine to 1; at the image's own borders there is no taper. Every pixel gets a positive
/// total weight, so dividing by it blends without seams.
struct TileAxis: Equatable {
    /// Extent of the image along this axis.
    let extent: Int
    /// Extent of every tile (the image's extent rounded up to `alignment` when it is smaller than a tile).
    let tileSize: Int
    /// Start of each tile; the last may reach past the image (the network input is padded there).
    let starts: [Int]
    let overlap: Int

    /// - Parameters:
    ///   - extent: the image's extent.
    ///   - tile: the largest tile extent wanted (rounded down to `alignment`).
    ///   - overlap: wanted overlap between neighbours, in pixels.
    ///   - alignment: tiles start at, and have extents that are, multiples of this.
    init(extent: Int, tile: Int, overlap: Int, alignment: Int) {
        self.extent = extent
        let rounded = { (value: Int) in (value + alignment - 1) / alignment * alignment }
        let maximumTile = max(alignment, tile / alignment * alignment)
        if rounded(extent) <= maximumTile {
            tileSize = rounded(extent)
            starts = [0]
            self.overlap = 0
            return
        }
        tileSize = maximumTile
        let wantedOverlap = min(max(overlap, alignment), tileSize / 2)
        let stride = max(alignment, (tileSize - wantedOverlap) / alignment * alignment)
        var starts: [Int] = []
        var start = 0
        while start + tileSize < extent {
            starts.append(start)
            start += stride
        }
        // The last tile ends at the image's end (rounded down to the alignment, so it may still reach past it).
        let lastStart = max(0, (extent - tileSize + alignment - 1) / alignment * alignment)
        if starts.last.map({ $0 < lastStart }) ?? true { starts.append(lastStart) }
        self.starts = starts
        self.overlap = tileSize - stride
    }

    /// Blending weight of position `index` (0..<tileSize) of the tile at `starts[tile]`.
    func weight(tile: Int, index: Int) -> Float {
        guard overlap > 0 else { return 1 }
        let margin = Float(overlap)
        func taper(_ distance: Int) -> Float {
            // Distance from the tile's inner edge, in pixels; 0 for the first quarter of the overlap.
            let t = (Float(distance) + 0.5 - margin / 4) / (margin / 2)
            if t <= 0 { return 0 }
            if t >= 1 { return 1 }
            return 0.5 - 0.5 * Float(cos(Double.pi * Double(t)))
        }
        var weight: Float = 1
        if tile > 0 { weight = min(weight, taper(index)) }
        if tile < starts.count - 1 { weight = min(weight, taper(tileSize - 1 - index)) }
        return weight
    }
}
