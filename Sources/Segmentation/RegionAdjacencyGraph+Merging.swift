import Imaging

extension RegionAdjacencyGraph {
    /// Greedy agglomeration: repeatedly merges the touching pair whose shared boundary has the lowest mean edge
    /// probability, while that mean is below `threshold`.
    ///
    /// After a merge, the boundary of the union with a neighbour c is the union of the two boundaries with c
    /// (their pixels are disjoint), so its count and sum are the sums of theirs and its mean is recomputed
    /// exactly: the result equals merging on freshly rebuilt graphs. Union-find plus a heap with lazy deletion:
    /// O(E log E) for E edges. Ties merge the pair with the lower labels first.
    /// - Parameter threshold: pairs whose mean boundary probability is at or above it are never merged.
    /// - Returns: for every region, the lowest label of the group it ended in.
    public func agglomerated(threshold: Float) -> [UInt32: UInt32] {
        let limit = Double(threshold)
        var position: [UInt32: Int] = [:]
        for (k, label) in regions.enumerated() { position[label] = k }
        var adjacency = [[Int: BoundaryStats]](repeating: [:], count: regions.count)
        var heap = MinHeap<MergeCandidate>()
        for edge in edges {
            guard let a = position[edge.regionA], let b = position[edge.regionB] else { continue }
            let stats = BoundaryStats(count: edge.boundaryPixelCount, sum: edge.probabilitySum)
            adjacency[a][b] = stats
            adjacency[b][a] = stats
            if stats.mean < limit { heap.push(MergeCandidate(mean: stats.mean, a: a, b: b)) }
        }
        var parent = Array(regions.indices)
        while let candidate = heap.pop(), candidate.mean < limit {
            let (a, b) = (candidate.a, candidate.b)
            guard parent[a] == a, parent[b] == b, let current = adjacency[a][b], current.mean == candidate.mean else {
                continue  // stale: one side was merged away, or the boundary changed since this entry was pushed
            }
            let (keep, gone) = adjacency[a].count >= adjacency[b].count ? (a, b) : (b, a)
            adjacency[keep][gone] = nil
            for (neighbour, stats) in adjacency[gone] where neighbour != keep {
                adjacency[neighbour][gone] = nil
                let merged = (adjacency[keep][neighbour] ?? BoundaryStats(count: 0, sum: 0)) + stats
                adjacency[keep][neighbour] = merged
                adjacency[neighbour][keep] = merged
                if merged.mean < limit {
                    heap.push(MergeCandidate(mean: merged.mean, a: min(keep, neighbour), b: max(keep, neighbour)))
                }
            }
            adjacency[gone] = [:]
            parent[gone] = keep
        }
        func root(_ k: Int) -> Int {
            var r = k
            while parent[r] != r { r = parent[r] }
            return r
        }
        var lowest: [Int: UInt32] = [:]
        var result: [UInt32: UInt32] = [:]
        for (k, label) in regions.enumerated() {  // ascending, so the first label seen per group is its lowest
            let r = root(k)
            if lowest[r] == nil { lowest[r] = label }
            result[label] = lowest[r]
        }
        return result
    }
}

extension LabelImage {
    /// Repairs over-segmentation: merges touching regions whose shared boundary has a mean `edgeProbability`
    /// below `threshold` (see `RegionAdjacencyGraph.agglomerated(threshold:)`), then relabels 1...n in
    /// row-major order of first appearance.
    ///
    /// - Parameters:
    ///   - edgeProbability: row-major map of `shape` (`(Y, X)` or `(Z, Y, X)`), high on true cell boundaries.
    ///   - threshold: the mean boundary probability below which two regions are one cell.
    ///   - connectivity: which neighbours count as touching: `.faces` (4/6) or `.full` (8/26).
    /// - Throws: `SegmentationError` when the map does not fit or holds NaN.
    public func mergingWeakBoundaries(
        edgeProbability: [Float], threshold: Float, connectivity: Connectivity = .faces
    ) throws -> LabelImage {
        let graph = try RegionAdjacencyGraph(labels: self, edgeProbability: edgeProbability, connectivity: connectivity)
        let merged = graph.agglomerated(threshold: threshold)
        let compact = CompactLabels(labels)
        let table = [UInt32(0)] + compact.originals.map { merged[$0] ?? $0 }
        var copy = self
        copy.labels = CompactLabels(compact.labels.map { table[Int($0)] }).labels
        return copy
    }
}

/// Count and probability sum over a boundary; boundaries of disjoint regions add.
struct BoundaryStats {
    var count: Int
    var sum: Double

    var mean: Double { sum / Double(max(count, 1)) }

    static func + (lhs: BoundaryStats, rhs: BoundaryStats) -> BoundaryStats {
        BoundaryStats(count: lhs.count + rhs.count, sum: lhs.sum + rhs.sum)
    }
}

/// A pair that may merge, ordered by mean boundary probability, then by its region indices (determinism).
struct MergeCandidate: Comparable {
    var mean: Double
    var a: Int
    var b: Int

    static func < (lhs: MergeCandidate, rhs: MergeCandidate) -> Bool {
        (lhs.mean, lhs.a, lhs.b) < (rhs.mean, rhs.a, rhs.b)
    }
}

/// A plain binary min-heap.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    mutating func push(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < items.count else { break }
            if child + 1 < items.count && items[child + 1] < items[child] { child += 1 }
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
