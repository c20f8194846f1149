import Imaging

/// A neighbour step on the grid: per-axis offsets and the flat-index difference they make.
struct GridOffset: Sendable, Equatable {
    let dz: Int
    let dy: Int
    let dx: Int
    let delta: Int
}

/// The geometry every pass shares: a `(Z, Y, X)` grid (Z = 1 in 2D), row-major with X fastest, so pixel
/// `(z, y, x)` sits at flat index `(z * height + y) * width + x`.
struct Grid: Sendable, Equatable {
    let depth: Int
    let height: Int
    let width: Int

    /// Pixels per Z slice.
    var plane: Int { height * width }
    /// Pixels in the grid.
    var count: Int { depth * height * width }

    init(depth: Int, height: Int, width: Int) {
        self.depth = depth
        self.height = height
        self.width = width
    }

    /// The grid of a `(Y, X)` or `(Z, Y, X)` shape; throws for other ranks or non-positive extents.
    init(shape: [Int]) throws {
        guard shape.count == 2 || shape.count == 3 else {
            throw SegmentationError.invalidShape(shape: shape, reason: "expected (Y, X) or (Z, Y, X)")
        }
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw SegmentationError.invalidShape(shape: shape, reason: "every extent must be positive")
        }
        self.init(depth: shape.count == 3 ? shape[0] : 1, height: shape[shape.count - 2], width: shape[shape.count - 1])
    }

    /// Throws unless `values` holds one entry per pixel.
    func check(count actual: Int, name: String, shape: [Int]) throws {
        guard actual == count else {
            throw SegmentationError.sampleCountMismatch(name: name, shape: shape, expected: count, actual: actual)
        }
    }

    /// The `(z, y, x)` of a flat index.
    @inline(__always) func coordinates(of index: Int) -> (z: Int, y: Int, x: Int) {
        let z = index / plane
        let rest = index - z * plane
        let y = rest / width
        return (z, y, rest - y * width)
    }

    /// True when every neighbour of `(z, y, x)` lies inside the grid, so bounds checks can be skipped.
    @inline(__always) func isInterior(z: Int, y: Int, x: Int) -> Bool {
        x > 0 && x < width - 1 && y > 0 && y < height - 1 && (depth == 1 || (z > 0 && z < depth - 1))
    }

    /// True when `(z, y, x) + offset` lies inside the grid.
    @inline(__always) func contains(z: Int, y: Int, x: Int, _ o: GridOffset) -> Bool {
        let (nz, ny, nx) = (z + o.dz, y + o.dy, x + o.dx)
        return nz >= 0 && nz < depth && ny >= 0 && ny < height && nx >= 0 && nx < width
    }

    /// The neighbour steps of a connectivity: 4 or 8 in 2D, 6 or 26 in 3D (a grid of depth 1 is 2D).
    func offsets(_ connectivity: Connectivity) -> [GridOffset] {
        var result: [GridOffset] = []
        let zRange = depth > 1 ? -1...1 : 0...0
        for dz in zRange {
            for dy in -1...1 {
                for dx in -1...1 where (dz, dy, dx) != (0, 0, 0) {
                    let steps = abs(dz) + abs(dy) + abs(dx)
                    guard connectivity == .full || steps == 1 else { continue }
                    result.append(GridOffset(dz: dz, dy: dy, dx: dx, delta: (dz * height + dy) * width + dx))
                }
            }
        }
        return result
    }
}

/// Physical size of one step along each axis, used by the distance transform.
struct AxisSteps: Sendable, Equatable {
    var z: Double
    var y: Double
    var x: Double

    static let unit = AxisSteps(z: 1, y: 1, x: 1)

    init(z: Double, y: Double, x: Double) {
        self.z = z
        self.y = y
        self.x = x
    }

    /// Steps from a file's spacing; nil means 1 along every axis, and a missing `z` is taken equal to `x`.
    init(_ spacing: Spacing?) throws {
        guard let spacing else {
            self = .unit
            return
        }
        let z = spacing.z ?? spacing.x
        for v in [z, spacing.y, spacing.x] where !(v.isFinite && v > 0) {
            throw SegmentationError.invalidArgument(
                name: "spacing", value: "\(spacing)", reason: "every pixel size must be positive and finite")
        }
        self.init(z: z, y: spacing.y, x: spacing.x)
    }
}

/// Throws `notANumber` at the first NaN of `values`.
func checkNoNaN(_ values: [Float], name: String) throws {
    if let i = values.firstIndex(where: { $0.isNaN }) {
        throw SegmentationError.notANumber(name: name, index: i)
    }
}
