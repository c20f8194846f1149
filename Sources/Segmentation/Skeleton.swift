/// Thinning of binary masks to one-pixel-wide centre lines (Zhang & Suen, 1984), the source of scribbles drawn
/// from ground truth.
public enum Skeleton {
    /// The skeleton of a 2D mask: pixels are peeled from the outside in two alternating sub-passes until none
    /// can go without breaking connectivity or shortening a line end. Pixels beyond the image count as
    /// background.
    ///
    /// - Parameters:
    ///   - mask: row-major flags of `(height, width)`.
    /// - Returns: row-major flags of the same shape; a subset of `mask`.
    public static func thinned(_ mask: [Bool], height: Int, width: Int) -> [Bool] {
        precondition(mask.count == height * width, "mask does not match its shape")
        var current = mask
        var candidates = mask.indices.filter { mask[$0] }
        var changed = true
        while changed {
            changed = false
            for pass in 0..<2 {
                var removable: [Int] = []
                for i in candidates
                where current[i] && canRemove(i, pass: pass, in: current, height: height, width: width) {
                    removable.append(i)
                }
                for i in removable { current[i] = false }
                if !removable.isEmpty { changed = true }
            }
            candidates = candidates.filter { current[$0] }
        }
        return current
    }

    /// Zhang–Suen conditions for pixel `i`; neighbours P2...P9 run clockwise from north.
    private static func canRemove(_ i: Int, pass: Int, in mask: [Bool], height: Int, width: Int) -> Bool {
        let (y, x) = (i / width, i % width)
        func at(_ dy: Int, _ dx: Int) -> Bool {
            let (yy, xx) = (y + dy, x + dx)
            return yy >= 0 && yy < height && xx >= 0 && xx < width && mask[yy * width + xx]
        }
        let p = [at(-1, 0), at(-1, 1), at(0, 1), at(1, 1), at(1, 0), at(1, -1), at(0, -1), at(-1, -1)]
        let neighbours = p.filter { $0 }.count
        guard (2...6).contains(neighbours) else { return false }
        var transitions = 0
        for k in 0..<8 where !p[k] && p[(k + 1) % 8] { transitions += 1 }
        guard transitions == 1 else { return false }
        // p[0] = P2 (north), p[2] = P4 (east), p[4] = P6 (south), p[6] = P8 (west).
        if pass == 0 {
            return !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6])
        } else {
            return !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6])
        }
    }
}
