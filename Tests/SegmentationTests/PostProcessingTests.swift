import Imaging
import Testing

@testable import Segmentation

@Suite struct PostProcessingTests {
    @Test(arguments: [
        (0, [0, 4, 4, 0, 7, 0, 9, 9, 9]), (2, [0, 4, 4, 0, 0, 0, 9, 9, 9]), (3, [0, 0, 0, 0, 0, 0, 9, 9, 9]),
    ])
    func smallObjectsAreRemoved(minimumSize: Int, expected: [UInt32]) throws {
        let labels = try LabelImage(shape: [3, 3], labels: [0, 4, 4, 0, 7, 0, 9, 9, 9])
        #expect(try labels.removingSmallObjects(minimumSize: minimumSize).labels == expected)
        #expect(throws: SegmentationError.self) { try labels.removingSmallObjects(minimumSize: -1) }
    }

    @Test func compactingRelabelsByFirstAppearance() throws {
        let labels = try LabelImage(shape: [2, 3], labels: [0, 70_000, 70_000, 3, 0, 4_000_000_000])
        #expect(labels.compacted().labels == [0, 1, 1, 2, 0, 3])
        #expect(labels.compacted() == labels.relabeledSequentially())
    }

    /// The background pixel between label 2 (left) and label 1 (right) is equally near both: it takes 1.
    /// Labels 1 and 3 touch: neither grows into the other. Diagonal pixels lie sqrt(2) away, beyond radius 1.
    @Test func dilationTiesGoToTheLowerLabelAndNeverMerge() throws {
        let labels = try LabelImage(
            shape: [3, 7],
            labels: [
                0, 0, 0, 0, 0, 0, 0,
                2, 2, 0, 1, 3, 3, 0,
                0, 0, 0, 0, 0, 0, 0,
            ])
        let grown = try labels.dilatingLabels(radius: 1)
        #expect(
            grown.labels == [
                2, 2, 0, 1, 3, 3, 0,
                2, 2, 1, 1, 3, 3, 3,
                2, 2, 0, 1, 3, 3, 0,
            ])
        for i in labels.labels.indices where labels.labels[i] != 0 { #expect(grown.labels[i] == labels.labels[i]) }
    }

    /// Radius 2 on a single pixel grows the Euclidean disk of radius 2 (13 pixels), not a square or diamond.
    @Test func dilationGrowsEuclideanDisks() throws {
        var labels = try LabelImage(zerosWithShape: [7, 7])
        labels.labels[3 * 7 + 3] = 5
        let grown = try labels.dilatingLabels(radius: 2)
        #expect(grown.labels.filter { $0 == 5 }.count == 13)
        #expect(grown.labels[1 * 7 + 1] == 0 && grown.labels[1 * 7 + 3] == 5)
        #expect(throws: SegmentationError.self) { try labels.dilatingLabels(radius: -1) }
    }

    @Test func dilationWorksIn3D() throws {
        var labels = try LabelImage(zerosWithShape: [3, 3, 3])
        labels.labels[13] = 2
        #expect(try labels.dilatingLabels(radius: 1).labels.filter { $0 == 2 }.count == 7)
    }

    /// ImPartial-style: threshold, components, drop specks, grow by one pixel.
    @Test func thresholdInstancesFromForegroundProbability() throws {
        var p = [Float](repeating: 0.1, count: 8 * 10)
        for y in 1...3 { for x in 1...3 { p[y * 10 + x] = 0.9 } }  // 9-pixel cell
        for y in 4...6 { for x in 5...8 { p[y * 10 + x] = 0.8 } }  // 12-pixel cell
        p[7 * 10 + 1] = 0.95  // 1-pixel speck
        let instances = try Instances.fromForegroundProbability(p, shape: [8, 10])
        #expect(instances.instanceCount == 2)
        #expect(instances.labels[7 * 10 + 1] == 0)
        #expect(instances.labels.filter { $0 == 1 }.count == 9 + 12)  // a 3x3 square grows by its 4-neighbours
        #expect(instances.labels.filter { $0 == 2 }.count == 12 + 14)
    }
}
