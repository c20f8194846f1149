import Foundation
import TestSupport
import Testing

@testable import ImageFormats

@Suite("Zip reading")
struct ZipDirectoryTests {
    static let limits = ReadLimits(maxArchiveBytes: 1 << 20, maxArchiveEntries: 100)

    @Test("Zip64 records and extra fields (zip -fz) are read")
    func zip64() throws {
        let data = try Data(contentsOf: Fixtures.url("zip/zip64_forced.npz"))
        let directory = try ZipDirectory(data, maxEntries: 10)
        #expect(directory.files.map(\.name) == ["image.npy", "label.npy"])
        #expect(directory.files.map(\.uncompressedSize) == [368, 188])
        let arrays = try NPZCodec.decode(data, source: "z.npz", limits: Self.limits)
        let reference = try NPZCodec.decode(
            Data(contentsOf: Fixtures.url("npy/impartial.npz")), source: "i.npz", limits: Self.limits)
        #expect(arrays.map(\.name) == ["image", "label"])
        #expect(arrays.map(\.array) == Array(reference.map(\.array).prefix(2)))
    }

    @Test(
        "unsupported compression and encryption are named",
        arguments: [
            ("zip/bzip2.npz", "entry 'label.npy' uses bzip2 compression (only stored and deflate are read)"),
            ("zip/encrypted.npz", "entry 'label.npy' is encrypted"),
        ])
    func unsupported(file: String, feature: String) throws {
        let data = try Data(contentsOf: Fixtures.url(file))
        #expect(throws: ImageFormatsError.unsupported(source: "a.npz", format: .npz, feature: feature)) {
            try ImageFormats.decode(data, source: "a.npz", limits: Self.limits)
        }
    }

    @Test("a changed payload byte fails the CRC check")
    func crcMismatch() throws {
        var bytes = try [UInt8](Data(contentsOf: Fixtures.url("npy/impartial.npz")))
        // The first entry is stored: its last payload byte is a float of the image.
        let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
        let extraLength = Int(bytes[28]) | Int(bytes[29]) << 8
        bytes[30 + nameLength + extraLength + 367] ^= 0x40
        #expect {
            try NPZCodec.decode(Data(bytes), source: "c.npz", limits: Self.limits)
        } throws: { error in
            guard case .corrupt("c.npz", .npz, let reason) = error as? ImageFormatsError else { return false }
            return reason.hasPrefix("entry 'image.npy' fails its CRC-32 check")
        }
    }

    @Test("a declared size smaller than the deflate stream is refused")
    func streamLongerThanDeclared() throws {
        var bytes = try [UInt8](Data(contentsOf: Fixtures.url("npy/impartial_compressed.npz")))
        let directory = try ZipDirectory(Data(bytes), maxEntries: 10)
        let centralStart = try #require(
            bytes.indices.first { i in
                i + 4 <= bytes.count && bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02])
            })
        // Uncompressed size of the first central entry: 368 becomes 100.
        bytes[centralStart + 24] = 100
        bytes[centralStart + 25] = 0
        #expect(directory.files[0].uncompressedSize == 368)
        #expect(
            throws: ImageFormatsError.corrupt(
                source: "l.npz", format: .npz, reason: "entry 'image.npy' inflates to more than its stated 100 bytes")
        ) {
            try NPZCodec.decode(Data(bytes), source: "l.npz", limits: Self.limits)
        }
    }

    @Test("written archives read back; entries that do not shrink are stored; equal input gives equal bytes")
    func writerRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        let noise = Data((0..<256).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let entries: [(name: String, bytes: Data)] = [
            ("zeros.bin", Data(count: 10_000)), ("empty", Data()), ("noise.bin", noise),
            ("dir/ünïcode.npy", Data([1, 2, 3])),
        ]
        let archive = try ZipEntries.write(entries, compress: true, path: "w.zip")
        #expect(try ZipEntries.write(entries, compress: true, path: "w.zip") == archive)
        let directory = try ZipDirectory(archive, maxEntries: 10)
        #expect(directory.files.map(\.name) == entries.map(\.name))
        #expect(directory.files.map(\.method) == [8, 0, 0, 0])
        #expect(try directory.files.map { try directory.contents(of: $0) } == entries.map(\.bytes))
        let stored = try ZipDirectory(ZipEntries.write(entries, compress: false, path: "s.zip"), maxEntries: 10)
        #expect(stored.files.map(\.method) == [0, 0, 0, 0])
    }

    /// Every truncation and every single-byte change (to 0x00, 0xFF and with its low bit flipped) of a
    /// deflated archive: each decodes or throws an `ImageFormatsError`, quickly. A damaged archive once
    /// made the zip package CellScribe used before loop forever.
    @Test("every truncation and single-byte change of a deflated archive ends with a result or a typed error")
    func exhaustiveDamage() throws {
        let original = try [UInt8](Data(contentsOf: Fixtures.url("npy/impartial_compressed.npz")))
        var variants: [[UInt8]] = (0..<original.count).map { Array(original.prefix($0)) }
        for index in original.indices {
            for change in [{ (_: UInt8) in UInt8(0) }, { _ in 0xFF }, { $0 ^ 1 }] {
                var bytes = original
                bytes[index] = change(bytes[index])
                variants.append(bytes)
            }
        }
        var refused = 0
        for bytes in variants {
            do {
                _ = try ImageFormats.decode(Data(bytes), source: "d.npz", limits: Self.limits)
            } catch is ImageFormatsError {
                refused += 1
            }
        }
        #expect(refused > original.count)
    }
}
