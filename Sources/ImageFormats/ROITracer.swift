import Imaging

/// Label image → outlines along pixel edges, the way ImageJ's wand traces a traced ROI.
///
/// Connectivity is 4 (pixels sharing an edge). Each label's largest 4-connected piece is traced (ties:
/// the piece reached first in row-major order); smaller pieces, including pieces touching the largest
/// only at a corner, are dropped. Only the outer boundary is traced: holes are not represented, so
/// filling the outline fills them too. Where the piece touches itself at a corner around a background
/// pocket, the outline turns so the two pixels stay apart (4-connectivity), leaving the pocket outside.
enum ROITracer {
    /// The closed outline of one label: corner vertices only, at integer pixel-corner coordinates,
    /// clockwise on screen (the label's pixels on the right of the direction of travel).
    struct Outline: Equatable {
        var label: UInt32
        var xs: [Int]
        var ys: [Int]
    }

    /// One outline per label present in the 2D image `labels`, ascending by label.
    static func outlines(of labels: LabelImage) -> [Outline] {
        precondition(!labels.isVolume, "ROITracer traces 2D label images")
        let pieces = Pieces(labels)
        var best: [UInt32: Int] = [:]  // label → index of its largest piece
        for (id, piece) in pieces.pieces.enumerated() {
            if let current = best[piece.label], pieces.pieces[current].size >= piece.size { continue }
            best[piece.label] = id
        }
        return best.keys.sorted().map { label in
            let id = best[label]!
            return trace(pieces, id: id, label: label)
        }
    }

    /// Follows the boundary of piece `id` from the top-left corner of its first pixel (row-major), whose
    /// top and left edges are always on the boundary, until it returns there.
    private static func trace(_ pieces: Pieces, id: Int, label: UInt32) -> Outline {
        let width = pieces.width
        let start = pieces.pieces[id].firstPixel
        let (x0, y0) = (start % width, start / width)
        // Directions 0 +x, 1 +y, 2 -x, 3 -y; turning right (on screen, y down) is +1.
        let dx = [1, 0, -1, 0]
        let dy = [0, 1, 0, -1]
        var out = Outline(label: label, xs: [], ys: [])
        var (vx, vy) = (x0, y0)
        var dir = 3  // as if arriving up the first pixel's left edge, so the start is emitted as a corner
        var steps = 0
        repeat {
            // The pixels ahead of vertex (vx, vy): ahead-right and ahead-left of the direction of travel.
            let (rx, ry) = (-dy[dir], dx[dir])
            let aheadRight = pieces.contains(id, vx + min(0, dx[dir] + rx), vy + min(0, dy[dir] + ry))
            let aheadLeft = pieces.contains(id, vx + min(0, dx[dir] - rx), vy + min(0, dy[dir] - ry))
            let newDir: Int
            if !aheadRight {
                newDir = (dir + 1) % 4  // wrap round the pixel on our right; never cross a diagonal join
            } else if !aheadLeft {
                newDir = dir
            } else {
                newDir = (dir + 3) % 4
            }
            if newDir != dir {
                out.xs.append(vx)
                out.ys.append(vy)
            }
            dir = newDir
            vx += dx[dir]
            vy += dy[dir]
            steps += 1
            precondition(steps <= 4 * pieces.pieces[id].size + 4, "outline tracing did not close")
        } while vx != x0 || vy != y0
        return out
    }
}

/// 4-connected pieces of equal non-zero labels, found by flood fill in row-major order.
private struct Pieces {
    struct Piece { var label: UInt32; var size: Int; var firstPixel: Int }
    let width: Int
    let height: Int
    /// Piece index per pixel, -1 for background.
    let pieceOf: [Int32]
    let pieces: [Piece]

    init(_ image: LabelImage) {
        width = image.width
        height = image.height
        let labels = image.labels
        var owner = [Int32](repeating: -1, count: labels.count)
        var found: [Piece] = []
        var stack: [Int] = []
        for seed in labels.indices where labels[seed] != 0 && owner[seed] < 0 {
            let id = Int32(found.count)
            let label = labels[seed]
            var size = 0
            func visit(_ q: Int) {
                if owner[q] < 0, labels[q] == label {
                    owner[q] = id
                    stack.append(q)
                }
            }
            visit(seed)
            while let p = stack.popLast() {
                size += 1
                let x = p % width
                if x > 0 { visit(p - 1) }
                if x + 1 < width { visit(p + 1) }
                if p >= width { visit(p - width) }
                if p + width < labels.count { visit(p + width) }
            }
            found.append(Piece(label: label, size: size, firstPixel: seed))
        }
        pieceOf = owner
        pieces = found
    }

    /// True when pixel (x, y) is inside the canvas and belongs to piece `id`.
    func contains(_ id: Int, _ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height && pieceOf[y * width + x] == Int32(id)
    }
}
