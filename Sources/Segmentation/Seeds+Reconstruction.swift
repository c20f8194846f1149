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
                var i = 0
                for z in 0..<grid.depth {
                    for y in 0..<grid.height {
                        for x in 0..<grid.width {
                            let interior = grid.isInterior(z: z, y: y, x: x)
                            var m = rec[i]
                            for o in before where interior || grid.contains(z: z, y: y, x: x, o) {
                                m = max(m, rec[i + o.delta])
                            }
                            rec[i] = min(m, mask[i])
                            i += 1
                        }
                    }
                }
                for z in stride(from: grid.depth - 1, through: 0, by: -1) {
                    for y in stride(from: grid.height - 1, through: 0, by: -1) {
                        for x in stride(from: grid.width - 1, through: 0, by: -1) {
                            i -= 1
                            let interior = grid.isInterior(z: z, y: y, x: x)
                            var m = rec[i]
                            for o in after where interior || grid.contains(z: z, y: y, x: x, o) {
                                m = max(m, rec[i + o.delta])
                            }
                            let value = min(m, mask[i])
                            rec[i] = value
                            for o in after where interior || grid.contains(z: z, y: y, x: x, o) {
                                let j = i + o.delta
                                if rec[j] < value && rec[j] < mask[j] {
                                    queue.append(i)
                                    break
                                }
                            }
                        }
                    }
                }
                var head = 0
                while head < queue.count {
                    let i = queue[head]
                    head += 1
                    let (z, y, x) = grid.coordinates(of: i)
                    let interior = grid.isInterior(z: z, y: y, x: x)
                    let value = rec[i]
                    for o in all where interior || grid.contains(z: z, y: y, x: x, o) {
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
    /// neighbour, numbered 1...n in row-major order of their first pixel.
    ///
    /// A plateau is explored breadth-first until it proves not to be a maximum (a higher neighbour, or an equal
    /// neighbour already known not to be one); its explored pixels are then marked so, so every pixel joins at
    /// most one exploration and the pass stays linear, while slopes are dismissed after a few comparisons.
    static func regionalMaxima(of values: [Float], grid: Grid, connectivity: Connectivity) -> [UInt32] {
        let offsets = grid.offsets(connectivity)
        var labels = [UInt32](repeating: 0, count: grid.count)
        var state = [PlateauState](repeating: .unknown, count: grid.count)
        var members: [Int] = []
        var next: UInt32 = 0
        values.withUnsafeBufferPointer { values in
            state.withUnsafeMutableBufferPointer { state in
                for seed in 0..<grid.count where state[seed] == .unknown {
                    let level = values[seed]
                    members.removeAll(keepingCapacity: true)
                    members.append(seed)
                    state[seed] = .exploring
                    var isMaximum = true
                    var head = 0
                    explore: while head < members.count {
                        let i = members[head]
                        head += 1
                        let (z, y, x) = grid.coordinates(of: i)
                        let interior = grid.isInterior(z: z, y: y, x: x)
                        for o in offsets where interior || grid.contains(z: z, y: y, x: x, o) {
                            let j = i + o.delta
                            let v = values[j]
                            guard v >= level else { continue }
                            if v > level || state[j] == .notMaximum {
                                isMaximum = false
                                break explore
                            }
                            if state[j] == .unknown {
                                state[j] = .exploring
                                members.append(j)
                            }
                        }
                    }
                    if isMaximum {
                        next += 1
                        for i in members {
                            labels[i] = next
                            state[i] = .maximum
                        }
                    } else {
                        for i in members { state[i] = .notMaximum }
                    }
                }
            }
        }
        return labels
    }

    private enum PlateauState: UInt8 {
        case unknown, exploring, notMaximum, maximum
    }
}
