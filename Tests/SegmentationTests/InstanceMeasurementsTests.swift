import Imaging
import Testing

@testable import Segmentation

@Suite struct InstanceMeasurementsTests {
    /// Two rectangles on a 2-channel image with known means and centroids.
    @Test func areaCentroidAndMeansOfKnownRectangles() throws {
        let (height, width) = (4, 6)
        var labels = [UInt32](repeating: 0, count: height * width)
        var pixels = [Float](repeating: 0, count: 2 * height * width)
        for y in 0..<2 { for x in 0..<3 { labels[y * width + x] = 5 } }  // 2x3 at the top left
        for y in 1..<4 { for x in 4..<6 { labels[y * width + x] = 9 } }  // 3x2 at the right
        for i in 0..<(height * width) {
            pixels[i] = Float(i)  // channel 0: the pixel index
            pixels[height * width + i] = 2  // channel 1: constant
        }
        let image = try Image(shape: [2, height, width], pixels: pixels)
        let rows = try InstanceMeasurement.measure(try LabelImage(shape: [height, width], labels: labels), in: image)
        #expect(rows.map(\.label) == [5, 9])
        #expect(rows[0].area == 6 && rows[0].centroid == [0.5, 1.0])
        // Indices 0,1,2,6,7,8: mean 4.
        #expect(rows[0].meanIntensity == [4, 2])
        #expect(rows[1].area == 6 && rows[1].centroid == [2.0, 4.5])
        // Indices 10,11,16,17,22,23: mean 16.5.
        #expect(rows[1].meanIntensity == [16.5, 2])
        let csv = InstanceMeasurement.csv(rows, channelNames: ["DAPI", "CD8 membrane"], dimensions: 2)
        #expect(
            csv.hasPrefix("label,area,centroid_y,centroid_x,mean_DAPI,mean_CD8_membrane\n5,6,0.50,1.00,4.0000,2.0000\n")
        )
    }

    @Test func mismatchedShapesAreRefused() throws {
        let image = try Image(shape: [1, 2, 2], pixels: [0, 0, 0, 0])
        #expect(throws: SegmentationError.self) {
            try InstanceMeasurement.measure(
                try LabelImage(shape: [2, 3], labels: [UInt32](repeating: 1, count: 6)), in: image)
        }
    }
}
