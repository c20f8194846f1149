import Foundation
import Imaging
import TestSupport
import Testing

@testable import ImageFormats

/// Damaged and lying files must throw a named error: never crash, hang or allocate what the header claims.
@Suite("TIFF corrupt input")
struct TIFFCorruptTests {
    private func decode(_ data: Data, limits: ReadLimits = .standard) throws -> DecodedRaster {
        try TIFFCodec.decode(data, source: "bad.tif", limits: limits)
    }

    @Test func headerClaiming100000x100000IsTooLarge() throws {
        #expect {
            try TIFFFixture.decode("lying_100000x100000.tif")
        } throws: { error in
            guard case .tooLarge(let source, _, _, _) = error as? ImageFormatsError else { return false }
            return source == "lying_100000x100000.tif"
        }
    }

    @Test(arguments: ["lying_20000x20000_raw.tif", "lying_30000x30000_deflate.tif", "truncated_strip.tif"])
    func declaredSizeBeyondStoredDataIsCorrupt(_ file: String) throws {
        // Within the default limits (400 MB / 900 MB), but the file cannot hold that much: rejected
        // from the strip table, before the output is allocated.
        #expect {
            try TIFFFixture.decode(file)
        } throws: { error in
            guard case .corrupt(_, .tiff, let reason) = error as? ImageFormatsError else { return false }
            return reason.contains("page 1")
        }
    }

    @Test func stripThatRunsOutOfDataIsCorrupt() throws {
        #expect {
            try TIFFFixture.decode("short_deflate_strip.tif")
        } throws: { error in
            guard case .corrupt(_, .tiff, let reason) = error as? ImageFormatsError else { return false }
            return reason.contains("cannot be decoded")
        }
    }

    @Test func limitsAreHonoured() throws {
        let small = ReadLimits(maxDecodedBytes: 1000, maxSamples: 1000)
        #expect(throws: ImageFormatsError.self) { try TIFFFixture.decode("embryo_8cell_raw.tif", limits: small) }
    }

    /// Every prefix of real files: must throw (or, for prefixes that still hold all data, decode).
    @Test(arguments: ["lzw_uint16_5x7.tif", "tiled_uint16_40x35.tif", "imagej_tzcyx_2x3x2x4x5.tif", "int16_be_5x7.tif"])
    func truncatedFilesThrow(_ file: String) throws {
        let whole = try TIFFFixture.data(file)
        let full = try decode(whole)
        for length in stride(from: 0, to: whole.count, by: max(1, whole.count / 97)) {
            do {
                let r = try decode(whole.prefix(length))
                // A cut that only lost trailing metadata may still decode: then it must be correct.
                #expect(r.array == full.array || r.array.shape != full.array.shape, "length \(length)")
            } catch let error as ImageFormatsError {
                switch error {
                case .corrupt, .unsupported, .tooLarge: break
                default: Issue.record("unexpected \(error) at length \(length)")
                }
            }
        }
    }

    @Test func truncatedVectraNamesTheProblem() throws {
        let whole = try TIFFFixture.data("vectra_image0.tif")
        #expect {
            try decode(whole.prefix(whole.count / 2))
        } throws: { error in
            guard case .corrupt(let source, .tiff, let reason) = error as? ImageFormatsError else { return false }
            return source == "bad.tif" && !reason.isEmpty
        }
    }

    @Test func garbageAfterMagicIsCorrupt() throws {
        var bytes = Array("II*\0".utf8) + [0xFF, 0xFF, 0xFF, 0x7F]
        bytes += [UInt8](repeating: 0xAB, count: 64)
        #expect(throws: ImageFormatsError.self) { try decode(Data(bytes)) }
        #expect(throws: ImageFormatsError.self) { try decode(Data(Array("MM\0*".utf8))) }
    }

    /// Overwriting random bytes (tags, offsets, compressed data) must never crash or hang.
    @Test(arguments: [
        "imagej_tzcyx_2x3x2x4x5.tif", "tiled_uint16_40x35.tif", "rgb_planar_5x7.tif", "lzw_uint16_5x7.tif",
        "bigtiff_stack_3x4x5.tif", "bilevel_5x7.tif", "ome_czyx_2x3x4x5.ome.tif",
    ])
    func corruptedBytesNeverCrash(_ file: String) throws {
        let whole = try TIFFFixture.data(file)
        var rng = SeededGenerator(seed: UInt64(whole.count))
        for _ in 0..<300 {
            var bytes = [UInt8](whole)
            for _ in 0..<3 {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? decode(Data(bytes), limits: ReadLimits(maxDecodedBytes: 1 << 24, maxSamples: 1 << 22))
        }
    }
}
