import Imaging
import Testing

@testable import Segmentation

@Suite struct RegionMergingTests {
    /// A cell cut in two (labels 1 | 2) by a weak predicted edge, and two true cells (3 | 4) with a strong edge.
    static func cells() throws -> (labels: LabelImage, edge: [Float]) {
        let w = 10
        var labels = [UInt32](repeating: 0, count: 6 * w)
        var edge = [Float](repeating: 0, count: 6 * w)
        for y in 1...4 {
            for (x, label) in [(1, 1), (2, 1), (3, 2), (4, 2), (6, 3), (7, 3), (8, 4), (9, 4)] {
                labels[y * w + x] = UInt32(label)
            }
            for x in [2, 3] { edge[y * w + x] = 0.1 }
            for x in [7, 8] { edge[y * w + x] = 0.9 }
        }
        return (try LabelImage(shape: [6, w], labels: labels), edge)
    }

    @Test func graphHoldsTouchingPairsAndBoundaryMeans() throws {
        let (labels, edge) = try Self.cells()
        let graph = try RegionAdjacencyGraph(labels: labels, edgeProbability: edge)
        #expect(graph.regions == [1, 2, 3, 4])
        #expect(graph.edges.map { [$0.regionA, $0.regionB] } == [[1, 2], [3, 4]])
        let weak = try #require(graph.edge(between: 2, and: 1))
        #expect(weak.boundaryPixelCount == 8)  // 4 pixels on each side
        #expect(abs(weak.meanProbability - 0.1) < 1e-6)
        #expect(abs((graph.edge(between: 3, and: 4)?.meanProbability ?? 0) - 0.9) < 1e-6)
        #expect(graph.edge(between: 2, and: 3) == nil)
    }

    @Test func weakBoundaryMergesAndStrongBoundaryStays() throws {
        let (labels, edge) = try Self.cells()
        let merged = try labels.mergingWeakBoundaries(edgeProbability: edge, threshold: 0.5)
        var expected = [UInt32](repeating: 0, count: 60)
        for y in 1...4 {
            for (x, label) in [(1, 1), (2, 1), (3, 1), (4, 1), (6, 2), (7, 2), (8, 3), (9, 3)] {
                expected[y * 10 + x] = UInt32(label)
            }
        }
        #expect(merged.labels == expected)
        #expect(try labels.mergingWeakBoundaries(edgeProbability: edge, threshold: 0.05).labels == labels.labels)
    }

    /// 1 1 3 / 2 2 3 with edge probability 0.6 at (0,1) and (0,2), 0 elsewhere: boundaries 1-2 mean 0.15,
    /// 1-3 mean 0.6, 2-3 mean 0. After 2 and 3 merge, the union's boundary with 1 pools both: 1.8 / 6 = 0.3.
    @Test(arguments: [(Float(0.25), [UInt32(1), 1, 2, 2, 2, 2]), (Float(0.35), [1, 1, 1, 1, 1, 1])])
    func mergedRegionsPoolTheirBoundaryStatistics(threshold: Float, expected: [UInt32]) throws {
        let labels = try LabelImage(shape: [2, 3], labels: [1, 1, 3, 2, 2, 3])
        let edge: [Float] = [0, 0.6, 0.6, 0, 0, 0]
        let graph = try RegionAdjacencyGraph(labels: labels, edgeProbability: edge)
        #expect(graph.edges.map(\.boundaryPixelCount) == [4, 2, 2])
        let merged = try labels.mergingWeakBoundaries(edgeProbability: edge, threshold: threshold)
        #expect(merged.labels == expected)
    }

    @Test func mapMustFitTheLabels() throws {
        let labels = try LabelImage(shape: [2, 2], labels: [1, 2, 0, 0])
        #expect(throws: SegmentationError.self) { try RegionAdjacencyGraph(labels: labels, edgeProbability: [0, 0]) }
    }
}
