import Foundation
import TestSupport
import Testing

@testable import ImageFormats

/// Feeds truncated and byte-mutated versions of every fixture to the readers. Each must either throw an
/// `ImageFormatsError` or return content that converts cleanly; a crash or a hang fails the suite.
@Suite(.timeLimit(.minutes(5)))
struct MutationTests {
    /// Small limits so a mutated header that claims a huge array is refused quickly.
    static let limits = ReadLimits(
        maxDecodedBytes: 64 << 20, maxSamples: 16 << 20, maxArchiveBytes: 64 << 20, maxArchiveEntries: 10_000)

    static let variantsPerFile = 200

    @Test(arguments: Fixtures.allDataFiles.map(\.lastPathComponent))
    func mutatedFilesNeverCrash(name: String) throws {
        let url = try #require(Fixtures.allDataFiles.first { $0.lastPathComponent == name })
        let original = try [UInt8](Data(contentsOf: url))
        try #require(original.count > 16)
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: name.hashValueStable))
        var outcomes = (decoded: 0, refused: 0)
        for variant in 0..<Self.variantsPerFile {
            let bytes = Self.mutate(original, variant: variant, rng: &rng)
            do {
                let file = try ImageFormats.decode(Data(bytes), source: "\(name)#\(variant)", limits: Self.limits)
                Self.exercise(file)
                outcomes.decoded += 1
            } catch is ImageFormatsError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.decoded + outcomes.refused == Self.variantsPerFile)
        // The unmutated file decodes, or (for the deliberately broken fixtures) is refused with a typed error.
        do {
            _ = try ImageFormats.decode(Data(original), source: name, limits: .standard)
        } catch is ImageFormatsError {}
    }

    /// Truncations (first quarter of the variants), then 1-8 random byte changes, aimed a third each at the
    /// header, the tail (zip central directories, trailing IFDs) and anywhere.
    static func mutate(_ original: [UInt8], variant: Int, rng: inout SeededGenerator) -> [UInt8] {
        if variant < variantsPerFile / 4 {
            let cut = variant == 0 ? 8 : Int.random(in: 0..<original.count, using: &rng)
            return Array(original.prefix(cut))
        }
        var bytes = original
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let region = Int.random(in: 0..<3, using: &rng)
            let index: Int =
                switch region {
                case 0: Int.random(in: 0..<min(512, bytes.count), using: &rng)
                case 1: bytes.count - 1 - Int.random(in: 0..<min(1024, bytes.count), using: &rng)
                default: Int.random(in: 0..<bytes.count, using: &rng)
                }
            bytes[index] =
                Bool.random(using: &rng)
                ? UInt8.random(in: 0...255, using: &rng) : [0, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
        }
        return bytes
    }

    /// Converts decoded content the way callers do; conversion errors are fine, crashes are not.
    static func exercise(_ file: ImageFile) {
        _ = try? file.image()
        if case .rois(let set) = file.content {
            // Rasterise onto a bounded canvas: mutated bounds may be huge.
            _ = try? set.rasterize(height: 64, width: 64)
        } else {
            _ = try? file.labels()
        }
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
