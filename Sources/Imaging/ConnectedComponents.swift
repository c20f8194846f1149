/// Which neighbours touch: in 2D 4 (edges) or 8 (edges and corners); in 3D 6 (faces) or 26 (all).
public enum Connectivity: Sendable, Equatable, Codable {
    /// Edge-sharing in 2D, face-sharing in 3D.
    case faces
    /// Any shared corner.
    case full
}

extension LabelImage {
    /// Labels the connected regions of equal non-zero value (so a binary mask becomes instances, and a
    /// label image whose instances are split gets one label per piece). Labels are 1...n in row-major
    /// order of each region's first pixel.
    ///
    /// - Parameters:
    ///   - values: row-major samples of `shape` `(Y, X)` or `(Z, Y, X)`; 0 is background.
    ///   - connectivity: `.faces` (4/6) or `.full` (8/26).
    public static func connectedComponents(
        of values: [UInt32], shape: [Int], connectivity: Connectivity = .faces, spacing: Spacing? = nil
    ) throws -> LabelImage {
        let input = try LabelImage(shape: shape, labels: values, spacing: spacing)
        let (d, h, w) = (input.depth, input.height, input.width)
        var parent = [Int32](repeating: -1, count: values.count)  // -1: background
        func find(_ i: Int) -> Int {
            var r = i
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var j = i
            while Int(parent[j]) != r {
                let next = Int(parent[j])
                parent[j] = Int32(r)
                j = next
            }
            return r
        }
        // Offsets to the already-visited neighbours (lexicographically smaller), in (dz, dy, dx).
        var offsets: [(Int, Int, Int)] = []
        for dz in (d > 1 ? -1 : 0)...0 {
            for dy in -1...1 {
                for dx in -1...1 where (dz, dy, dx) < (0, 0, 0) {
                    let steps = abs(dz) + abs(dy) + abs(dx)
                    if connectivity == .full || steps == 1 { offsets.append((dz, dy, dx)) }
                }
            }
        }
        for z in 0..<d {
            for y in 0..<h {
                for x in 0..<w {
                    let i = (z * h + y) * w + x
                    let v = values[i]
                    guard v != 0 else { continue }
                    parent[i] = Int32(i)
                    for (dz, dy, dx) in offsets {
                        let (nz, ny, nx) = (z + dz, y + dy, x + dx)
                        guard nz >= 0, ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                        let j = (nz * h + ny) * w + nx
                        guard values[j] == v else { continue }
                        let (a, b) = (find(i), find(j))
                        if a != b { parent[max(a, b)] = Int32(min(a, b)) }
                    }
                }
            }
        }
        var out = [UInt32](repeating: 0, count: values.count)
        var labelOfRoot: [Int: UInt32] = [:]
        for i in values.indices where parent[i] >= 0 {
            let r = find(i)
            if let l = labelOfRoot[r] {
                out[i] = l
            } else {
                let l = UInt32(labelOfRoot.count + 1)
                labelOfRoot[r] = l
                out[i] = l
            }
        }
        return try LabelImage(shape: shape, labels: out, spacing: spacing)
    }

    /// This image's connected pieces, one label each (see `connectedComponents(of:shape:connectivity:)`).
    public func connectedComponents(connectivity: Connectivity = .faces) throws -> LabelImage {
        try LabelImage.connectedComponents(of: labels, shape: shape, connectivity: connectivity, spacing: spacing)
    }
}
