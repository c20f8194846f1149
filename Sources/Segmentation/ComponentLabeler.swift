import Imaging

/// Breadth-first labelling of connected regions on a grid, with a size filter and no per-pixel allocation.
///
/// `LabelImage.connectedComponents` (Imaging) does the same for label images; this variant works on flags,
/// drops small regions in the same pass, and serves the hot paths of the instance pipelines.
struct ComponentLabeler {
    let grid: Grid
    let offsets: [GridOffset]

    init(grid: Grid, connectivity: Connectivity) {
        self.grid = grid
        self.offsets = grid.offsets(connectivity)
    }

    /// Labels the regions of `true` pixels 1...n in row-major order of each region's first pixel, leaving
    /// regions of fewer than `minimumSize` pixels at 0.
    /// - Returns: the row-major labels and n.
    func label(_ flags: [Bool], minimumSize: Int = 0) -> (labels: [UInt32], count: Int) {
        var labels = [UInt32](repeating: 0, count: grid.count)
        var visited = [Bool](repeating: false, count: grid.count)
        var members: [Int] = []
        var next: UInt32 = 0
        for seed in 0..<grid.count where flags[seed] && !visited[seed] {
            members.removeAll(keepingCapacity: true)
            members.append(seed)
            visited[seed] = true
            var head = 0
            while head < members.count {
                let i = members[head]
                head += 1
                let (z, y, x) = grid.coordinates(of: i)
                let interior = grid.isInterior(z: z, y: y, x: x)
                for o in offsets where interior || grid.contains(z: z, y: y, x: x, o) {
                    let j = i + o.delta
                    if flags[j] && !visited[j] {
                        visited[j] = true
                        members.append(j)
                    }
                }
            }
            guard members.count >= minimumSize else { continue }
            next += 1
            for i in members { labels[i] = next }
        }
        return (labels, Int(next))
    }
}
