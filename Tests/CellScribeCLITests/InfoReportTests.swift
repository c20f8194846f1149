import Foundation
import ImageFormats
import TestSupport
import Testing

@testable import CellScribeCLI

/// `cellscribe info` on real files: the facts each report must state.
@Suite("info reports")
struct InfoReportTests {
    static func report(_ path: String, limits: ReadLimits = .standard) -> FileReport {
        FileReport(url: Fixtures.url(path), limits: limits)
    }

    @Test("Vectra two-channel float32 ImageJ TIFF with spacing")
    func vectraImage() throws {
        let r = Self.report("tiff/vectra_image0.tif")
        #expect(r.error == nil)
        #expect(r.format == "TIFF")
        #expect(r.kind == "image")
        #expect(r.shape == [2, 400, 400])
        #expect(r.axes == "CYX")
        #expect(r.dtype == "float32")
        let range = try #require(r.range)
        #expect(range[0] == 0)
        #expect(abs(range[1] - 37.3766) < 1e-3)
        let spacing = try #require(r.spacing)
        #expect(abs(spacing.x - 0.4987374) < 1e-6)
        #expect(r.instances == nil)
    }

    @Test("DSB2018 uint16 instance labels are a label image with 27 instances")
    func dsbLabels() {
        let r = Self.report("tiff/dsb2018_label_00071198.tif")
        #expect(r.kind == "label image")
        #expect(r.dtype == "uint16")
        #expect(r.instances == 27)
        #expect(r.range == [0, 27])
    }

    @Test("the embryo nuclei mask is a 3D binary mask with 8 nuclei; the raw stack is an image")
    func embryo() {
        let mask = Self.report("tiff/embryo_8cell_nsn.tif")
        #expect(mask.kind == "binary mask")
        #expect(mask.shape == [51, 120, 122])
        #expect(mask.axes == "ZYX")
        #expect(mask.instances == 8)
        let raw = Self.report("tiff/embryo_8cell_raw.tif")
        #expect(raw.kind == "image")
        #expect(raw.dtype == "uint16")
        #expect(raw.range == [92, 4171])
        #expect(raw.instances == nil)
    }

    @Test("an RGBA fluorescence PNG with R = G = B is one channel")
    func dsbPNG() {
        let r = Self.report("png/dsb_fluorescence.png")
        #expect(r.format == "PNG")
        #expect(r.shape == [1, 256, 256])
        #expect(r.kind == "image")
    }

    @Test("the Vectra ROI zip holds 259 instances")
    func roiZip() {
        let r = Self.report("roi/vectra_image0.zip")
        #expect(r.format == "ImageJ ROI zip")
        #expect(r.kind == "ROI set")
        #expect(r.instances == 259)
    }

    @Test("NPZ arrays are listed with ImPartial's roles")
    func npz() throws {
        let r = Self.report("npy/impartial.npz")
        #expect(r.kind == "arrays")
        let arrays = try #require(r.arrays)
        #expect(arrays.map(\.name) == ["image", "label", "scribble", "val_mask"])
        #expect(arrays.map(\.role) == ["image", "label", "scribble", "val_mask"])
        #expect(arrays[0].shape == [6, 5, 2])
        #expect(arrays[1].range == [0, 3])
    }

    @Test("missing, damaged and over-limit files give a report with the reason")
    func failures() throws {
        let missing = Self.report("tiff/no-such-file.tif")
        #expect(missing.error?.hasSuffix("no such file") == true)
        let truncated = Self.report("tiff/truncated_strip.tif")
        #expect(truncated.error?.contains("truncated_strip.tif") == true)
        let limited = Self.report("tiff/vectra_image0.tif", limits: ReadLimits(maxDecodedBytes: 1 << 20))
        #expect(limited.error?.contains("too large") == true)
    }
}
