import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// Page layouts and metadata: tiles, samples per pixel, stacks, OME-XML, ImageJ hyperstacks.
@Suite("TIFF layouts and metadata")
struct TIFFLayoutTests {
    /// Values 0..<n as Double, the ramp the fixture script writes.
    private func ramp(_ n: Int, scale: Double = 1) -> [Double] { (0..<n).map { Double($0) * scale } }
    private func values(_ r: DecodedRaster) -> [Double] { (0..<r.array.count).map { r.array.value(at: $0) } }

    @Test func tiledWithPartialEdgeTiles() throws {
        let r = try TIFFFixture.decode("tiled_uint16_40x35.tif")
        #expect(r.axes == [.y, .x])
        #expect(r.array.shape == [40, 35])
        #expect(values(r) == ramp(1400))
        #expect(r.notes.contains("tiled 16x16"))
    }

    @Test(arguments: ["rgb_planar_5x7.tif", "rgb_contig_5x7.tif"])
    func rgbSamplesBecomeChannels(_ file: String) throws {
        let r = try TIFFFixture.decode(file)
        #expect(r.axes == [.c, .y, .x])
        #expect(r.array.shape == [3, 5, 7])
        #expect(r.array.elementType == .uint8)
        #expect(values(r) == ramp(105))  // sample s at (y, x) = s*35 + y*7 + x
        #expect(r.notes.contains("planar") == file.contains("planar"))
    }

    @Test func contiguousThreeSampleMinIsBlack() throws {
        let r = try TIFFFixture.decode("samples3_contig_uint16_5x7.tif")
        #expect(r.axes == [.c, .y, .x])
        #expect(r.array.shape == [3, 5, 7])
        #expect(values(r) == ramp(105, scale: 100))
    }

    @Test func bigTIFFPlainStackIsZ() throws {
        let r = try TIFFFixture.decode("bigtiff_stack_3x4x5.tif")
        #expect(r.axes == [.z, .y, .x])
        #expect(r.array.shape == [3, 4, 5])
        #expect(values(r) == ramp(60))
        #expect(r.notes.contains("BigTIFF"))
        #expect(r.notes.contains("pages read as Z slices"))
        // 5000 pixels per cm = 2 micron per pixel.
        #expect(r.spacing == Spacing(x: 2, y: 2, unit: "micron"))
    }

    @Test func omeTIFFWithDimensionOrderXYZCT() throws {
        let r = try TIFFFixture.decode("ome_czyx_2x3x4x5.ome.tif")
        #expect(r.axes == [.c, .z, .y, .x])
        #expect(r.array.shape == [2, 3, 4, 5])
        #expect(values(r) == ramp(120))
        #expect(r.spacing == Spacing(x: 0.5, y: 0.5, z: 2, unit: "micron"))
        #expect(r.channelNames == ["DAPI", "GFP"])
        #expect(r.notes.contains("OME-XML"))
        let image = try ImageFormats.readImage(TIFFFixture.url("ome_czyx_2x3x4x5.ome.tif"))
        #expect(image.shape == [2, 3, 4, 5])
        #expect(image.channelNames == ["DAPI", "GFP"])
    }

    @Test func imageJHyperstackTZC() throws {
        let r = try TIFFFixture.decode("imagej_tzcyx_2x3x2x4x5.tif")
        #expect(r.axes == [.t, .z, .c, .y, .x])
        #expect(r.array.shape == [2, 3, 2, 4, 5])
        #expect(values(r) == ramp(240))
        #expect(r.spacing == Spacing(x: 0.25, y: 0.5, z: 2.5, unit: "um"))
        #expect(r.channelNames == ["DNA", "Actin"])
        #expect(r.notes.contains("ImageJ hyperstack"))
        // Time series are not images: conversion refuses them by name.
        #expect(throws: ImageFormatsError.self) { try r.image(source: "x") }
    }

    @Test func pagesOfDifferentSizesAreRejected() throws {
        #expect {
            try TIFFFixture.decode("mixed_pages.tif")
        } throws: { error in
            guard case .unsupported(_, .tiff, let feature) = error as? ImageFormatsError else { return false }
            return feature.contains("page 2")
        }
    }

    @Test func omeDimensionOrderAxes() throws {
        var ome = OMEMetadata()
        ome.dimensionOrder = "XYCZT"
        ome.sizeC = 2
        ome.sizeZ = 3
        let axes = try #require(ome.planeAxes)
        #expect(axes.map(\.axis) == [.t, .z, .c])
        #expect(axes.map(\.extent) == [1, 3, 2])
        ome.dimensionOrder = "XYZZT"
        #expect(ome.planeAxes == nil)
    }

    @Test func omeParsingWithPrefixesAndUnits() throws {
        let xml = """
            <?xml version="1.0"?><ome:OME xmlns:ome="http://www.openmicroscopy.org/Schemas/OME/2016-06">
            <ome:Image ID="Image:0"><ome:Pixels DimensionOrder="XYZTC" SizeX="8" SizeY="6" SizeC="1" SizeZ="4" SizeT="2"
             PhysicalSizeX="250" PhysicalSizeXUnit="nm" PhysicalSizeY="0.25" PhysicalSizeZ="1" PhysicalSizeZUnit="mm">
            <ome:Channel Name="only"/><ome:TiffData IFD="2" PlaneCount="8"/></ome:Pixels></ome:Image>
            <ome:Image ID="Image:1"><ome:Pixels DimensionOrder="XYCZT" SizeX="1" SizeY="1"/></ome:Image></ome:OME>
            """
        let ome = try #require(OMEMetadata.parse(xml))
        #expect(ome.sizeX == 8 && ome.sizeY == 6 && ome.sizeZ == 4 && ome.sizeT == 2)
        #expect(ome.dimensionOrder == "XYZTC")
        #expect(ome.firstIFD == 2)
        #expect(ome.imageCount == 2)
        #expect(ome.channelNames == ["only"])
        #expect(ome.spacing == Spacing(x: 0.25, y: 0.25, z: 1000, unit: "micron"))
        #expect(OMEMetadata.parse("{\"shape\": [5, 7]}") == nil)
        #expect(OMEMetadata.parse("<OME><broken") == nil)
    }

    @Test func imageJDescriptionKeys() throws {
        let ij = try #require(
            ImageJDescription(
                "ImageJ=1.52p\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nunit=\\u00B5m\nspacing=0.5\n"))
        #expect(ij.images == 6 && ij.channels == 2 && ij.slices == 3 && ij.frames == nil)
        #expect(ij.hyperstack)
        #expect(ij.unit == "µm")
        #expect(ij.spacing == 0.5)
        #expect(ImageJDescription("{\"shape\": [2]}") == nil)
        #expect(ImageJDescription.escape("µm") == "\\u00B5m")
        #expect(ImageJDescription.unescape(ImageJDescription.escape("µm")) == "µm")
    }

    @Test(arguments: [true, false])
    func imageJLabelBlockRoundTrip(bigEndian: Bool) throws {
        let block = ImageJMetadataBlock.encode(labels: ["DAPI", "Ch-2 ✓"], bigEndian: bigEndian)
        #expect(Array(block.bytes.prefix(4)) == Array((bigEndian ? "IJIJ" : "JIJI").utf8))
        #expect(ImageJMetadataBlock.labels(counts: block.counts, bytes: block.bytes) == ["DAPI", "Ch-2 ✓"])
        // Damaged blocks are ignored, never trusted.
        #expect(ImageJMetadataBlock.labels(counts: block.counts, bytes: Array(block.bytes.prefix(20))) == nil)
        #expect(ImageJMetadataBlock.labels(counts: [4, 1_000_000], bytes: Array("IJIJ".utf8)) == nil)
        #expect(
            ImageJMetadataBlock.labels(counts: [12, 4], bytes: Array("IJIJlabl".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]) == nil
        )
    }

    @Test func resolutionRounding() {
        #expect(TIFFResolution.pixelSize(Float(1 / 0.3)) == 0.3)
        #expect(TIFFResolution.pixelSize(2.005063) == 0.4987374)
        #expect(TIFFResolution.pixelSize(0) == nil)
        #expect(TIFFResolution.pixelSize(.nan) == nil)
        #expect(TIFFResolution.pixelSize(72, scale: 25_400) == 352.7778)
    }
}
