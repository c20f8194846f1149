import Imaging

/// Grey-level morphological reconstruction and regional maxima, the two halves of the h-maxima transform.
enum GrayReconstruction {
    /// Reconstruction by dilation of `marker` under `mask` (pointwise `marker <= mask`), in place
    /// (Vincent 1993, "fast hybrid"): a forward and a backward raster scan propagate most values, then a FIFO
    /// queue finishes the pixels the scans could not settle.
    static func byDilation(_ marker: inout [Float], under mask: [Float], grid: Grid, connectivity: Connectivity) {
        let all = grid.offsets(connectivity)
        let before = all.filter { $0.delta < 0 }  // raster predecessors
        let after = all.filter { $0.delta > 0 }
        var queue: [Int] = []
        marker.withUnsafeMutableBufferPointer { rec in
            mask.withUnsafeBufferPointer { mask in
                for i in 0..<grid.count {
                    let (z, y, x) = grid.coordinates(of: i)
                    var m = rec[i]
                    for o in before where grid.contains(z: z, y: y, x: x, o) { m = max(m, rec[i + o.delta]) }
                    rec[i] = min(m, mask[i])
                }
                for i in stride(from: grid.count - 1, through: 0, by: -1) {
                    let (z, y, x) = grid.coordinates(of: i)
                    var m = rec[i]
                    for o in after where grid.contains(z: z, y: y, x: x, o) { m = max(m, rec[i + o.delta]) }
                    let value = min(m, mask[i])
                    rec[i] = value
                    for o in after where grid.contains(z: z, y: y, x: x, o) {
                        let j = i + o.delta
                        if rec[j] < value && rec[j] < mask[j] {
                            queue.append(i)
                            break
                        }
                    }
                }
                var head = 0
                while head < queue.count {
                    let i = queue[head]
                    head += 1
                    let (z, y, x) = grid.coordinates(of: i)
                    let value = rec[i]
                    for o in all where grid.contains(z: z, y: y, x: x, o) {
                        let j = i + o.delta
                        if rec[j] < value && rec[j] != mask[j] {
                            rec[j] = min(value, mask[j])
                            queue.append(j)
                        }
                    }
                    if head > 1 << 20 && head * 2 > queue.count {  // keep the queue's memory bounded
                        queue.removeFirst(head)
                        head = 0
                    }
                }
            }
        }
    }

    /// Labels the regional maxima of `values`: connected plateaus of equal value with no strictly higher
    /// neighbour, numbered 1...n in row-major order of their first pixel. Linear: each pixel is visited once.
    static func regionalMaxima(of values: [Float], grid: Grid, connectivity: Connectivity) -> [UInt32] {
        let offsets = grid.offsets(connectivity)
        var labels = [UInt32](repeating: 0, count: grid.count)
        var visited = [Bool](repeating: false, count: grid.count)
        var members: [Int] = []
        var next: UInt32 = 0
        for seed in 0..<grid.count where !visited[seed] {
            let level = values[seed]
            members.removeAll(keepingCapacity: true)
            members.append(seed)
            visited[seed] = true
            var isMaximum = true
            var head = 0
            while head < members.count {
                let i = members[head]
                head += 1
                let (z, y, x) = grid.coordinates(of: i)
                for o in offsets where grid.contains(z: z, y: y, x: x, o) {
                    let j = i + o.delta
                    let v = values[j]
                    if v > level {
                        isMaximum = false
                    } else if v == level && !visited[j] {
                        visited[j] = true
                        members.append(j)
                    }
                }
            }
            guard isMaximum else { continue }
            next += 1
            for i in members { labels[i] = next }
        }
        return labels
    }
}
