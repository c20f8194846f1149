import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// Tests/Fixtures/roi (see PROVENANCE.md there); shared with ROIRoundTripTests.swift.
let roiFixtureDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/roi")

private func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: roiFixtureDirectory.appendingPathComponent(name))
}

private func decode(_ name: String) throws -> ROISet {
    try ROIZipCodec.decode(fixture(name), source: name, limits: .standard)
}

// MARK: - Real RoiManager zips (ImPartial's Vectra annotations)

@Test func readsEveryROIOfTheDenseVectraZipIncludingTheFirst() throws {
    let set = try decode("vectra_image0.zip")
    #expect(set.rois.count == 259)
    // Known answers from roifile 2026.2.10 (see PROVENANCE.md).
    let first = try #require(set.rois.first)
    #expect(first.name == "001")
    #expect(first.kind == .traced)
    #expect(first.bounds == ROIRect(x: 11, y: 1, width: 14, height: 13))
    #expect(first.vertices.count == 24)
    #expect(
        Array(first.vertices.prefix(4)) == [
            ROIPoint(x: 25, y: 9), ROIPoint(x: 24, y: 9), ROIPoint(x: 24, y: 11), ROIPoint(x: 23, y: 11),
        ])
    #expect(!first.hasSubpixelCoordinates)
    #expect(first.position == ROIPosition())
    let last = try #require(set.rois.last)
    #expect(last.name == "255")
    #expect(last.bounds == ROIRect(x: 200, y: 397, width: 14, height: 3))
    #expect(last.vertices.count == 12)
    #expect(set.extent == (400, 400))
}

@Test func denseVectraZipRasterisesToOneLabelPerROI() throws {
    let set = try decode("vectra_image0.zip")
    let labels = try set.rasterize(height: 400, width: 400)
    #expect(labels.shape == [400, 400])
    #expect(labels.instanceIDs == (1...259).map { UInt32($0) })
}

@Test func partialVectraZipReadsTracedOutlinesAndCompositeShapes() throws {
    let set = try decode("vectra_image2.zip")
    #expect(set.rois.count == 84)
    let first = set.rois[0]
    #expect(first.name == "033")
    #expect(first.kind == .traced)
    #expect(first.bounds == ROIRect(x: 232, y: 31, width: 51, height: 48))
    #expect(first.vertices.count == 138)
    // The two type-1 ROIs carry shape data (94 and 118 floats): ImageJ ShapeRois, one staircase outline each.
    let shapes = set.rois.filter { $0.kind == .composite }
    #expect(shapes.map(\.name) == ["0001-0095-0075", "0001-0107-0045"])
    #expect(shapes.map(\.subpaths.count) == [1, 1])
    #expect(shapes[0].subpaths[0].first == ROIPoint(x: 73, y: 89))
    #expect(set.rois[83].bounds == ROIRect(x: 38, y: 100, width: 15, height: 15))
    #expect(set.extent == (317, 400))

    let labels = try set.rasterize(height: 400, width: 400)
    #expect(labels.instanceCount == 84)
    // Pixel counts from an independent numpy even-odd pixel-centre test of the same paths.
    #expect(labels.labels.filter { $0 == 83 }.count == 122)
    #expect(labels.labels.filter { $0 == 84 }.count == 175)
    #expect(labels.labels[110 * 400 + 45] == 84)
}

/// labels_rasterized/image0.tif, made from image0.zip by another tool, treats outline vertices as pixel
/// centres and includes the boundary: exactly our ImageJ pixel-centre raster with every ROI grown by
/// one pixel towards +x and +y (painted in file order). Checked here through per-label summaries.
@Test func matchesTheReferenceRasterisationUpToItsBoundaryConvention() throws {
    struct Summary: Decodable { var shape: [Int]; var labels: [[Int]] }
    let reference = try JSONDecoder().decode(Summary.self, from: fixture("vectra_image0_reference_summary.json"))
    let set = try decode("vectra_image0.zip")
    let (h, w) = (reference.shape[0], reference.shape[1])
    let ours = try set.rasterize(height: h, width: w)
    // Painting in file order means the highest label among the 2x2 block ending at (x, y) wins.
    var grown = [UInt32](repeating: 0, count: h * w)
    for y in 0..<h {
        for x in 0..<w {
            var k = ours.labels[y * w + x]
            if x > 0 { k = max(k, ours.labels[y * w + x - 1]) }
            if y > 0 { k = max(k, ours.labels[(y - 1) * w + x]) }
            if x > 0, y > 0 { k = max(k, ours.labels[(y - 1) * w + x - 1]) }
            grown[y * w + x] = k
        }
    }
    var summary = [[Int]](repeating: [0, 0, 0], count: set.rois.count)
    for (i, k) in grown.enumerated() where k != 0 {
        summary[Int(k) - 1][0] += 1
        summary[Int(k) - 1][1] += i % w
        summary[Int(k) - 1][2] += i / w
    }
    #expect(summary == reference.labels)
    // Our own raster never labels a pixel the reference leaves empty or gives another label.
    #expect(ours.labels.indices.allSatisfy { ours.labels[$0] == 0 || ours.labels[$0] == grown[$0] })
}

@Test func readsRoiZipThroughTheFormatDispatch() throws {
    let url = roiFixtureDirectory.appendingPathComponent("vectra_image2.zip")
    let file = try ImageFormats.read(contentsOf: url)
    #expect(file.format == .imagejROIZip)
    let labels = try ImageFormats.readLabels(url, shape: [400, 400])
    #expect(labels.instanceCount == 84)
    // Default shape: the extent of the ROIs.
    #expect(try ImageFormats.readLabels(url).shape == [317, 400])
}

// MARK: - Single .roi fixtures made with roifile (known answers in expected_masks.json)

private struct Expected: Decodable {
    var name: String
    var type: Int
    var bounds: [Double]  // left, top, right, bottom
    var coordinates: [[Double]]
    var maskRows: [String]

    enum CodingKeys: String, CodingKey {
        case name, type, bounds, coordinates
        case maskRows = "mask_rows"
    }
}

private func expectations() throws -> [String: Expected] {
    try JSONDecoder().decode([String: Expected].self, from: fixture("expected_masks.json"))
}

@Test(arguments: ["rect", "oval", "subpixel_polygon", "line", "point", "composite"])
func singleROIFixtureMatchesRoifileAndIndependentMask(name: String) throws {
    let expected = try #require(try expectations()[name])
    let set = try decode("\(name).roi")
    let roi = try #require(set.rois.first)
    #expect(set.rois.count == 1)
    #expect(roi.name == expected.name)
    #expect(Int(roi.kind.imagejTypeCode) == expected.type)
    let b = expected.bounds
    #expect(ROIRect(x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1]) == roi.bounds)
    if !expected.coordinates.isEmpty {
        // Float32 in the file, so compare with the float32 values roifile printed.
        #expect(roi.vertices.map { [$0.x, $0.y] } == expected.coordinates)
    }
    let raster = try set.rasterize(height: 16, width: 16)
    let rows = (0..<16).map { y in
        String((0..<16).map { x in raster.labels[y * 16 + x] == 0 ? "0" : "1" })
    }
    #expect(rows == expected.maskRows)
}

@Test func singleROIFixturesCarryKindSpecificFields() throws {
    let rect = try #require(try decode("rect.roi").rois.first)
    #expect(rect.position == ROIPosition(stack: 0, channel: 2, slice: 3, frame: 4))
    let polygon = try #require(try decode("subpixel_polygon.roi").rois.first)
    #expect(polygon.kind == .polygon && polygon.hasSubpixelCoordinates)
    let line = try #require(try decode("line.roi").rois.first)
    #expect(line.vertices == [ROIPoint(x: 1.5, y: 2.25), ROIPoint(x: 10.5, y: 8.75)])
    let points = try #require(try decode("point.roi").rois.first)
    #expect(points.kind == .point && !points.kind.enclosesArea)
    #expect(points.vertices == [ROIPoint(x: 3, y: 4), ROIPoint(x: 6, y: 7), ROIPoint(x: 10, y: 2)])
    let composite = try #require(try decode("composite.roi").rois.first)
    #expect(composite.kind == .composite)
    #expect(composite.subpaths.count == 2)
}

@Test func pointAndLineROIsKeepTheirLabelNumberButPaintNothing() throws {
    let rect = try #require(try decode("rect.roi").rois.first)
    let line = try #require(try decode("line.roi").rois.first)
    let oval = try #require(try decode("oval.roi").rois.first)
    let labels = try ROISet(rois: [rect, line, oval]).rasterize(height: 16, width: 16)
    #expect(labels.instanceIDs == [1, 3])
}

@Test func roundedRectangleCornersFollowTheArcEllipse() throws {
    // 6x6 with corner diameter 4: the corner quadrants are circles of radius 2 centred 2 px in.
    let roi = ROI(name: "r", kind: .rectangle, bounds: ROIRect(x: 1, y: 1, width: 6, height: 6), cornerDiameter: 4)
    let labels = try ROISet(rois: [roi]).rasterize(height: 8, width: 8)
    let rows = (0..<8).map { y in String((0..<8).map { x in labels.labels[y * 8 + x] == 0 ? "." : "#" }) }
    #expect(rows == ["........", "..####..", ".######.", ".######.", ".######.", ".######.", "..####..", "........"])
}

@Test func laterROIsWinAndEverythingIsClippedToTheCanvas() throws {
    let square = [(-3.0, -3.0), (3.0, -3.0), (3.0, 3.0), (-3.0, 3.0)].map { ROIPoint(x: $0.0, y: $0.1) }
    let rois = [
        ROI(name: "a", kind: .polygon, bounds: ROIRect(x: -3, y: -3, width: 6, height: 6), vertices: square),
        ROI(name: "b", kind: .rectangle, bounds: ROIRect(x: 2, y: 2, width: 10, height: 10)),
        ROI(name: "c", kind: .oval, bounds: ROIRect(x: -100, y: -100, width: 10, height: 10)),
    ]
    let set = ROISet(rois: rois)
    #expect(set.extent == (12, 12))
    let labels = try set.rasterize(height: 4, width: 5)
    #expect(
        labels.labels == [
            1, 1, 1, 0, 0,
            1, 1, 1, 0, 0,
            1, 1, 2, 2, 2,
            0, 0, 2, 2, 2,
        ])
    #expect(throws: ImagingError.self) { try set.rasterize(height: 0, width: 5) }
}

// MARK: - Bad input: errors naming the entry, never a crash

/// The first entry of the real zip ("001.roi": 24 traced vertices, header 2, 3-character name).
private func realEntry() throws -> [UInt8] {
    let entries = try ZipEntries.read(
        fixture("vectra_image0.zip"), source: "z", format: .imagejROIZip, limits: .standard)
    return [UInt8](entries[0].bytes)
}

private func put16(_ bytes: inout [UInt8], _ offset: Int, _ value: Int) {
    bytes[offset] = UInt8((value >> 8) & 0xFF)
    bytes[offset + 1] = UInt8(value & 0xFF)
}

private func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: Int32) {
    for i in 0..<4 { bytes[offset + i] = UInt8((UInt32(bitPattern: value) >> (24 - 8 * UInt32(i))) & 0xFF) }
}

/// The reason of a `corrupt` error from decoding `bytes` as the single file "bad.roi", or nil.
private func corruptReason(_ bytes: [UInt8], source: String = "bad.roi") -> String? {
    do {
        _ = try ROIZipCodec.decode(Data(bytes), source: source, limits: .standard)
        return nil
    } catch let ImageFormatsError.corrupt(errorSource, format, reason) {
        return errorSource == source && format == .imagejROIZip ? reason : "wrong source \(errorSource)"
    } catch {
        return nil
    }
}

@Test func everyTruncationOfARealEntryIsReportedAsCorrupt() throws {
    let entry = try realEntry()
    #expect(try ROIZipCodec.decode(Data(entry), source: "ok.roi", limits: .standard).rois[0].name == "001")
    for length in 0..<entry.count {
        #expect(corruptReason(Array(entry.prefix(length))) != nil, "prefix of \(length) bytes")
    }
    #expect(corruptReason(Array(entry.prefix(40)))?.contains("fewer than the 64-byte ROI header") == true)
}

@Test func lyingCountsAndOffsetsAreReportedAsCorrupt() throws {
    let entry = try realEntry()
    var bigCount = entry
    put16(&bigCount, 16, 65535)
    #expect(corruptReason(bigCount)?.contains("65535 coordinates") == true)
    var hugeCount = entry
    put16(&hugeCount, 16, 0)
    put32(&hugeCount, 18, Int32.max)
    #expect(corruptReason(hugeCount)?.contains("\(Int32.max) coordinates") == true)
    var negativeCount = entry
    put16(&negativeCount, 16, 0)
    put32(&negativeCount, 18, -5)
    #expect(corruptReason(negativeCount)?.contains("negative coordinate count") == true)
    var header2 = entry
    put32(&header2, 60, Int32(entry.count))
    #expect(corruptReason(header2)?.contains("header 2") == true)
    var overlapping = entry
    put32(&overlapping, 60, 12)
    #expect(corruptReason(overlapping)?.contains("overlaps") == true)
    var name = entry
    put32(&name, 64 + 4 * 24 + 20, 1000)  // header 2 follows the 24 coordinates; name length at +20
    #expect(corruptReason(name)?.contains("ROI name") == true)
    var type = entry
    type[6] = 42
    #expect(corruptReason(type)?.contains("unknown ROI type 42") == true)
    var bounds = entry
    put16(&bounds, 14, 3)  // right < left
    #expect(corruptReason(bounds)?.contains("inverted") == true)
}

@Test func badCompositePathsAreReportedAsCorrupt() throws {
    let composite = [UInt8](try fixture("composite.roi"))
    var cut = composite
    put32(&cut, 36, 2)  // "MOVETO x" without y
    #expect(corruptReason(cut)?.contains("cut short") == true)
    var op = composite
    op[64...67] = [0x40, 0xE0, 0, 0]  // 7.0 is no PathIterator segment type
    #expect(corruptReason(op)?.contains("unknown segment type") == true)
    var size = composite
    put32(&size, 36, 1 << 20)
    #expect(corruptReason(size)?.contains("shape data") == true)
}

@Test func corruptEntryInAZipIsNamed() throws {
    let good = try realEntry()
    let zip = try ZipEntries.write(
        [("001.roi", Data(good)), ("broken.roi", Data(good.prefix(70))), ("notes.txt", Data("hi".utf8))],
        compress: true, path: "set.zip")
    #expect(
        throws: ImageFormatsError.corrupt(
            source: "set.zip/broken.roi", format: .imagejROIZip,
            reason: "24 coordinates needs bytes 64..<160 but the entry has 70")
    ) {
        try ROIZipCodec.decode(zip, source: "set.zip", limits: .standard)
    }
}

@Test func textOverlaysAreUnsupportedAndNamed() throws {
    var text = [UInt8](try fixture("rect.roi"))
    put16(&text, 48, 1)
    #expect(
        throws: ImageFormatsError.unsupported(
            source: "t.roi", format: .imagejROIZip, feature: "text overlay ROI 'rect'")
    ) {
        try ROIZipCodec.decode(Data(text), source: "t.roi", limits: .standard)
    }
}

@Test func thirtyTwoBitCoordinateCountIsRead() throws {
    // A polygon written the way ImageJ writes more than 65535 vertices: 16-bit count 0, 32-bit count at 18.
    var bytes = [UInt8](repeating: 0, count: 64 + 3 * 4)
    bytes[0...3] = [0x49, 0x6F, 0x75, 0x74]
    put16(&bytes, 4, 228)
    put16(&bytes, 8, 10)  // top
    put16(&bytes, 10, 20)  // left
    put16(&bytes, 12, 14)  // bottom
    put16(&bytes, 14, 24)  // right
    put32(&bytes, 18, 3)
    for (i, (x, y)) in [(0, 0), (4, 0), (0, 4)].enumerated() {
        put16(&bytes, 64 + 2 * i, x)
        put16(&bytes, 64 + 6 + 2 * i, y)
    }
    let roi = try #require(try ROIZipCodec.decode(Data(bytes), source: "big.roi", limits: .standard).rois.first)
    #expect(roi.name == "big")
    #expect(roi.vertices == [ROIPoint(x: 20, y: 10), ROIPoint(x: 24, y: 10), ROIPoint(x: 20, y: 14)])
}

@Test func limitsAreEnforced() throws {
    let zip = try fixture("vectra_image0.zip")
    #expect(throws: ImageFormatsError.self) {
        try ROIZipCodec.decode(zip, source: "z", limits: ReadLimits(maxArchiveEntries: 10))
    }
    // The 400x400 canvas the bounds need is itself checked against maxSamples.
    #expect(
        throws: ImageFormatsError.tooLarge(
            source: "z", what: "shape [400, 400] (samples)", requested: 160_000, limit: 1000)
    ) {
        try ROIZipCodec.decode(zip, source: "z", limits: ReadLimits(maxSamples: 1000))
    }
}

@Test(arguments: ["real", "composite.roi", "subpixel_polygon.roi", "oval.roi"])
func randomlyDamagedEntriesNeverCrash(name: String) throws {
    let original = name == "real" ? try realEntry() : [UInt8](try fixture(name))
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // local LCG: deterministic, no global state
    func next() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(truncatingIfNeeded: state >> 33)
    }
    for _ in 0..<400 {
        var bytes = original
        for _ in 0..<(1 + next() % 4) { bytes[4 + next() % (bytes.count - 4)] = UInt8(next() & 0xFF) }
        do {
            let set = try ROIZipCodec.decode(Data(bytes), source: "fuzz.roi", limits: .standard)
            _ = try set.rasterize(height: 32, width: 32)
        } catch is ImageFormatsError {
            continue
        }
    }
}
