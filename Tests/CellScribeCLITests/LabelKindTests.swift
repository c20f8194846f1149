import Foundation
import ImageFormats
import Imaging
import Testing

@testable import CellScribeCLI

/// Telling label images, binary masks and intensity images apart from content alone.
@Suite("label kind")
struct LabelKindTests {
    static func raster(_ values: [UInt16], height: Int, width: Int) -> DecodedRaster {
        DecodedRaster(array: NDArray(shape: [height, width], integers: values, as: .uint16), axes: [.y, .x])
    }

    @Test("small touching instances are a label image")
    func touchingInstances() throws {
        // 12 x 12 tiled with 3 x 3 squares numbered 1...16: every instance touches others.
        var values: [UInt16] = []
        for y in 0..<12 {
            for x in 0..<12 {
                let square: Int = (y / 3) * 4 + x / 3
                values.append(UInt16(square + 1))
            }
        }
        let kind = LabelKind.classify(Self.raster(values, height: 12, width: 12), source: "t")
        #expect(kind.name == "label image")
        #expect(kind.labels?.instanceCount == 16)
    }

    @Test("a dim intensity image with few grey levels is an image")
    func dimIntensities() {
        var rng = SplitMix(seed: 3)
        var values: [UInt16] = []
        for i in 0..<(64 * 64) {
            let level: Int = (i % 64) / 16
            let noise: UInt64 = rng.next() % 3
            values.append(UInt16(level) + UInt16(noise))
        }
        #expect(LabelKind.classify(Self.raster(values, height: 64, width: 64), source: "d").name == "image")
    }

    @Test("0/255 is a binary mask whose instances are its components")
    func binaryMask() {
        var values = [UInt16](repeating: 0, count: 100)
        for i in [11, 12, 21, 22, 77, 78] { values[i] = 255 }
        let kind = LabelKind.classify(Self.raster(values, height: 10, width: 10), source: "m")
        #expect(kind.name == "binary mask")
        #expect(kind.labels?.connectedComponentCount == 2)
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension LabelImage {
    fileprivate var connectedComponentCount: Int? { try? connectedComponents().instanceCount }
}
