import Foundation
import TestSupport
import Testing

@testable import ImageFormats

/// Inputs found by the decoder fuzzer (`scripts/fuzz_decoders.sh`) that once crashed a decoder; each is kept as a
/// `regress_*` seed in `Tests/Fuzz/corpus` (see the README there) and must now be refused with a typed error.
@Suite("Fuzzer regressions")
struct FuzzRegressionTests {
    static let corpus = Fixtures.root.deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static var regressionSeeds: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { $0.hasPrefix("regress_") }.sorted()
    }

    private func seed(_ name: String) throws -> Data {
        try Data(contentsOf: Self.corpus.appendingPathComponent(name))
    }

    /// BitsPerSample 65535 used to overflow UInt16 (`bits + 7`) while the pages were scanned.
    @Test func tiffWithBitsPerSampleNear65535IsCorrupt() throws {
        let data = try seed("regress_tiff_bits_per_sample_overflow.tif")
        #expect {
            try ImageFormats.decode(data, source: "bits.tif")
        } throws: { error in
            guard case .corrupt(let source, .tiff, _) = error as? ImageFormatsError else { return false }
            return source == "bits.tif"
        }
    }

    @Test func everyRegressionSeedIsKept() {
        #expect(Self.regressionSeeds.contains("regress_tiff_bits_per_sample_overflow.tif"))
    }

    /// Every regression seed goes through every decoder the fuzzer drives; each refuses it with a typed error
    /// or decodes it into content that converts cleanly.
    @Test(arguments: regressionSeeds)
    func regressionSeedNeverCrashes(_ name: String) throws {
        let data = try seed(name)
        let limits = ReadLimits(
            maxDecodedBytes: 16 << 20, maxSamples: 1 << 22, maxArchiveBytes: 16 << 20, maxArchiveEntries: 10_000,
            maxROIVertices: 100_000)
        do {
            let file = try ImageFormats.decode(data, source: name, limits: limits)
            _ = try? file.image()
            _ = try? file.labels()
        } catch is ImageFormatsError {}
        _ = try? ROIZipCodec.decode(data, source: name, limits: limits)
        _ = try? NPYCodec.decode(data, source: name, limits: limits)
        _ = try? NPZCodec.decode(data, source: name, limits: limits)
    }
}
