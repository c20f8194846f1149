import Imaging

/// Labels renumbered 1...n in order of first appearance (row-major), with the original label of each.
struct CompactLabels {
    /// Row-major labels 0...n (0 stays background).
    var labels: [UInt32]
    /// `originals[k - 1]` is the input label that became `k`.
    var originals: [UInt32]

    var count: Int { originals.count }

    /// Renumbers `labels`; uses a lookup table when the largest label is modest, a dictionary otherwise, so
    /// sparse huge label values cost no memory.
    init(_ labels: [UInt32]) {
        var out = labels
        var originals: [UInt32] = []
        let maxLabel = Int(labels.max() ?? 0)
        if maxLabel <= 4 * labels.count + 65_536 {
            var table = [UInt32](repeating: 0, count: maxLabel + 1)
            out.withUnsafeMutableBufferPointer { out in
                for i in out.indices where out[i] != 0 {
                    let v = Int(out[i])
                    if table[v] == 0 {
                        originals.append(out[i])
                        table[v] = UInt32(originals.count)
                    }
                    out[i] = table[v]
                }
            }
        } else {
            var table: [UInt32: UInt32] = [:]
            for i in out.indices where out[i] != 0 {
                if let k = table[out[i]] {
                    out[i] = k
                } else {
                    originals.append(out[i])
                    table[out[i]] = UInt32(originals.count)
                    out[i] = UInt32(originals.count)
                }
            }
        }
        self.labels = out
        self.originals = originals
    }

    /// Pixels per compact label; index 0 counts background.
    func sizes() -> [Int] {
        var sizes = [Int](repeating: 0, count: count + 1)
        for v in labels { sizes[Int(v)] += 1 }
        return sizes
    }
}

extension LabelImage {
    /// This image with every instance of fewer than `minimumSize` pixels (voxels) set to background.
    ///
    /// Kept instances keep their labels; chain `relabeledSequentially()` for labels 1...n.
    /// - Throws: `SegmentationError.invalidArgument` when `minimumSize` is negative.
    public func removingSmallObjects(minimumSize: Int) throws -> LabelImage {
        guard minimumSize >= 0 else {
            throw SegmentationError.invalidArgument(
                name: "minimumSize", value: "\(minimumSize)", reason: "a pixel count cannot be negative")
        }
        guard minimumSize > 1 else { return self }
        let compact = CompactLabels(labels)
        let sizes = compact.sizes()
        var copy = self
        copy.labels.withUnsafeMutableBufferPointer { out in
            for i in out.indices where out[i] != 0 && sizes[Int(compact.labels[i])] < minimumSize { out[i] = 0 }
        }
        return copy
    }

    /// This image relabelled 1...n in row-major order of first appearance, as `relabeledSequentially()` does,
    /// with a lookup table instead of a dictionary (the hot path of the instance pipelines).
    func compacted() -> LabelImage {
        var copy = self
        copy.labels = CompactLabels(labels).labels
        return copy
    }
}
