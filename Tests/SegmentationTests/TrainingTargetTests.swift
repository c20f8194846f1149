import Foundation
import Imaging
import Testing

@testable import Segmentation

@Suite struct TrainingTargetTests {
    /// Cell 1 (4x4), cell 2 (3x2) touching it, and cell 3 (2x2) in the bottom-right corner of the image.
    static let labels = try! LabelImage(
        shape: [6, 8],
        labels: [
            0, 0, 0, 0, 0, 0, 0, 0,
            0, 1, 1, 1, 1, 2, 2, 0,
            0, 1, 1, 1, 1, 2, 2, 0,
            0, 1, 1, 1, 1, 2, 2, 0,
            0, 1, 1, 1, 1, 0, 3, 3,
            0, 0, 0, 0, 0, 0, 3, 3,
        ])

    /// Inner boundaries; the image border does not outline cell 3, so its corner pixel is not an edge.
    @Test func labelsToEdgesMarksInnerBoundaries() {
        #expect(
            Self.labels.edges() == [
                0, 0, 0, 0, 0, 0, 0, 0,
                0, 1, 1, 1, 1, 1, 1, 0,
                0, 1, 0, 0, 1, 1, 1, 0,
                0, 1, 0, 0, 1, 1, 1, 0,
                0, 1, 1, 1, 1, 0, 1, 1,
                0, 0, 0, 0, 0, 0, 1, 0,
            ])
    }

    @Test func labelsToEdgesCanMarkTheBackgroundSideToo() {
        #expect(
            Self.labels.edges(options: EdgeOptions(marksBackground: true)) == [
                0, 1, 1, 1, 1, 1, 1, 0,
                1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 0, 0, 1, 1, 1, 1,
                1, 1, 0, 0, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 1,
                0, 1, 1, 1, 1, 1, 1, 0,
            ])
    }

    @Test func fullConnectivityAlsoComparesDiagonals() throws {
        let corner = try LabelImage(shape: [3, 3], labels: [0, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(corner.edges()[4] == 0)
        #expect(corner.edges(options: EdgeOptions(connectivity: .full))[4] == 1)
    }

    @Test func interiorAndBoundaryClasses() {
        #expect(
            Self.labels.interiorBoundaryClasses() == [
                0, 0, 0, 0, 0, 0, 0, 0,
                0, 2, 2, 2, 2, 2, 2, 0,
                0, 2, 1, 1, 2, 2, 2, 0,
                0, 2, 1, 1, 2, 2, 2, 0,
                0, 2, 2, 2, 2, 0, 2, 2,
                0, 0, 0, 0, 0, 0, 2, 1,
            ])
    }

    /// Cells 1 (columns 0-4) and 2 (columns 5-9) touch along a vertical line; cell 3 lies three rows away.
    static let touching: LabelImage = {
        var labels = [UInt32](repeating: 0, count: 5 * 10)
        for y in 0...1 {
            for x in 0...4 { labels[y * 10 + x] = 1 }
            for x in 5...9 { labels[y * 10 + x] = 2 }
        }
        labels[4 * 10 + 8] = 3
        labels[4 * 10 + 9] = 3
        return try! LabelImage(shape: [5, 10], labels: labels)
    }()

    @Test func contactZonesReachWidthPixelsIntoEachTouchingCell() {
        let contactRow: [UInt8] = [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
        let zeros = [UInt8](repeating: 0, count: 10)
        #expect(Self.touching.contactZones(width: 2) == contactRow + contactRow + zeros + zeros + zeros)
        #expect(Self.touching.contactZones(width: 0) == [UInt8](repeating: 0, count: 50))
    }

    @Test func contactZonesScaleTheirZReachBySpacing() throws {
        let column = try LabelImage(shape: [5, 1, 1], labels: [1, 1, 2, 2, 2])
        #expect(column.contactZones(width: 2) == [1, 1, 1, 1, 0])
        var anisotropic = column
        anisotropic.spacing = Spacing(x: 1, y: 1, z: 2, unit: "micron")
        #expect(anisotropic.contactZones(width: 2) == [0, 1, 1, 0, 0])
    }

    @Test func contactWidthWidensTheBoundaryOnlyBetweenCells() {
        let classes = Self.touching.interiorBoundaryClasses(contactWidth: 2)
        // Row 0: the contact zone (columns 3-6) is boundary, not just the outline (columns 4-5); row 1 borders
        // the background, so all of it is outline anyway.
        #expect(Array(classes[0..<10]) == [1, 1, 1, 2, 2, 2, 2, 1, 1, 1])
        #expect(Array(classes[10..<20]) == [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        #expect(Array(Self.touching.interiorBoundaryClasses()[0..<10]) == [1, 1, 1, 1, 2, 2, 1, 1, 1, 1])
    }

    /// Two 8x4 squares, columns 1-4 and 10-13 of a 12x16 image (64 of 192 pixels foreground: w_c = 0.75 on
    /// background, 1.5 on cells). Pixels (5, 7) and (5, 6) have d1 + d2 = 6.
    static let squares: LabelImage = {
        var labels = [UInt32](repeating: 0, count: 12 * 16)
        for y in 2...9 {
            for x in 1...4 { labels[y * 16 + x] = 1 }
            for x in 10...13 { labels[y * 16 + x] = 2 }
        }
        return try! LabelImage(shape: [12, 16], labels: labels)
    }()

    @Test func weightMapFollowsTheFormulaBetweenTwoSquares() throws {
        let w = try WeightMap.unet(for: Self.squares)
        let border = Float(10 * exp(-36.0 / 50.0))
        #expect(abs(w[5 * 16 + 7] - (0.75 + border)) < 1e-5)
        #expect(abs(w[5 * 16 + 6] - (0.75 + border)) < 1e-5)
        #expect(w[5 * 16 + 2] == 1.5)  // inside a cell: no border term by default
        let everywhere = try WeightMap.unet(for: Self.squares, options: WeightMapOptions(region: .everywhere))
        #expect(abs(everywhere[5 * 16 + 4] - (1.5 + border)) < 1e-5)  // d1 = 0, d2 = 6
    }

    @Test func classWeightsGiveEachClassHalfTheTotal() throws {
        let (background, foreground) = WeightMap.classWeights(of: Self.squares)
        #expect(background == 0.75 && foreground == 1.5)
        let w = try WeightMap.unet(for: Self.labels, options: WeightMapOptions(w0: 0))
        let onCells = zip(w, Self.labels.labels).filter { $0.1 != 0 }.map { Double($0.0) }.reduce(0, +)
        let onBackground = zip(w, Self.labels.labels).filter { $0.1 == 0 }.map { Double($0.0) }.reduce(0, +)
        #expect(abs(onCells - 24) < 1e-4 && abs(onBackground - 24) < 1e-4)  // 48 pixels: 24 each
        let empty = try LabelImage(zerosWithShape: [2, 2])
        #expect(WeightMap.classWeights(of: empty) == (1, 0))
    }

    /// The per-instance, cut-off distance transforms against brute-force d1, d2 on random cells; sigma = 2 puts
    /// the cutoff (12.8 px) well inside the 30x30 image, so the cutoff is exercised.
    @Test(arguments: [BorderTermRegion.background, .everywhere])
    func weightMapMatchesBruteForce(region: BorderTermRegion) throws {
        var rng = SplitMix64(seed: 42)
        var disks: [(y: Int, x: Int, r: Int, label: UInt32)] = []
        for label in 1...7 {
            disks.append(
                (
                    Int.random(in: 0..<30, using: &rng), Int.random(in: 0..<30, using: &rng),
                    Int.random(in: 1...4, using: &rng), UInt32(label * 3)
                ))
        }
        let labels = Shapes.disks(height: 30, width: 30, disks)
        let options = WeightMapOptions(sigma: 2, region: region)
        let w = try WeightMap.unet(for: labels, options: options)
        let (wb, wf) = WeightMap.classWeights(of: labels)
        let perCell = labels.instanceIDs.map { id in
            Shapes.bruteForceDistance(isSite: labels.labels.map { $0 == id }, shape: labels.shape, steps: (1, 1, 1))
        }
        for i in labels.labels.indices {
            let sorted = perCell.map { $0[i] }.sorted()
            var expected = Double(labels.labels[i] == 0 ? wb : wf)
            if region == .everywhere || labels.labels[i] == 0 {
                expected += 10 * exp(-(sorted[0] + sorted[1]) * (sorted[0] + sorted[1]) / 8)
            }
            #expect(abs(Double(w[i]) - expected) < 1e-5 * expected)
        }
    }

    @Test func badOptionsThrow() {
        #expect(throws: SegmentationError.self) {
            try WeightMap.unet(for: Self.labels, options: WeightMapOptions(sigma: 0))
        }
        #expect(throws: SegmentationError.self) {
            try WeightMap.unet(for: Self.labels, options: WeightMapOptions(w0: -1))
        }
    }
}
