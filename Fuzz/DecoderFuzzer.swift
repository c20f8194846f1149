// libFuzzer harness for CellScribe's decoders (TIFF/OME-TIFF, PNG, NPY, NPZ, ImageJ ROI zip and single .roi).
//
// Not a SwiftPM target: `scripts/fuzz_decoders.sh` compiles it with `swiftc -sanitize=fuzzer,address
// -parse-as-library` together with the ImageFormats, Imaging and Basics sources and the CImageCodecs shims,
// so the package's own build never needs libFuzzer. See Tests/Fuzz/README.md.
//
// Every input goes to every decoder. A thrown error is an expected outcome; a Swift trap (overflow, index out
// of range, force unwrap), a crash in the C shims, a sanitizer report, a timeout or an out-of-memory is a finding.
import Foundation
import Imaging

@testable import ImageFormats

/// Small limits: a header that claims a huge array is refused long before the fuzzer's RSS limit.
private let limits = ReadLimits(
    maxDecodedBytes: 16 << 20, maxSamples: 1 << 22, maxArchiveBytes: 16 << 20, maxArchiveEntries: 10_000,
    maxROIVertices: 100_000)

private let source = "fuzz-input"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = size > 0 && bytes != nil ? Data(bytes: bytes!, count: size) : Data()
    // What the server does with an upload: sniff, decode as the detected format, convert as callers do.
    _ = try? ImageFormats.detectFormat(of: data, source: source)
    if let file = try? ImageFormats.decode(data, source: source, limits: limits) {
        exercise(file)
    }
    // Each parser directly, whatever the magic bytes say, so every one of them sees every input.
    if let set = try? ROIZipCodec.decode(data, source: "fuzz.zip", limits: limits) {
        exercise(ImageFile(source: "fuzz.zip", format: .imagejROIZip, content: .rois(set)))
    }
    if let array = try? NPYCodec.decode(data, source: "fuzz.npy", limits: limits),
        let raster = try? DecodedRaster(guessingAxesOf: array, source: "fuzz.npy")
    {
        exercise(ImageFile(source: "fuzz.npy", format: .npy, content: .raster(raster)))
    }
    if let arrays = try? NPZCodec.decode(data, source: "fuzz.npz", limits: limits) {
        let named = arrays.map { NamedArray(name: $0.name, array: $0.array) }
        exercise(ImageFile(source: "fuzz.npz", format: .npz, content: .arrays(named)))
    }
    return 0
}

/// Converts decoded content the way the server and the CLI do (image, labels, ROI rasterisation at the ROIs'
/// own extent, as scribble uploads are); conversion errors are fine.
private func exercise(_ file: ImageFile) {
    _ = try? file.image()
    _ = try? file.labels()
    if case .rois(let set) = file.content {
        // A fixed small canvas too: ROIs at negative or far-away coordinates are clipped, not drawn.
        _ = try? set.rasterize(height: 32, width: 32)
    }
}
