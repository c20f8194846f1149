import ImageFormats
import Imaging
import Testing

@testable import Scribbles

@Suite struct ScribbleGeneratorTests {
    /// DSB2018 crop c53326fe: 101 nuclei (see Tests/Fixtures/dsb/PROVENANCE.md).
    static let labels = try! ImageFormats.readLabels(Fixtures.url("dsb/train/labels/c53326fe.tif"))

    /// The instances that received foreground strokes.
    static func scribbledCells(_ map: ScribbleMap) -> Set<UInt32> {
        Set(map.values.indices.filter { map.values[$0] == 1 }.map { labels.labels[$0] })
    }

    @Test func budgetIsAFractionOfTheInstancesRoundedUp() {
        #expect(ScribbleBudget.fraction(0.2).instances(of: 101) == 21)
        #expect(ScribbleBudget.fraction(0.001).instances(of: 101) == 1)
        #expect(ScribbleBudget.fraction(0).instances(of: 101) == 0)
        #expect(ScribbleBudget.count(500).instances(of: 101) == 101)
        #expect(ScribbleBudget.fraction(0.5).instances(of: 0) == 0)
    }

    @Test func scribblesExactlyTheBudgetOfCellsWithStrokesInsideAndBackgroundOutside() throws {
        let map = try ScribbleGenerator(budget: .fraction(0.2), seed: 43).scribbles(for: Self.labels)
        let cellCount = Set(Self.labels.labels.filter { $0 != 0 }).count
        #expect(cellCount == 101)
        let cells = Self.scribbledCells(map)
        #expect(!cells.contains(0))
        #expect(cells.count == 21)
        for i in map.values.indices where map.values[i] == ScribbleMap.background { #expect(Self.labels.labels[i] == 0) }
        #expect(map.count(of: ScribbleMap.background) > map.count(of: 1) / 4)
        // Sparse: most pixels stay unlabelled.
        #expect(map.scribbledCount < map.values.count / 5)
    }

    @Test func sameSeedSameScribblesOtherSeedOthers() throws {
        let first = try ScribbleGenerator(budget: .fraction(0.2), seed: 43).scribbles(for: Self.labels)
        let again = try ScribbleGenerator(budget: .fraction(0.2), seed: 43).scribbles(for: Self.labels)
        let other = try ScribbleGenerator(budget: .fraction(0.2), seed: 44).scribbles(for: Self.labels)
        #expect(first == again)
        #expect(Self.scribbledCells(first) != Self.scribbledCells(other))
    }

    @Test func everyChosenCellGetsAStrokeEvenATinyOne() throws {
        var labels = [UInt32](repeating: 0, count: 12 * 12)
        labels[5 * 12 + 5] = 1
        labels[5 * 12 + 6] = 1
        labels[6 * 12 + 5] = 1
        labels[6 * 12 + 6] = 1
        let image = try LabelImage(shape: [12, 12], labels: labels)
        let map = try ScribbleGenerator(budget: .fraction(1), seed: 1).scribbles(for: image)
        #expect(map.count(of: 1) >= 1)
        #expect(map.count(of: ScribbleMap.background) > 0)
    }

    @Test func rejectsBadBudgetsAndVolumes() throws {
        #expect(throws: ScribblesError.self) { try ScribbleGenerator(budget: .fraction(1.5)).scribbles(for: Self.labels) }
        #expect(throws: ScribblesError.self) { try ScribbleGenerator(budget: .count(-1)).scribbles(for: Self.labels) }
        let volume = try LabelImage(zerosWithShape: [2, 4, 4])
        #expect(throws: ScribblesError.self) { try ScribbleGenerator(budget: .fraction(0.2)).scribbles(for: volume) }
    }
}
