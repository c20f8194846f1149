import Foundation
import Imaging
import Testing

@testable import Training

struct InstanceDecoderTests {
    /// Probabilities `(3, 40, 60)` of two touching disks of radius 12 centred 22 pixels apart: interior in the
    /// cores, boundary on the rims and on the line where they touch.
    static func touchingDisks() -> (probabilities: [Float], truth: [UInt32]) {
        let (h, w) = (40, 60)
        var probabilities = [Float](repeating: 0, count: 3 * h * w)
        var truth = [UInt32](repeating: 0, count: h * w)
        let centres = [(20.0, 19.0), (20.0, 41.0)]
        for y in 0..<h {
            for x in 0..<w {
                let distances = centres.map {
                    ((Double(y) - $0.0) * (Double(y) - $0.0) + (Double(x) - $0.1) * (Double(x) - $0.1)).squareRoot()
                }
                let nearest = distances[0] <= distances[1] ? 0 : 1
                let pixel = y * w + x
                var classes: (Float, Float, Float) = (1, 0, 0)
                if distances[nearest] <= 12 {
                    truth[pixel] = UInt32(nearest + 1)
                    let onRim = distances[nearest] > 10 || abs(distances[0] - distances[1]) < 2
                    classes = onRim ? (0.05, 0.15, 0.8) : (0.05, 0.9, 0.05)
                }
                probabilities[pixel] = classes.0
                probabilities[h * w + pixel] = classes.1
                probabilities[2 * h * w + pixel] = classes.2
            }
        }
        return (probabilities, truth)
    }

    @Test func watershedSplitsTouchingCellsAlongTheirBoundary() throws {
        let (probabilities, truth) = Self.touchingDisks()
        let labels = try InstanceDecoder(task: .instances, options: InstanceOptions()).labels(
            from: probabilities, shape: [40, 60])
        #expect(labels.instanceCount == 2)
        let left = labels.labels[20 * 60 + 10], right = labels.labels[20 * 60 + 50]
        #expect(left != 0 && right != 0 && left != right)
        // Every true pixel gets the instance of its own disk, but for a few on the dividing line.
        let wrong = zip(labels.labels, truth).filter { pair in
            pair.1 != 0 && pair.0 != (pair.1 == 1 ? left : right)
        }.count
        #expect(wrong <= 8)
    }

    @Test("options stored by older models decode with the later fields at their defaults (seed splitting off)")
    func olderOptionsDecode() throws {
        let old = #"{"foregroundThreshold": 0.6, "seedThreshold": 0.95, "minimumSize": 30}"#
        let options = try JSONDecoder().decode(InstanceOptions.self, from: Data(old.utf8))
        #expect(options == InstanceOptions(foregroundThreshold: 0.6, seedThreshold: 0.95, minimumSize: 30))
        #expect(options.seedSplitHeight == 0 && options.splitHeight == 2 && options.mergeThreshold == 0.5)
        let split = InstanceOptions(seedThreshold: 0.7, seedSplitHeight: 1.5)
        #expect(try JSONDecoder().decode(InstanceOptions.self, from: try JSONEncoder().encode(split)) == split)
    }

    @Test func binaryMasksBecomeComponentsAndTinyOnesAreDropped() throws {
        var foreground = [Float](repeating: 0, count: 20 * 20)
        for y in 2..<8 { for x in 2..<8 { foreground[y * 20 + x] = 0.9 } }
        for y in 12..<18 { for x in 12..<18 { foreground[y * 20 + x] = 0.9 } }
        foreground[19 * 20 + 0] = 0.9
        let labels = try InstanceDecoder(task: .binary, options: InstanceOptions(minimumSize: 4)).labels(
            from: foreground, shape: [20, 20])
        #expect(labels.instanceCount == 2)
        #expect(labels.labels[19 * 20] == 0)
    }

    @Test func classesTakeTheMostProbableClass() throws {
        let probabilities: [Float] = [0.6, 0.1, 0.2, 0.3, 0.1, 0.7]  // 3 classes, 2 pixels
        let labels = try InstanceDecoder(task: .classes, options: InstanceOptions()).labels(
            from: probabilities, shape: [1, 2])
        #expect(labels.labels == [0, 2])
    }

    /// An edge map `(30, 40)`: a square cell (rows/columns 5...24, 5...34) outlined with P = 0.95 and split down
    /// the middle (columns 20-21) by a line of P = `middle`.
    static func edgeMap(middle: Float) -> [Float] {
        var edges = [Float](repeating: 0.05, count: 30 * 40)
        for y in 5...24 {
            for x in 5...34 {
                if y == 5 || y == 24 || x == 5 || x == 34 {
                    edges[y * 40 + x] = 0.95
                } else if x == 20 || x == 21 {
                    edges[y * 40 + x] = middle
                }
            }
        }
        return edges
    }

    @Test(
        "edge maps: a weak dividing line is merged away, a strong one keeps two cells",
        arguments: [
            (Float(0.4), 1), (Float(0.9), 2),
        ])
    func edgesMergeWeakBoundaries(middle: Float, expected: Int) throws {
        // Seeds need P(edge) < 0.3, so both lines split the seeds; merging decides.
        let options = InstanceOptions(seedThreshold: 0.7, minimumSize: 4, mergeThreshold: 0.5)
        let labels = try InstanceDecoder(task: .edges, options: options).labels(
            from: Self.edgeMap(middle: middle), shape: [30, 40])
        #expect(labels.instanceCount == expected)
        #expect(labels.labels[0] == 0)
    }
}
