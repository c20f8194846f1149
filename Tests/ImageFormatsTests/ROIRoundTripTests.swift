import Foundation
import Imaging
import Testing

@testable import ImageFormats

// Writing: labels → traced ROI zip → labels (the reading tests are in ROITests.swift).

/// A label image from rows of characters: '.' is background, '1'...'9' and 'a'...'z' are labels 1...35.
private func labelArt(_ rows: [String]) throws -> LabelImage {
    let values: [UInt32] = rows.flatMap { row in
        row.map { ch in ch == "." ? 0 : UInt32(String(ch), radix: 36)! }
    }
    return try LabelImage(shape: [rows.count, rows[0].count], labels: values)
}

/// Disks of radius `r` centred at `centres` (later ones overwrite), labels 1...n.
private func disks(height: Int, width: Int, r: Double, centres: [(Double, Double)]) throws -> LabelImage {
    var labels = [UInt32](repeating: 0, count: height * width)
    for (k, (cy, cx)) in centres.enumerated() {
        for y in 0..<height {
            for x in 0..<width where (Double(y) - cy) * (Double(y) - cy) + (Double(x) - cx) * (Double(x) - cx) <= r * r
            {
                labels[y * width + x] = UInt32(k + 1)
            }
        }
    }
    return try LabelImage(shape: [height, width], labels: labels)
}

private func roundTrip(_ labels: LabelImage) throws -> (ROISet, LabelImage) {
    let zip = try ROIZipCodec.encode(labels, path: "test.zip")
    let set = try ROIZipCodec.decode(zip, source: "test.zip", limits: .standard)
    return (set, try set.rasterize(height: labels.height, width: labels.width))
}

private let roundTripShapes: [(String, [String])] = [
    ("rectangle", ["......", ".1111.", ".1111.", "......"]),
    ("L shape", ["1...", "1...", "1...", "1111"]),
    ("touching cells", ["1122", "1122", "3344", "3344"]),
    ("cells on every border", ["11.22", "1...2", ".....", "3...4", "33.44"]),
    ("single pixels", ["1.2", "...", "3.4"]),
    ("pinched ring (corner-touching, pocket stays background)", ["111", "1.1", "11."]),
    ("staircase", ["1....", "11...", ".11..", "..11.", "...11"]),
    ("interleaved combs", ["1111", "1.2.", "1222", "1.2."]),
]

@Test(arguments: roundTripShapes.indices)
func tracedOutlinesRoundTripExactly(index: Int) throws {
    let labels = try labelArt(roundTripShapes[index].1)
    let (set, back) = try roundTrip(labels)
    #expect(back == labels, "\(roundTripShapes[index].0)")
    #expect(set.rois.allSatisfy { $0.kind == .traced && !$0.hasSubpixelCoordinates })
}

@Test func disksRoundTripExactly() throws {
    let labels = try disks(
        height: 64, width: 80, r: 9.5, centres: [(10, 10), (10, 28), (30, 40), (52, 70), (63, 0), (40, 79)])
    #expect(labels.instanceCount == 6)
    let (set, back) = try roundTrip(labels)
    #expect(set.rois.count == 6)
    #expect(back == labels)
}

@Test func realAnnotationsRoundTripThroughTracing() throws {
    // Rasterised ImageJ annotations: re-traced, every 4-connected hole-free cell must come back.
    let archive = try Data(contentsOf: roiFixtureDirectory.appendingPathComponent("vectra_image0.zip"))
    let original = try ROIZipCodec.decode(archive, source: "vectra_image0.zip", limits: .standard)
        .rasterize(height: 400, width: 400)
    let (set, back) = try roundTrip(original)
    #expect(set.rois.count == 259)
    let differing = zip(original.labels, back.labels).filter { $0 != $1 }.count
    #expect(differing == 0)
}

@Test func encodedROIsUseCornerVerticesAndImageJNames() throws {
    let labels = try labelArt(["......", ".1111.", ".1111.", "......", "..222."])
    let zip = try ROIZipCodec.encode(labels, path: "t.zip")
    let entries = try ZipEntries.read(zip, source: "t.zip", format: .imagejROIZip, limits: .standard)
    #expect(entries.map(\.name) == ["0002-0003.roi", "0004-0003.roi"])
    let set = try ROIZipCodec.decode(zip, source: "t.zip", limits: .standard)
    let rect = set.rois[0]
    #expect(rect.name == "0002-0003")
    #expect(
        rect.vertices == [
            ROIPoint(x: 1, y: 1), ROIPoint(x: 5, y: 1), ROIPoint(x: 5, y: 3), ROIPoint(x: 1, y: 3),
        ])
    #expect(rect.bounds == ROIRect(x: 1, y: 1, width: 4, height: 2))
    #expect(set.rois[1].vertices.count == 4)
}

@Test func collidingCentresGetNumberedNamesAndEnclosedHigherLabelsSurvive() throws {
    // Label 2 sits in a hole of label 1: both centres are (2, 2). The outline of 1 fills its hole,
    // and label 2, written later, paints over it again, so the round trip is exact.
    let labels = try labelArt(["11111", "11111", "11211", "11111", "11111"])
    let (set, back) = try roundTrip(labels)
    #expect(set.rois.map(\.name) == ["0002-0002", "0002-0002-1"])
    #expect(back == labels)
}

@Test func holesAreFilledAndOnlyTheLargestPieceIsKept() throws {
    let ring = try labelArt(["111.", "1.1.", "111.", "...."])
    #expect(try roundTrip(ring).1 == labelArt(["111.", "111.", "111.", "...."]))
    // Two pieces of label 1; the 3-pixel one survives. Diagonal contact does not join pieces.
    let pieces = try labelArt(["11..", "1...", "...1", "..1."])
    #expect(try roundTrip(pieces).1 == labelArt(["11..", "1...", "....", "...."]))
}

@Test func emptyLabelImageEncodesToAnEmptyArchive() throws {
    let (set, _) = try roundTrip(try LabelImage(zerosWithShape: [3, 4]))
    #expect(set.rois.isEmpty)
    #expect(set.extent == (0, 0))
}

@Test func writesAndReadsRoiZipThroughImageFormats() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("cells.zip")
    let labels = try labelArt(["1122", "1122", "3344", "3344"])
    try ImageFormats.write(labels, to: url)
    #expect(try ImageFormats.readLabels(url, shape: [4, 4]) == labels)
}

@Test func volumesAreRefused() throws {
    let volume = try LabelImage(shape: [2, 2, 2], labels: [1, 1, 0, 0, 2, 2, 0, 0])
    #expect(throws: ImageFormatsError.self) { try ROIZipCodec.encode(volume, path: "v.zip") }
    do {
        _ = try ROIZipCodec.encode(volume, path: "v.zip")
    } catch let ImageFormatsError.unsupported(source, format, _) {
        #expect(source == "v.zip" && format == .imagejROIZip)
    }
}

@Test func boundsAboveInt16RoundTripUpToTheLargestEncodableExtent() throws {
    // A 1-pixel-high strip along the right end of a 60535-wide image: right bound 60535 is stored
    // wrapped as -5001 and must read back; one pixel wider is refused.
    let width = ROIZipCodec.maxEncodableExtent
    var labels = try LabelImage(zerosWithShape: [1, width])
    labels.labels[width - 3] = 7
    labels.labels[width - 2] = 7
    labels.labels[width - 1] = 7
    let (set, back) = try roundTrip(labels)
    #expect(set.rois[0].bounds == ROIRect(x: Double(width - 3), y: 0, width: 3, height: 1))
    #expect(back.labels[(width - 3)...] == [1, 1, 1])
    let tooWide = try LabelImage(zerosWithShape: [1, width + 1])
    #expect(throws: ImageFormatsError.self) { try ROIZipCodec.encode(tooWide, path: "w.zip") }
}
