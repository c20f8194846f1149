import Imaging
import Testing

@testable import Segmentation

@Suite struct InstancePipelineTests {
    static let shape = [40, 48]
    /// Two overlapping disks of radius 10 with centres (20, 16) and (20, 32); they meet on column 24.
    static let union = Shapes.disks(height: 40, width: 48, [(20, 16, 10, 1), (20, 32, 10, 1)])

    /// What a good three-class network would say about the two disks: foreground on the union, interior
    /// within 6 px of a centre, boundary on the contact column and the outer rim.
    static func probabilities(withBoundary: Bool) throws -> InstanceProbabilities {
        let distance = try union.distanceToBackground()
        var foreground = [Float](repeating: 0, count: 40 * 48)
        var interior = foreground
        var boundary = foreground
        for (i, p) in Shapes.coordinates(shape).enumerated() where union.labels[i] != 0 {
            foreground[i] = 0.95
            let nearCentre = [(20, 16), (20, 32)].contains {
                (p.y - $0.0) * (p.y - $0.0) + (p.x - $0.1) * (p.x - $0.1) <= 36
            }
            interior[i] = nearCentre ? 0.9 : 0.2
            boundary[i] = p.x == 24 || distance[i] <= 1.5 ? 0.9 : 0.05
        }
        return try InstanceProbabilities(
            shape: shape, foreground: foreground, interior: interior, boundary: withBoundary ? boundary : nil)
    }

    static func expectSplitAtColumn24(_ instances: LabelImage) {
        #expect(instances.instanceCount == 2)
        for (i, p) in Shapes.coordinates(instances.shape).enumerated() {
            if union.labels[i] == 0 { #expect(instances.labels[i] == 0) }
            if union.labels[i] != 0 && p.x < 24 { #expect(instances.labels[i] == 1) }
            if union.labels[i] != 0 && p.x > 24 { #expect(instances.labels[i] == 2) }
        }
    }

    @Test(arguments: [true, false])
    func seededWatershedSplitsTouchingCells(withBoundary: Bool) throws {
        let instances = try Instances.fromProbabilities(try Self.probabilities(withBoundary: withBoundary))
        Self.expectSplitAtColumn24(instances)
    }

    /// The two interiors joined by a 5-pixel-wide neck of interior: one seed, one cell, unless seeds are split
    /// at their distance peaks (about 6 px high at the centres, 3 px at the neck).
    @Test(arguments: [(Float(0), 1), (Float(1), 2), (Float(2), 2), (Float(5), 1)])
    func seedsJoinedByANeckAreSplitAtDistancePeaks(height: Float, expectedCount: Int) throws {
        var p = try Self.probabilities(withBoundary: true)
        for (i, point) in Shapes.coordinates(Self.shape).enumerated()
        where abs(point.y - 20) <= 2 && (16...32).contains(point.x) {
            p.interior[i] = 0.9
        }
        let instances = try Instances.fromProbabilities(p, options: SeededWatershedOptions(seedSplitHeight: height))
        #expect(instances.instanceCount == expectedCount)
        if expectedCount == 2 { Self.expectSplitAtColumn24(instances) }
    }

    @Test func threeClassImageFeedsThePipeline() throws {
        let p = try Self.probabilities(withBoundary: true)
        let pixels = p.foreground.map { 1 - $0 } + p.interior + (p.boundary ?? [])
        let image = try Image(shape: [3] + Self.shape, pixels: pixels)
        Self.expectSplitAtColumn24(try Instances.fromProbabilities(try InstanceProbabilities(threeClass: image)))
        let twoChannel = try Image(shape: [2] + Self.shape, pixels: p.foreground + (p.boundary ?? []))
        Self.expectSplitAtColumn24(
            try Instances.fromProbabilities(try InstanceProbabilities(foregroundAndEdge: twoChannel)))
        #expect(throws: SegmentationError.self) { try InstanceProbabilities(threeClass: twoChannel) }
    }

    /// A foreground blob with no interior above threshold is kept as its own cell, or dropped when asked.
    @Test(arguments: [(true, 3), (false, 2)])
    func unseededForegroundRegions(keep: Bool, expectedCount: Int) throws {
        var p = try Self.probabilities(withBoundary: true)
        for y in 2...5 { for x in 40...44 { p.foreground[y * 48 + x] = 0.9 } }
        let options = SeededWatershedOptions(keepsUnseededRegions: keep)
        #expect(try Instances.fromProbabilities(p, options: options).instanceCount == expectedCount)
    }

    @Test func distanceSplitSeparatesOverlappingDisks() throws {
        Self.expectSplitAtColumn24(try Instances.splittingMask(Self.union))
        let one = Shapes.disks(height: 30, width: 30, [(15, 15, 9, 1)])
        #expect(try Instances.splittingMask(one).labels == one.labels)
        let heavy = try Instances.splittingMask(Self.union, options: DistanceSplitOptions(h: 6))
        #expect(heavy.instanceCount == 1)
    }

    @Test func distanceSplitSeparatesTouchingSpheres() throws {
        var union = Shapes.spheres(depth: 17, height: 17, width: 25, [(8, 8, 8, 5, 1), (8, 8, 16, 5, 1)])
        union.spacing = Spacing(x: 1, y: 1, z: 1)
        // Peaks about 5 high, neck about 3: a dynamic near 2, so h = 1 keeps both summits.
        let instances = try Instances.splittingMask(union, options: DistanceSplitOptions(h: 1))
        #expect(instances.instanceCount == 2)
        for (i, p) in Shapes.coordinates(union.shape).enumerated() where union.labels[i] != 0 && p.x != 12 {
            #expect(instances.labels[i] == (p.x < 12 ? 1 : 2))
        }
        #expect(instances.spacing == union.spacing)
    }
}
