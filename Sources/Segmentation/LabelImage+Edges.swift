import Imaging

/// How `LabelImage.edges(options:)` outlines instances.
public struct EdgeOptions: Sendable, Equatable {
    /// Which neighbours are compared: `.faces` (4/6, the default and the usual "labels to edges") or `.full`
    /// (8/26, thicker diagonal outlines).
    public var connectivity: Connectivity
    /// Also mark background pixels that touch an instance (the outer side of the contour). Default `false`:
    /// only the instances' inner boundary pixels are edges.
    public var marksBackground: Bool

    public init(connectivity: Connectivity = .faces, marksBackground: Bool = false) {
        self.connectivity = connectivity
        self.marksBackground = marksBackground
    }
}

extension LabelImage {
    /// "Labels to edges", the boundary target of instance-aware U-Nets.
    ///
    /// A pixel of instance k is an edge when a neighbour holds any other label, background included, so both
    /// cells at a contact are marked (each on its own side) and every instance is outlined from inside. With
    /// `marksBackground`, background pixels that touch an instance are edges too. Pixels beyond the image are
    /// not neighbours: an instance cut by the image border is not outlined along it.
    /// - Returns: row-major flags of `shape` (`(Y, X)` or `(Z, Y, X)`): 1 = edge, 0 = not.
    public func edges(options: EdgeOptions = EdgeOptions()) -> [UInt8] {
        let grid = Grid(depth: depth, height: height, width: width)
        let offsets = grid.offsets(options.connectivity)
        var out = [UInt8](repeating: 0, count: grid.count)
        labels.withUnsafeBufferPointer { labels in
            for i in 0..<grid.count {
                let label = labels[i]
                guard label != 0 || options.marksBackground else { continue }
                if touchesOtherLabel(i, label: label, labels: labels, grid: grid, offsets: offsets) { out[i] = 1 }
            }
        }
        return out
    }

    /// Three-class targets: 0 = background, 1 = interior, 2 = boundary, where boundary is the inner boundary of
    /// each instance (the pixels `edges(options:)` marks without `marksBackground`), so touching cells are
    /// separated by two boundary pixels, one from each.
    ///
    /// - Parameters:
    ///   - connectivity: `.faces` (4/6, default) or `.full` (8/26) neighbours define the boundary.
    ///   - contactWidth: also mark as boundary every pixel within this many pixels of another cell
    ///     (`contactZones(width:)`), widening the separation between touching cells to about 2 × width pixels
    ///     so that interior seeds of neighbours stay apart. 0 (default) = the one-pixel outline only.
    /// - Returns: row-major class indices of `shape`.
    public func interiorBoundaryClasses(connectivity: Connectivity = .faces, contactWidth: Int = 0) -> [UInt8] {
        let edges = edges(options: EdgeOptions(connectivity: connectivity))
        let contacts = contactZones(width: contactWidth)
        var out = [UInt8](repeating: 0, count: labels.count)
        for i in labels.indices where labels[i] != 0 { out[i] = edges[i] == 1 || contacts[i] == 1 ? 2 : 1 }
        return out
    }

    @inline(__always)
    private func touchesOtherLabel(
        _ i: Int, label: UInt32, labels: UnsafeBufferPointer<UInt32>, grid: Grid, offsets: [GridOffset]
    ) -> Bool {
        let (z, y, x) = grid.coordinates(of: i)
        let interior = grid.isInterior(z: z, y: y, x: x)
        for o in offsets where interior || grid.contains(z: z, y: y, x: x, o) {
            if labels[i + o.delta] != label { return true }
        }
        return false
    }
}
