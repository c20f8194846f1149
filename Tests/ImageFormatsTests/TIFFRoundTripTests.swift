import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// encode -> decode must give back the identical raster: samples, type, axes, spacing, channel names.
@Suite("TIFF round trips")
struct TIFFRoundTripTests {
    struct Case: CustomStringConvertible, Sendable {
        let type: ElementType
        let axes: [Axis]
        let shape: [Int]
        let spacing: Spacing?
        var description: String { "\(type) \(axes.map(\.rawValue).joined()) \(shape)" }
    }

    static let cases: [Case] = {
        let types: [ElementType] = [.uint8, .uint16, .uint32, .float32]
        let layouts: [([Axis], [Int], Spacing?)] = [
            ([.y, .x], [5, 7], nil),
            ([.y, .x], [300, 17], Spacing(x: 0.3, y: 0.65)),  // several strips
            ([.z, .y, .x], [3, 4, 5], Spacing(x: 0.25, y: 0.25, z: 2.18)),
            ([.c, .y, .x], [2, 6, 5], Spacing(x: 1.5, y: 1.5, unit: "µm")),
            ([.c, .z, .y, .x], [3, 2, 4, 5], Spacing(x: 0.1625, y: 0.1625, z: 0.5, unit: "nm")),
        ]
        return types.flatMap { t in layouts.map { Case(type: t, axes: $0.0, shape: $0.1, spacing: $0.2) } }
    }()

    /// Distinct, type-spanning values: negative and fractional for float, near the maximum for integers.
    static func sampleArray(_ type: ElementType, _ shape: [Int]) -> NDArray {
        let n = shape.reduce(1, *)
        switch type {
        case .uint8: return NDArray(shape: shape, integers: (0..<n).map { UInt8(($0 * 37 + 11) % 256) }, as: .uint8)
        case .uint16:
            return NDArray(shape: shape, integers: (0..<n).map { UInt16(65535 - ($0 * 997) % 65536) }, as: .uint16)
        case .uint32:
            return NDArray(shape: shape, integers: (0..<n).map { UInt32.max - UInt32($0 * 104_729) }, as: .uint32)
        default: return NDArray(shape: shape, floats: (0..<n).map { Float($0) * -0.37 + 1e-3 })
        }
    }

    @Test(arguments: cases)
    func roundTrip(_ c: Case) throws {
        let names = c.axes.contains(.c) ? (0..<c.shape[0]).map { "ch\($0)" } : nil
        let raster = DecodedRaster(
            array: Self.sampleArray(c.type, c.shape), axes: c.axes, spacing: c.spacing, channelNames: names)
        let data = try TIFFCodec.encode(raster, path: "roundtrip.tif")
        let decoded = try TIFFCodec.decode(data, source: "roundtrip.tif", limits: .standard)
        // ImageJ stores pages channel fastest, so (C, Z) stacks decode in storage order (Z, C);
        // the canonical order (what Image conversion uses) is the written one.
        #expect(decoded.axes == (c.axes == [.c, .z, .y, .x] ? [.z, .c, .y, .x] : c.axes))
        let back = decoded.canonical()
        #expect(back.array == raster.array)
        #expect(back.axes == raster.axes)
        #expect(back.channelNames == names)
        if let s = c.spacing {
            // Z spacing is only stored for stacks; X/Y come back through RATIONAL tags.
            let expected = Spacing(x: s.x, y: s.y, z: c.axes.contains(.z) ? s.z : nil, unit: s.unit)
            #expect(back.spacing == expected)
        } else {
            #expect(back.spacing == nil)
        }
    }

    @Test func writtenFileIsImageJCompatible() throws {
        let raster = DecodedRaster(
            array: Self.sampleArray(.uint16, [2, 3, 4, 5]), axes: [.c, .z, .y, .x],
            spacing: Spacing(x: 0.5, y: 0.5, z: 2, unit: "micron"))
        let data = try TIFFCodec.encode(raster, path: "ij.tif")
        let text = String(decoding: data, as: UTF8.self)
        #expect(
            text.contains(
                "ImageJ=1.11a\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nmode=grayscale\nunit=micron\nspacing=2.0\nloop=false\n"
            ))
        let back = try TIFFCodec.decode(data, source: "ij.tif", limits: .standard)
        #expect(back.notes.contains("ImageJ hyperstack"))
        #expect(back.notes.contains("Deflate"))
    }

    @Test func imageAndLabelsThroughImageFormats() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tiff-rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let image = try Image(
            shape: [2, 3, 4], pixels: (0..<24).map { Float($0) * 100 }, sourceType: .uint16,
            spacing: Spacing(x: 0.5, y: 0.5), channelNames: ["a", "b"])
        try ImageFormats.write(image, to: dir.appendingPathComponent("img.tif"))
        #expect(try ImageFormats.readImage(dir.appendingPathComponent("img.tif")) == image)

        let big = try LabelImage(shape: [2, 3, 4], labels: (0..<24).map { $0 == 5 ? 70_000 : UInt32($0) })
        try ImageFormats.write(big, to: dir.appendingPathComponent("labels.tif"))
        let back = try ImageFormats.readLabels(dir.appendingPathComponent("labels.tif"))
        #expect(back == big)  // uint32 because 70000 does not fit uint16
    }

    @Test func unsupportedWrites() throws {
        let int16 = DecodedRaster(
            array: NDArray(shape: [2, 2], integers: [Int16](repeating: -1, count: 4), as: .int16), axes: [.y, .x])
        #expect(throws: ImageFormatsError.self) { try TIFFCodec.encode(int16, path: "x.tif") }
        let series = DecodedRaster(array: Self.sampleArray(.uint8, [2, 3, 3]), axes: [.t, .y, .x])
        #expect(throws: ImageFormatsError.self) { try TIFFCodec.encode(series, path: "x.tif") }
        let empty = DecodedRaster(array: NDArray(shape: [0, 3], elementType: .uint8, bytes: []), axes: [.y, .x])
        #expect(throws: ImageFormatsError.self) { try TIFFCodec.encode(empty, path: "x.tif") }
    }
}
