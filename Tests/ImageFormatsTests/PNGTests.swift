import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// Tests/Fixtures/png, found from this file's path (see Tests/Fixtures/png/PROVENANCE.md).
private func pngFixture(_ name: String) throws -> Data {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/png/\(name)")
    return try Data(contentsOf: url)
}

private func decodePNG(_ data: Data, limits: ReadLimits = .standard) throws -> DecodedRaster {
    try PNGCodec.decode(data, source: "test.png", limits: limits)
}

/// Sample (c, y, x) of a decoded `[C, Y, X]` raster.
private func sample(_ r: DecodedRaster, _ c: Int, _ y: Int, _ x: Int) -> Int {
    Int(r.array.value(at: (c * r.array.shape[1] + y) * r.array.shape[2] + x))
}

/// CRC-32 as PNG chunks use it (for building hand-made chunks).
private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func bigEndian(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }

/// A generated fixture and the formula its pixels follow (see make_png_npy_fixtures.py).
struct PNGCase: Sendable, CustomTestStringConvertible {
    var file: String
    var shape: [Int]
    var type: ElementType
    var expected: @Sendable (_ c: Int, _ y: Int, _ x: Int) -> Int
    var testDescription: String { file }
}

private let palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]
private let rgbFormula: @Sendable (Int, Int, Int) -> Int = { c, y, x in
    [(x * 19) % 256, (y * 23) % 256, (x * y) % 256][c]
}

private let generatedCases: [PNGCase] = [
    PNGCase(file: "gray1.png", shape: [1, 7, 13], type: .uint8) { _, y, x in (x + y) % 2 * 255 },
    PNGCase(file: "gray2.png", shape: [1, 7, 13], type: .uint8) { _, y, x in (x + 2 * y) % 4 * 85 },
    PNGCase(file: "gray4.png", shape: [1, 7, 13], type: .uint8) { _, y, x in (x + 3 * y) % 16 * 17 },
    PNGCase(file: "gray16.png", shape: [1, 6, 9], type: .uint16) { _, y, x in (x * 1000 + y * 7919) % 65536 },
    PNGCase(file: "gray_alpha.png", shape: [2, 6, 9], type: .uint8) { c, y, x in c == 0 ? x * 10 + y : x * y * 7 % 256
    },
    PNGCase(file: "gray_opaque_alpha.png", shape: [1, 6, 9], type: .uint8) { _, y, x in x * 10 + y },
    PNGCase(file: "gray_trns.png", shape: [2, 6, 9], type: .uint8) { c, y, x in
        let v = (x + y) % 3 * 100
        return c == 0 ? v : (v == 0 ? 0 : 255)
    },
    PNGCase(file: "palette_trns.png", shape: [4, 5, 11], type: .uint8) { c, y, x in
        let i = (x + y) % 4
        return c < 3 ? palette[i][c] : [255, 128, 0, 255][i]
    },
    PNGCase(file: "palette_opaque.png", shape: [3, 5, 11], type: .uint8) { c, y, x in palette[(x + y) % 4][c] },
    PNGCase(file: "interlaced_rgb.png", shape: [3, 11, 13], type: .uint8, expected: rgbFormula),
    PNGCase(file: "interlaced_gray2.png", shape: [1, 11, 13], type: .uint8) { _, y, x in (x + 2 * y) % 4 * 85 },
    PNGCase(file: "rgb_phys.png", shape: [3, 6, 9], type: .uint8, expected: rgbFormula),
    PNGCase(file: "rgba_equal.png", shape: [1, 6, 9], type: .uint8) { _, y, x in x * 20 + y },
    PNGCase(file: "rgb16.png", shape: [3, 5, 7], type: .uint16) { c, y, x in [x * 9000, y * 13000, 65535 - x * y][c] },
]

@Suite("PNG decoding")
struct PNGDecodeTests {
    @Test("generated variants decode to the expected samples", arguments: generatedCases)
    func generated(_ test: PNGCase) throws {
        let raster = try decodePNG(try pngFixture(test.file))
        #expect(raster.axes == [.c, .y, .x])
        #expect(raster.array.shape == test.shape)
        #expect(raster.array.elementType == test.type)
        var mismatches = 0
        for c in 0..<test.shape[0] {
            for y in 0..<test.shape[1] {
                for x in 0..<test.shape[2] where sample(raster, c, y, x) != test.expected(c, y, x) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0, "\(mismatches) samples differ; notes: \(raster.notes)")
    }

    @Test("DSB2018 fluorescence RGBA with R=G=B and opaque alpha decodes to one uint8 channel")
    func dsbFluorescence() throws {
        let raster = try decodePNG(try pngFixture("dsb_fluorescence.png"))
        #expect(raster.array.shape == [1, 256, 256])
        #expect(raster.array.elementType == .uint8)
        // Values read with Pillow (see PROVENANCE.md).
        #expect(sample(raster, 0, 0, 0) == 5)
        #expect(sample(raster, 0, 10, 20) == 4)
        #expect(sample(raster, 0, 100, 50) == 2)
        #expect(sample(raster, 0, 200, 255) == 2)
        #expect(raster.notes.contains("alpha channel fully opaque: dropped"))
        #expect(raster.notes.contains("R = G = B at every pixel: read as one gray channel"))
        #expect(raster.channelNames == nil)
    }

    @Test("DSB2018 colour (H&E / brightfield) image keeps three channels")
    func dsbColour() throws {
        let raster = try decodePNG(try pngFixture("dsb_colour.png"))
        #expect(raster.array.shape == [3, 256, 320])
        #expect(raster.channelNames == ["R", "G", "B"])
        #expect((0..<3).map { sample(raster, $0, 0, 0) } == [173, 157, 195])
        #expect((0..<3).map { sample(raster, $0, 10, 20) } == [183, 165, 202])
        #expect((0..<3).map { sample(raster, $0, 200, 255) } == [176, 160, 198])
    }

    @Test("ISBI 2012 EM slice (gray) decodes through ImageFormats to an Image")
    func isbi() throws {
        let file = try ImageFormats.decode(try pngFixture("isbi2012_0_crop256.png"), source: "isbi.png")
        #expect(file.format == .png)
        let image = try file.image()
        #expect(image.shape == [1, 256, 256])
        #expect(image.sourceType == .uint8)
        #expect(image.pixels[0] == 126)
        #expect(image.pixels[10 * 256 + 20] == 100)
        #expect(image.pixels[100 * 256 + 50] == 142)
        #expect(image.pixels[200 * 256 + 255] == 163)
    }

    @Test("pHYs in pixels per metre becomes spacing in micron")
    func physSpacing() throws {
        let raster = try decodePNG(try pngFixture("rgb_phys.png"))
        #expect(raster.spacing == Spacing(x: 0.5, y: 0.25, unit: "micron"))
        #expect(try decodePNG(try pngFixture("gray16.png")).spacing == nil)
    }

    @Test("sub-byte, palette and interlaced files say how they were expanded")
    func notes() throws {
        #expect(try decodePNG(try pngFixture("gray4.png")).notes.contains("4-bit samples scaled to 8 bits (0...255)"))
        #expect(try decodePNG(try pngFixture("palette_trns.png")).notes.contains("palette expanded to RGBA samples"))
        #expect(try decodePNG(try pngFixture("interlaced_rgb.png")).notes.first == "PNG 8-bit RGB, Adam7-interlaced")
        #expect(
            try decodePNG(try pngFixture("gray_trns.png")).notes.contains(
                "tRNS transparency turned into an alpha channel"))
    }
}

@Suite("PNG damaged and hostile files")
struct PNGHostileTests {
    @Test("a truncated PNG throws corrupt naming the truncation")
    func truncated() throws {
        let data = try pngFixture("dsb_fluorescence.png")
        #expect {
            try decodePNG(data.prefix(data.count / 2))
        } throws: { error in
            guard case .corrupt(let source, .png, let reason) = error as? ImageFormatsError else { return false }
            return source == "test.png" && reason.contains("truncated")
        }
    }

    @Test("a PNG missing only its IEND chunk keeps its pixels and says so")
    func missingTrailer() throws {
        let data = try pngFixture("gray4.png")
        let raster = try decodePNG(data.prefix(data.count - 12))
        #expect(raster.array.shape == [1, 7, 13])
        #expect(raster.notes.contains { $0.hasPrefix("the file is damaged after the pixel data") })
    }

    @Test("a bad CRC in a critical chunk throws corrupt", arguments: ["IHDR", "IDAT"])
    func badCRC(chunk: String) throws {
        var bytes = [UInt8](try pngFixture("rgb_phys.png"))
        let type = Array(chunk.utf8)
        let start = try #require((8..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == type })
        let length = bytes[start - 4..<start].reduce(0) { $0 << 8 | Int($1) }
        bytes[start + 4 + length] ^= 0xFF  // first CRC byte
        #expect {
            try decodePNG(Data(bytes))
        } throws: { error in
            guard case .corrupt(_, .png, let reason) = error as? ImageFormatsError else { return false }
            return reason.contains("CRC")
        }
    }

    @Test("a header claiming 100000 x 100000 pixels throws tooLarge before allocating")
    func lyingHeader() throws {
        var ihdr = Array("IHDR".utf8) + bigEndian(100_000) + bigEndian(100_000) + [8, 6, 0, 0, 0]
        ihdr += bigEndian(crc32(ihdr))
        let data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + ihdr)
        #expect {
            try decodePNG(data)
        } throws: { error in
            guard case .tooLarge(let source, _, let requested, _) = error as? ImageFormatsError else { return false }
            return source == "test.png" && requested == 4 * 100_000 * 100_000
        }
    }

    @Test("limits apply to the decoded size")
    func tightLimits() throws {
        let data = try pngFixture("dsb_fluorescence.png")
        #expect(throws: ImageFormatsError.self) { try decodePNG(data, limits: ReadLimits(maxSamples: 10_000)) }
        #expect(throws: ImageFormatsError.self) { try decodePNG(data, limits: ReadLimits(maxDecodedBytes: 100_000)) }
    }

    @Test("a file without the PNG signature throws corrupt")
    func badSignature() {
        #expect(
            throws: ImageFormatsError.corrupt(source: "test.png", format: .png, reason: "the PNG signature is missing")
        ) {
            try decodePNG(Data("not a png at all".utf8))
        }
    }

    @Test("every single-byte corruption of a small PNG decodes or throws ImageFormatsError, never crashes")
    func byteFlips() throws {
        let original = [UInt8](try pngFixture("palette_trns.png"))
        for offset in 0..<original.count {
            var bytes = original
            bytes[offset] ^= 0x5A
            do {
                _ = try decodePNG(Data(bytes))
            } catch {
                #expect(error is ImageFormatsError)
            }
        }
    }
}

/// A raster with the given planar samples.
private func raster(
    _ shape: [Int], _ axes: [Axis], _ type: ElementType, spacing: Spacing? = nil,
    _ value: (Int) -> Int
) -> DecodedRaster {
    let n = shape.reduce(1, *)
    let array =
        type == .uint16
        ? NDArray(shape: shape, integers: (0..<n).map { UInt16(truncatingIfNeeded: value($0)) }, as: .uint16)
        : NDArray(shape: shape, integers: (0..<n).map { UInt8(truncatingIfNeeded: value($0)) }, as: .uint8)
    return DecodedRaster(array: array, axes: axes, spacing: spacing)
}

@Suite("PNG encoding")
struct PNGEncodeTests {
    static let roundTrips: [(String, DecodedRaster)] = [
        ("gray uint8 [Y, X]", raster([5, 7], [.y, .x], .uint8) { $0 * 7 }),
        ("gray uint16", raster([1, 5, 7], [.c, .y, .x], .uint16) { $0 * 1871 }),
        ("gray+alpha uint8", raster([2, 4, 6], [.c, .y, .x], .uint8) { $0 * 5 }),
        ("gray+alpha uint16", raster([2, 4, 6], [.c, .y, .x], .uint16) { $0 * 1300 }),
        ("RGB uint8", raster([3, 6, 5], [.c, .y, .x], .uint8, spacing: Spacing(x: 0.5, y: 0.25)) { $0 * 3 }),
        ("RGB uint16", raster([3, 6, 5], [.c, .y, .x], .uint16) { $0 * 733 }),
        ("RGBA uint8", raster([4, 3, 8], [.c, .y, .x], .uint8) { $0 * 11 }),
        ("RGBA uint16", raster([4, 3, 8], [.c, .y, .x], .uint16) { $0 * 641 }),
        (
            "labels uint16 [Y, X] with spacing",
            raster([9, 4], [.y, .x], .uint16, spacing: Spacing(x: 2, y: 2)) { $0 * 1000 }
        ),
    ]

    @Test("round trips are exact", arguments: roundTrips)
    func roundTrip(_ name: String, _ original: DecodedRaster) throws {
        let data = try PNGCodec.encode(original, path: "out.png")
        let decoded = try decodePNG(data)
        let shape = original.axes == [.y, .x] ? [1] + original.array.shape : original.array.shape
        #expect(
            decoded.array == NDArray(shape: shape, elementType: original.array.elementType, bytes: original.array.bytes)
        )
        #expect(decoded.spacing == original.spacing.map { Spacing(x: $0.x, y: $0.y, unit: "micron") })
    }

    @Test("an opaque alpha channel and R=G=B colour are folded on reading")
    func channelRules() throws {
        let rgba = raster([4, 3, 5], [.c, .y, .x], .uint8) { $0 >= 45 ? 255 : $0 % 15 }
        let decoded = try decodePNG(try PNGCodec.encode(rgba, path: "out.png"))
        #expect(decoded.array.shape == [1, 3, 5])
        #expect(decoded.array.bytes == Array(rgba.array.bytes[0..<15]))
    }

    @Test("a single-plane Z axis and channels-last axes are accepted")
    func otherAxes() throws {
        let yxc = raster([4, 5, 3], [.y, .x, .c], .uint8) { $0 }
        let decoded = try decodePNG(try PNGCodec.encode(yxc, path: "out.png"))
        #expect(decoded.array == yxc.canonical().array)
        let czyx = raster([1, 1, 4, 5], [.c, .z, .y, .x], .uint8) { $0 }
        #expect(try decodePNG(try PNGCodec.encode(czyx, path: "out.png")).array.shape == [1, 4, 5])
    }

    @Test(
        "what PNG cannot hold throws unsupported naming it",
        arguments: [
            (raster([2, 2, 4, 5], [.c, .z, .y, .x], .uint8) { $0 }, "3D images"),
            (raster([5, 4, 5], [.c, .y, .x], .uint8) { $0 }, "5 channels"),
            (raster([0, 5], [.y, .x], .uint8) { $0 }, "0 x 5 pixels"),
            (DecodedRaster(array: NDArray(shape: [2, 2], floats: [0, 1, 2, 3]), axes: [.y, .x]), "float32 samples"),
            (
                DecodedRaster(
                    array: NDArray(shape: [2, 2], integers: [Int16](repeating: 1, count: 4), as: .int16),
                    axes: [.y, .x]),
                "int16 samples"
            ),
        ])
    func unsupported(_ input: DecodedRaster, _ expected: String) {
        #expect {
            try PNGCodec.encode(input, path: "out.png")
        } throws: { error in
            guard case .unsupported(let path, .png, let feature) = error as? ImageFormatsError else { return false }
            return path == "out.png" && feature.contains(expected)
        }
    }

    @Test("ImageFormats.write and read round-trip an Image through PNG")
    func throughImageFormats() throws {
        let image = try Image(shape: [3, 4, 5], pixels: (0..<60).map { Float($0 * 4) }, sourceType: .uint8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-png-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try ImageFormats.write(image, to: url)
        let back = try ImageFormats.readImage(url)
        #expect(back.shape == [3, 4, 5])
        #expect(back.pixels == image.pixels)
    }
}
