import Imaging

/// A small deterministic generator (SplitMix64), so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Synthetic shapes with known geometry.
enum Shapes {
    /// A `(height, width)` label image holding disks `(centreY, centreX, radius, label)`; later disks win.
    static func disks(height: Int, width: Int, _ disks: [(y: Int, x: Int, r: Int, label: UInt32)]) -> LabelImage {
        var labels = [UInt32](repeating: 0, count: height * width)
        for d in disks {
            for y in 0..<height {
                for x in 0..<width where (y - d.y) * (y - d.y) + (x - d.x) * (x - d.x) <= d.r * d.r {
                    labels[y * width + x] = d.label
                }
            }
        }
        return try! LabelImage(shape: [height, width], labels: labels)
    }

    /// A `(depth, height, width)` label image holding spheres `(z, y, x, radius, label)`.
    static func spheres(
        depth: Int, height: Int, width: Int, _ spheres: [(z: Int, y: Int, x: Int, r: Int, label: UInt32)]
    ) -> LabelImage {
        var labels = [UInt32](repeating: 0, count: depth * height * width)
        for s in spheres {
            for z in 0..<depth {
                for y in 0..<height {
                    for x in 0..<width {
                        let d2 = (z - s.z) * (z - s.z) + (y - s.y) * (y - s.y) + (x - s.x) * (x - s.x)
                        if d2 <= s.r * s.r { labels[(z * height + y) * width + x] = s.label }
                    }
                }
            }
        }
        return try! LabelImage(shape: [depth, height, width], labels: labels)
    }

    /// `(z, y, x)` of every flat index of a `(Z, Y, X)` or `(Y, X)` shape.
    static func coordinates(_ shape: [Int]) -> [(z: Int, y: Int, x: Int)] {
        let (d, h, w) = shape.count == 3 ? (shape[0], shape[1], shape[2]) : (1, shape[0], shape[1])
        var out: [(z: Int, y: Int, x: Int)] = []
        for z in 0..<d { for y in 0..<h { for x in 0..<w { out.append((z, y, x)) } } }
        return out
    }

    /// Brute-force Euclidean distance from every pixel to the nearest pixel where `isSite` holds.
    static func bruteForceDistance(
        isSite: [Bool], shape: [Int], steps: (z: Double, y: Double, x: Double)
    ) -> [Double] {
        let points = coordinates(shape)
        let sites = points.indices.filter { isSite[$0] }
        return points.map { p in
            var best = Double.infinity
            for s in sites {
                let q = points[s]
                let dz = Double(p.z - q.z) * steps.z
                let dy = Double(p.y - q.y) * steps.y
                let dx = Double(p.x - q.x) * steps.x
                best = min(best, (dz * dz + dy * dy + dx * dx).squareRoot())
            }
            return best
        }
    }
}
