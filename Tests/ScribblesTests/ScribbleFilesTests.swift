import Foundation
import ImageFormats
import Imaging
import Testing

@testable import Scribbles

@Suite struct ScribbleFilesTests {
    static let map = try! ScribbleMap(shape: [3, 4], values: [0, 1, 1, 255, 0, 2, 0, 255, 0, 0, 0, 0])

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scribbles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func labelImagesRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["s.png", "s.tif"] {
            let url = folder.appendingPathComponent(name)
            try ScribbleFiles.write(Self.map, to: url)
            let read = try ScribbleFiles.read(url, shape: [3, 4])
            #expect(read.scribbles == Self.map)
            #expect(read.validationMask == nil)
        }
    }

    @Test func imPartialArchivesRoundTripWithTheirValidationMask() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("s.npz")
        let mask = (0..<12).map { $0 % 4 == 0 }
        try ScribbleFiles.write(Self.map, validationMask: mask, to: url)
        let file = try ImageFormats.read(contentsOf: url)
        guard case .arrays(let arrays) = file.content else {
            Issue.record("not an archive")
            return
        }
        // Channels [class 1, class 2, background].
        #expect(arrays.first { $0.name == "scribble" }?.array.shape == [3, 4, 3])
        let read = try ScribbleFiles.read(url, shape: [3, 4])
        #expect(read.scribbles == Self.map)
        #expect(read.validationMask == mask)
    }

    @Test func roiSetsBecomeSkeletonStrokesWithAnOuterBackgroundRing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var labels = [UInt32](repeating: 0, count: 30 * 30)
        for y in 3...11 { for x in 3...11 { labels[y * 30 + x] = 1 } }
        for y in 15...25 { for x in 14...26 { labels[y * 30 + x] = 2 } }
        let cells = try LabelImage(shape: [30, 30], labels: labels)
        let url = folder.appendingPathComponent("rois.zip")
        try ImageFormats.write(cells, to: url)

        let strokes = try ScribbleFiles.read(url, shape: [30, 30]).scribbles
        let fillOf = try ImageFormats.readLabels(url, shape: [30, 30]).labels
        // Both ROIs (the first one too) have foreground strokes, all inside their fills.
        let stroked = Set(strokes.values.indices.filter { strokes.values[$0] == 1 }.map { fillOf[$0] })
        #expect(stroked == [1, 2])
        for i in strokes.values.indices where strokes.values[i] == ScribbleMap.background { #expect(fillOf[i] == 0) }
        #expect(strokes.count(of: ScribbleMap.background) >= 4 * 9)

        let masks = try ScribbleFiles.read(url, shape: [30, 30], roiStyle: .masks).scribbles
        #expect(masks.count(of: 1) == fillOf.filter { $0 != 0 }.count)
        #expect(masks.count(of: ScribbleMap.background) == 0)
    }

    @Test func rejectsValuesThatAreNotScribblesAndWrongShapes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("bad.tif")
        try ImageFormats.write(try LabelImage(shape: [2, 2], labels: [0, 1, 300, 0]), to: url)
        #expect(throws: ScribblesError.self) { try ScribbleFiles.read(url, shape: [2, 2]) }
        let good = folder.appendingPathComponent("good.png")
        try ScribbleFiles.write(Self.map, to: good)
        #expect(throws: ScribblesError.self) { try ScribbleFiles.read(good, shape: [4, 3]) }
    }

    @Test func denseLabelsServeAsScribbles() throws {
        let dense = try LabelImage(shape: [1, 4], labels: [0, 7, 7, 3])
        #expect(try ScribbleMap(denseLabels: dense, source: "t").values == [255, 1, 1, 1])
        #expect(try ScribbleMap(denseLabels: dense, keepsClasses: true, source: "t").values == [255, 7, 7, 3])
    }
}
