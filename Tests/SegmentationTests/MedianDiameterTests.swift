import Foundation
import Imaging
import Testing

@testable import Segmentation

/// `LabelImage.medianObjectDiameter`: the equivalent diameter of the area-weighted median instance.
@Suite struct MedianDiameterTests {
    @Test("squares of 4, 9 and 9 pixels have the diameter of a 9-pixel disk; specks do not outvote a cell")
    func medianOfSquares() throws {
        var labels = [UInt32](repeating: 0, count: 20 * 20)
        func square(_ label: UInt32, y: Int, x: Int, side: Int) {
            for dy in 0..<side { for dx in 0..<side { labels[(y + dy) * 20 + x + dx] = label } }
        }
        square(7, y: 0, x: 0, side: 2)
        square(3, y: 0, x: 5, side: 3)
        square(9, y: 8, x: 8, side: 3)
        let image = try LabelImage(shape: [20, 20], labels: labels)
        let diameter = try #require(image.medianObjectDiameter())
        #expect(abs(diameter - 2 * (9 / Double.pi).squareRoot()) < 1e-9)

        // Three one-pixel specks and a 100-pixel cell: the cell holds most of the foreground.
        var specks = [UInt32](repeating: 0, count: 20 * 20)
        for (k, pixel) in [0, 2, 4].enumerated() { specks[pixel] = UInt32(k + 1) }
        for dy in 0..<10 { for dx in 0..<10 { specks[(8 + dy) * 20 + 8 + dx] = 9 } }
        let cell = try LabelImage(shape: [20, 20], labels: specks).medianObjectDiameter()
        #expect(abs(try #require(cell) - 2 * (100 / Double.pi).squareRoot()) < 1e-9)
    }

    @Test("a disk of radius 10 measures about 20 pixels across; no instances, no diameter")
    func diskDiameter() throws {
        let labels = (0..<(41 * 41)).map { index -> UInt32 in
            let (y, x) = (index / 41 - 20, index % 41 - 20)
            return y * y + x * x <= 100 ? 1 : 0
        }
        let disk = try LabelImage(shape: [41, 41], labels: labels)
        #expect(abs(try #require(disk.medianObjectDiameter()) - 20) < 0.5)
        #expect(try LabelImage(zerosWithShape: [4, 4]).medianObjectDiameter() == nil)
    }

    @Test("volumes measure the diameter of the sphere of the median volume")
    func sphereDiameter() throws {
        let cube = try LabelImage(shape: [4, 4, 4], labels: [UInt32](repeating: 5, count: 64))
        #expect(abs(try #require(cube.medianObjectDiameter()) - cbrt(6 * 64 / Double.pi)) < 1e-9)
    }
}
