import Imaging

/// Which labelled regions touch, and how strong the predicted edge is along each shared boundary.
///
/// Built from a label image (typically watershed superpixels) and an edge-probability map of the same shape.
/// The boundary between regions a and b is the set of pixels of a that have a neighbour in b together with the
/// pixels of b that have a neighbour in a (both sides of the contact, each pixel counted once per edge even
/// when it touches the other region several times). Background (label 0) is not a region.
public struct RegionAdjacencyGraph: Sendable, Equatable {
    /// One pair of touching regions and the edge-probability statistics of their shared boundary.
    public struct Edge: Sendable, Equatable {
        /// The lower label of the pair.
        public var regionA: UInt32
        /// The higher label of the pair.
        public var regionB: UInt32
        /// Boundary pixels (voxels) on both sides of the contact.
        public var boundaryPixelCount: Int
        /// Sum of the edge probability over those pixels.
        public var probabilitySum: Double

        /// Mean edge probability over the shared boundary.
        public var meanProbability: Double { probabilitySum / Double(max(boundaryPixelCount, 1)) }

        public init(regionA: UInt32, regionB: UInt32, boundaryPixelCount: Int, probabilitySum: Double) {
            self.regionA = regionA
            self.regionB = regionB
            self.boundaryPixelCount = boundaryPixelCount
            self.probabilitySum = probabilitySum
        }
    }

    /// The non-zero labels present, ascending.
    public let regions: [UInt32]
    /// Every touching pair once, sorted by `(regionA, regionB)`.
    public let edges: [Edge]

    /// Builds the graph.
    ///
    /// - Parameters:
    ///   - labels: regions, `(Y, X)` or `(Z, Y, X)`.
    ///   - edgeProbability: row-major map of `labels.shape` (e.g. a network's boundary probability).
    ///   - connectivity: which neighbours count as touching: `.faces` (4/6) or `.full` (8/26).
    /// - Throws: `SegmentationError` when the map does not fit the labels or holds NaN.
    public init(labels: LabelImage, edgeProbability: [Float], connectivity: Connectivity = .faces) throws {
        let grid = try Grid(shape: labels.shape)
        try grid.check(count: edgeProbability.count, name: "edgeProbability", shape: labels.shape)
        try checkNoNaN(edgeProbability, name: "edgeProbability")
        let compact = CompactLabels(labels.labels)
        let offsets = grid.offsets(connectivity)
        var stats: [UInt64: (count: Int, sum: Double)] = [:]
        var touched: [UInt32] = []
        touched.reserveCapacity(offsets.count)
        for i in 0..<grid.count {
            let a = compact.labels[i]
            guard a != 0 else { continue }
            let (z, y, x) = grid.coordinates(of: i)
            touched.removeAll(keepingCapacity: true)
            for o in offsets where grid.contains(z: z, y: y, x: x, o) {
                let b = compact.labels[i + o.delta]
                if b != 0 && b != a && !touched.contains(b) { touched.append(b) }
            }
            for b in touched {
                let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
                stats[key, default: (0, 0)].count += 1
                stats[key, default: (0, 0)].sum += Double(edgeProbability[i])
            }
        }
        let originals = compact.originals
        var edges = stats.map { key, value in
            let (a, b) = (originals[Int(key >> 32) - 1], originals[Int(key & 0xFFFF_FFFF) - 1])
            return Edge(
                regionA: min(a, b), regionB: max(a, b), boundaryPixelCount: value.count, probabilitySum: value.sum)
        }
        edges.sort { ($0.regionA, $0.regionB) < ($1.regionA, $1.regionB) }
        self.regions = originals.sorted()
        self.edges = edges
    }

    /// The edge between two regions, if they touch (binary search, O(log E)).
    public func edge(between a: UInt32, and b: UInt32) -> Edge? {
        let key = (min(a, b), max(a, b))
        var (low, high) = (0, edges.count)
        while low < high {
            let mid = (low + high) / 2
            if (edges[mid].regionA, edges[mid].regionB) < key { low = mid + 1 } else { high = mid }
        }
        guard low < edges.count, (edges[low].regionA, edges[low].regionB) == key else { return nil }
        return edges[low]
    }
}
