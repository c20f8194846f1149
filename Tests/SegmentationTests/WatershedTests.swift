import Imaging
import Testing

@testable import Segmentation

@Suite struct WatershedTests {
    /// Two overlapping disks of radius 10, centres 16 px apart on one row: flooding -distance from the two
    /// centres must split the union along the bisector column x = 24.
    @Test(arguments: [Connectivity.faces, .full])
    func splitsTwoTouchingDisksAlongTheBisector(connectivity: Connectivity) throws {
        let union = Shapes.disks(height: 40, width: 48, [(20, 16, 10, 1), (20, 32, 10, 1)])
        let distance = try union.distanceToBackground()
        var seeds = try LabelImage(zerosWithShape: union.shape)
        seeds.labels[20 * 48 + 16] = 1
        seeds.labels[20 * 48 + 32] = 2
        let mask = union.labels.map { $0 != 0 }
        let result = try Watershed.flood(distance.map { -$0 }, seeds: seeds, mask: mask, connectivity: connectivity)
        for (i, p) in Shapes.coordinates(union.shape).enumerated() {
            if !mask[i] {
                #expect(result.labels[i] == 0)
            } else if p.x < 24 {
                #expect(result.labels[i] == 1, "pixel (\(p.y), \(p.x))")
            } else if p.x > 24 {
                #expect(result.labels[i] == 2, "pixel (\(p.y), \(p.x))")
            } else {
                #expect(result.labels[i] != 0)
            }
        }
    }

    @Test func splitsTwoTouchingSpheresAlongTheBisectorPlane() throws {
        let union = Shapes.spheres(depth: 17, height: 17, width: 25, [(8, 8, 8, 5, 1), (8, 8, 16, 5, 1)])
        let distance = try union.distanceToBackground()
        var seeds = try LabelImage(zerosWithShape: union.shape)
        seeds.labels[(8 * 17 + 8) * 25 + 8] = 7
        seeds.labels[(8 * 17 + 8) * 25 + 16] = 9
        let mask = union.labels.map { $0 != 0 }
        let result = try Watershed.flood(distance.map { -$0 }, seeds: seeds, mask: mask)
        for (i, p) in Shapes.coordinates(union.shape).enumerated() where mask[i] {
            if p.x < 12 { #expect(result.labels[i] == 7) }
            if p.x > 12 { #expect(result.labels[i] == 9) }
            if p.x == 12 { #expect(result.labels[i] != 0) }  // the tie plane goes to one side or the other
        }
    }

    /// On a flat surface flooding is breadth-first from both seeds at once: the row splits in the middle.
    @Test func plateausSplitEvenly() throws {
        var seeds = try LabelImage(zerosWithShape: [1, 11])
        seeds.labels[0] = 1
        seeds.labels[10] = 2
        let result = try Watershed.flood([Float](repeating: 0, count: 11), seeds: seeds)
        #expect(result.labels == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    }

    /// Lower values flood first: a ridge (high values) separates the regions even off-centre.
    @Test func floodsLowerValuesFirst() throws {
        let surface: [Float] = [0, 0, 0, 0, 0, 0, 0, 9, 0, 0]
        var seeds = try LabelImage(zerosWithShape: [1, 10])
        seeds.labels[0] = 1
        seeds.labels[9] = 2
        let result = try Watershed.flood(surface, seeds: seeds)
        #expect(Array(result.labels[0..<7]) == [1, 1, 1, 1, 1, 1, 1])
        #expect(Array(result.labels[8..<10]) == [2, 2])
    }

    @Test func pixelsOutsideTheMaskStayBackground() throws {
        var seeds = try LabelImage(zerosWithShape: [1, 6])
        seeds.labels[0] = 3
        seeds.labels[5] = 4  // outside the mask: dropped
        let mask = [true, true, false, true, true, false]
        let result = try Watershed.flood([Float](repeating: 0, count: 6), seeds: seeds, mask: mask)
        #expect(result.labels == [3, 3, 0, 0, 0, 0])
    }

    @Test func badInputsThrow() throws {
        let seeds = try LabelImage(zerosWithShape: [2, 2])
        #expect(throws: SegmentationError.notANumber(name: "surface", index: 1)) {
            try Watershed.flood([0, .nan, 0, 0], seeds: seeds)
        }
        #expect(throws: SegmentationError.self) { try Watershed.flood([0, 0, 0], seeds: seeds) }
        #expect(throws: SegmentationError.self) { try Watershed.flood([0, 0, 0, 0], seeds: seeds, mask: [true]) }
    }
}

@Suite struct SeedTests {
    /// Two overlapping disks of radius 10, centres 16 apart: the distance map peaks near 10 at both centres
    /// and falls to about 6 at the neck, so h = 1 keeps two seeds and h = 6 leaves one.
    @Test(arguments: [(Float(1), 2), (Float(2), 2), (Float(6), 1), (Float(20), 1)])
    func hMaximaOfTwoOverlappingDisks(h: Float, expectedCount: Int) throws {
        let union = Shapes.disks(height: 40, width: 48, [(20, 16, 10, 1), (20, 32, 10, 1)])
        let distance = try union.distanceToBackground()
        let seeds = try Seeds.hMaxima(of: distance, shape: union.shape, h: h)
        #expect(seeds.instanceCount == expectedCount)
        let centres = [20 * 48 + 16, 20 * 48 + 32]
        #expect(centres.allSatisfy { seeds.labels[$0] != 0 })
        if expectedCount == 2 {
            #expect(seeds.labels[centres[0]] != seeds.labels[centres[1]])
            // Each seed (the pixels within h of its summit's level) stays on its own side of the neck.
            let left = seeds.labels[centres[0]]
            for (i, p) in Shapes.coordinates(union.shape).enumerated() where seeds.labels[i] != 0 {
                #expect(p.x != 24 && (p.x < 24) == (seeds.labels[i] == left))
                #expect(abs(p.y - 20) <= Int(h) + 1)
            }
        }
    }

    @Test func hMaximaDropShallowBumps() throws {
        // The bump 2.5 rises only 0.5 above the saddle (2) to the peak 5; the peak 3 rises 3 above its saddle.
        let map: [Float] = [0, 5, 2, 2.5, 2, 0, 3, 0]
        let seeds = try Seeds.hMaxima(of: map, shape: [1, 8], h: 1)
        #expect(seeds.labels == [0, 1, 0, 0, 0, 0, 2, 0])
        let all = try Seeds.hMaxima(of: map, shape: [1, 8], h: 0.25)
        #expect(all.labels == [0, 1, 0, 2, 0, 0, 3, 0])
        #expect(throws: SegmentationError.self) { try Seeds.hMaxima(of: map, shape: [1, 8], h: -1) }
    }

    @Test func thresholdedComponentsDropSmallOnes() throws {
        let p: [Float] = [
            0.9, 0.9, 0.1, 0.1, 0.8,
            0.9, 0.9, 0.1, 0.1, 0.1,
            0.1, 0.1, 0.1, 0.7, 0.7,
        ]
        let seeds = try Seeds.components(of: p, shape: [3, 5], threshold: 0.5, minimumSize: 2)
        #expect(seeds.labels == [1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2])
    }
}
