import Foundation
import Imaging
import Testing

@testable import ImageFormats

@Suite struct FormatDetectionTests {
    @Test(arguments: [
        ([0x49, 0x49, 42, 0, 8, 0, 0, 0] as [UInt8], FileFormat.tiff),
        ([0x4D, 0x4D, 0, 42, 0, 0, 0, 8], .tiff),
        ([0x49, 0x49, 43, 0, 8, 0, 0, 0], .tiff),  // BigTIFF
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
        ([0x93] + Array("NUMPY".utf8) + [1, 0], .npy),
        (Array("Iout".utf8) + [0, 228, 0, 0], .imagejROIZip),
    ])
    func magicBytes(bytes: [UInt8], expected: FileFormat) throws {
        #expect(
            try ImageFormats.detectFormat(of: Data(bytes + [UInt8](repeating: 0, count: 8)), source: "x") == expected)
    }

    @Test func contentWinsOverExtension() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]
        #expect(try ImageFormats.detectFormat(of: Data(png), source: "mislabelled.tif") == .png)
    }

    @Test func unknownContentIsRefusedByName() {
        #expect(throws: ImageFormatsError.unrecognizedFormat(source: "notes.txt")) {
            try ImageFormats.decode(Data("hello, world".utf8), source: "notes.txt")
        }
        #expect(throws: ImageFormatsError.unrecognizedFormat(source: "empty")) {
            try ImageFormats.decode(Data(), source: "empty")
        }
    }

    @Test func zipArchivesAreToldApartByEntryNames() throws {
        let npz = try ZipEntries.write([("image.npy", Data([1, 2, 3]))], compress: true, path: "a.npz")
        #expect(try ImageFormats.detectFormat(of: npz, source: "a.npz") == .npz)
        let rois = try ZipEntries.write([("0001-0002.roi", Data([1, 2, 3]))], compress: false, path: "b.zip")
        #expect(try ImageFormats.detectFormat(of: rois, source: "b.zip") == .imagejROIZip)
        let other = try ZipEntries.write([("readme.txt", Data([1]))], compress: false, path: "c.zip")
        #expect(throws: ImageFormatsError.self) { try ImageFormats.detectFormat(of: other, source: "c.zip") }
    }

    @Test func zipBombsAreStoppedWhileInflating() throws {
        let zeros = Data(count: 8 << 20)
        let archive = try ZipEntries.write([("image.npy", zeros)], compress: true, path: "bomb.npz")
        #expect(archive.count < 64 << 10)
        let limits = ReadLimits(maxArchiveBytes: 1 << 20)
        #expect(throws: ImageFormatsError.self) {
            try ZipEntries.read(archive, source: "bomb.npz", format: .npz, limits: limits)
        }
    }
}

@Suite struct RasterConversionTests {
    /// (Y, X, C) storage becomes (C, Y, X): sample (y, x, c) = 100y + 10x + c.
    @Test func channelsLastArraysArePermuted() throws {
        var values: [Float] = []
        for y in 0..<3 { for x in 0..<4 { for c in 0..<2 { values.append(Float(100 * y + 10 * x + c)) } } }
        let raster = try DecodedRaster(guessingAxesOf: NDArray(shape: [3, 4, 2], floats: values), source: "t")
        #expect(raster.axes == [.y, .x, .c])
        let image = try raster.image(source: "t")
        #expect(image.shape == [2, 3, 4])
        #expect(image.channel(1)[image.channel(1).startIndex + 4 * 2 + 3] == 231)
    }

    @Test(arguments: [
        ([5, 6], [Axis.y, .x]),
        ([2, 30, 40], [.c, .y, .x]),
        ([30, 40, 3], [.y, .x, .c]),
        ([16, 30, 40], [.z, .y, .x]),
        ([2, 16, 30, 40], [.c, .z, .y, .x]),
        ([16, 30, 40, 2], [.z, .y, .x, .c]),
    ])
    func axisGuesses(shape: [Int], axes: [Axis]) throws {
        let array = NDArray(shape: shape, floats: [Float](repeating: 0, count: shape.reduce(1, *)))
        #expect(try DecodedRaster(guessingAxesOf: array, source: "t").axes == axes)
    }

    @Test func labelsMustBeWholeNonNegativeNumbers() throws {
        let raster = DecodedRaster(array: NDArray(shape: [1, 2], floats: [1, 2.5]), axes: [.y, .x])
        #expect(throws: ImageFormatsError.self) { try raster.labels(source: "bad.npy") }
        let negative = DecodedRaster(
            array: NDArray(shape: [1, 2], integers: [Int16(-1), 3], as: .int16), axes: [.y, .x])
        #expect(throws: ImageFormatsError.self) { try negative.labels(source: "neg.npy") }
        let multiChannel = DecodedRaster(array: NDArray(shape: [2, 1, 1], floats: [1, 2]), axes: [.c, .y, .x])
        #expect(throws: ImageFormatsError.self) { try multiChannel.labels(source: "rgb.tif") }
    }

    @Test func integerConversionRoundsAndClamps() {
        let array = NDArray(converting: [-3, 0.4, 0.6, 254.5, 300, .infinity, .nan], shape: [7], to: .uint8)
        #expect(array.bytes == [0, 0, 1, 255, 255, 255, 0])
    }

    @Test func largeShapesAreRefusedBeforeAllocating() {
        #expect(throws: ImageFormatsError.self) {
            try ReadLimits.standard.check(shape: [100_000, 100_000, 4], bytesPerSample: 4, source: "liar.tif")
        }
        #expect(throws: ImageFormatsError.self) {
            try ReadLimits.standard.check(shape: [Int.max, 3], bytesPerSample: 1, source: "overflow.npy")
        }
    }
}

@Suite struct AtomicFileTests {
    @Test func writesCompleteFilesAndLeavesNoTemporaries() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("a.bin")
        try AtomicFile.write(Data([1, 2, 3]), to: target)
        try AtomicFile.write(Data([4, 5]), to: target)
        #expect(try Data(contentsOf: target) == Data([4, 5]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.bin"])
    }

    @Test func failureNamesThePathAndKeepsTheOldFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-folder-\(UUID().uuidString)/a.tif")
        #expect(throws: ImageFormatsError.self) { try AtomicFile.write(Data([1]), to: missing) }
    }
}
