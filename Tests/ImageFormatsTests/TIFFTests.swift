import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// Committed TIFF fixtures (Tests/Fixtures/tiff, see PROVENANCE.md there).
enum TIFFFixture {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tiff")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }
    static func decode(_ name: String, limits: ReadLimits = .standard) throws -> DecodedRaster {
        try TIFFCodec.decode(data(name), source: name, limits: limits)
    }
}

/// Real microscopy files copied whole from the shared datasets; expected values read with tifffile.
@Suite("TIFF real files")
struct TIFFRealFileTests {
    @Test func vectraTwoChannelFloatImageJ() throws {
        let r = try TIFFFixture.decode("vectra_image0.tif")
        #expect(r.axes == [.c, .y, .x])
        #expect(r.array.shape == [2, 400, 400])
        #expect(r.array.elementType == .float32)
        #expect(r.array.value(at: 0) == Double(Float(0.50165063)))
        #expect(r.array.value(at: 200 * 400 + 100) == Double(Float(0.5823169)))
        #expect(r.array.value(at: 160_000 + 123 * 400 + 321) == Double(Float(3.3116207)))
        #expect(r.array.value(at: 2 * 160_000 - 1) == Double(Float(2.3596528)))
        let spacing = try #require(r.spacing)
        #expect(spacing.unit == "micron")
        #expect(spacing.x == 0.4987374 && spacing.y == 0.4987374)  // 1 / 2.005063 px per micron
        #expect(r.notes.contains("big-endian"))
        #expect(r.notes.contains("ImageJ hyperstack"))
        let image = try ImageFormats.readImage(TIFFFixture.url("vectra_image0.tif"))
        #expect(image.shape == [2, 400, 400])
        #expect(image.pixels[0..<160_000].reduce(0, +) > 784_000)  // tifffile: channel 0 sums to 784294.125
    }

    @Test func embryoRawStackIsZYX() throws {
        let r = try TIFFFixture.decode("embryo_8cell_raw.tif")
        #expect(r.axes == [.z, .y, .x])
        #expect(r.array.shape == [51, 120, 122])
        #expect(r.array.elementType == .uint16)
        let plane = 120 * 122
        #expect(r.array.value(at: 0) == 98)
        #expect(r.array.value(at: 25 * plane + 60 * 122 + 61) == 113)
        #expect(r.array.value(at: 51 * plane - 1) == 105)
        let values = (0..<r.array.count).map { r.array.value(at: $0) }
        #expect(values.min() == 92 && values.max() == 4171)
        #expect(values.reduce(0, +) == 91_881_918)
        #expect(r.spacing == nil)
        #expect(r.channelNames == nil)  // the file's labels are slice labels, one channel
    }

    @Test func embryoNucleiMaskIsBinary() throws {
        let r = try TIFFFixture.decode("embryo_8cell_nsn.tif")
        #expect(r.axes == [.z, .y, .x])
        #expect(r.array.shape == [51, 120, 122])
        #expect(r.array.elementType == .uint8)
        #expect(Set(r.array.bytes) == [0, 255])
        #expect(r.array.bytes.filter { $0 == 255 }.count == 16_924)
    }

    @Test func dsbLabelImage() throws {
        let labels = try ImageFormats.readLabels(TIFFFixture.url("dsb2018_label_00071198.tif"))
        #expect(labels.shape == [256, 256])
        #expect(labels.maxLabel == 27)
        #expect(labels.instanceCount == 27)  // 28 distinct values including background
        #expect(labels.labels.filter { $0 > 0 }.count == 5714)
        #expect(labels.labels[229] == 27)  // first pixel of label 27 is (0, 229)
        let r = try TIFFFixture.decode("dsb2018_label_00071198.tif")
        #expect(r.array.elementType == .uint16)
        #expect(r.notes.contains("Deflate"))
        #expect(r.spacing == nil)  // ResolutionUnit none without ImageJ: no physical size
    }
}

/// Synthetic fixtures from scripts/fixtures/make_tiff_fixtures.py: value at flat index i = i*scale + offset.
@Suite("TIFF sample types and encodings")
struct TIFFSampleTypeTests {
    struct Case: CustomStringConvertible, Sendable {
        let file: String
        let type: ElementType
        let scale: Double
        let offset: Double
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "int8_5x7.tif", type: .int8, scale: 3, offset: -50),
        Case(file: "int16_5x7.tif", type: .int16, scale: -900, offset: 300),
        Case(file: "int16_be_5x7.tif", type: .int16, scale: -900, offset: 300),
        Case(file: "int32_5x7.tif", type: .int32, scale: -100_000, offset: 7),
        Case(file: "uint32_5x7.tif", type: .uint32, scale: 100_000_000, offset: 5),
        Case(file: "float32_5x7.tif", type: .float32, scale: 0.25, offset: -2),
        Case(file: "float64_5x7.tif", type: .float64, scale: 0.125, offset: -3),
        Case(file: "lzw_uint16_5x7.tif", type: .uint16, scale: 1000, offset: 1),
        Case(file: "deflate_float32_5x7.tif", type: .float32, scale: 0.25, offset: -2),
    ]

    @Test(arguments: cases)
    func knownValues(_ c: Case) throws {
        let r = try TIFFFixture.decode(c.file)
        #expect(r.axes == [.y, .x])
        #expect(r.array.shape == [5, 7])
        #expect(r.array.elementType == c.type)
        for i in 0..<35 {
            #expect(r.array.value(at: i) == Double(i) * c.scale + c.offset, "index \(i)")
        }
    }

    @Test func compressionNotes() throws {
        #expect(try TIFFFixture.decode("lzw_uint16_5x7.tif").notes.contains("LZW"))
        #expect(try TIFFFixture.decode("deflate_float32_5x7.tif").notes.contains("Deflate"))
        #expect(try TIFFFixture.decode("int16_be_5x7.tif").notes.contains("big-endian"))
    }

    @Test func packBits() throws {
        let r = try TIFFFixture.decode("packbits_uint8_5x7.tif")
        #expect(r.array.bytes == (0..<35).map { UInt8($0 / 4) })
        #expect(r.notes.contains("PackBits"))
    }

    @Test func bilevelBecomesZeroOne() throws {
        let r = try TIFFFixture.decode("bilevel_5x7.tif")
        #expect(r.array.elementType == .uint8)
        #expect(r.array.bytes == (0..<35).map { $0 % 3 == 0 ? 1 : 0 })
    }
}
