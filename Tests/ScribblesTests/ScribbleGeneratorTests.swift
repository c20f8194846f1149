import ImageFormats
import Imaging
import TestSupport
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
        for i in map.values.indices where map.values[i] == ScribbleMap.background {
            #expect(Self.labels.labels[i] == 0)
        }
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

    @Test func rejectsBadBudgets() throws {
        #expect(throws: ScribblesError.self) {
            try ScribbleGenerator(budget: .fraction(1.5)).scribbles(for: Self.labels)
        }
        #expect(throws: ScribblesError.self) { try ScribbleGenerator(budget: .count(-1)).scribbles(for: Self.labels) }
    }

    /// Four cylinders through slices 1-6 of an 8 x 48 x 48 stack, two of them touching.
    static func cylinders() throws -> LabelImage {
        let (depth, side) = (8, 48)
        let centres: [(y: Int, x: Int)] = [(12, 12), (12, 34), (34, 12), (34, 25)]
        var labels = [UInt32](repeating: 0, count: depth * side * side)
        for z in 1...6 {
            for y in 0..<side {
                for x in 0..<side {
                    for (k, c) in centres.enumerated() where (y - c.y) * (y - c.y) + (x - c.x) * (x - c.x) <= 36 {
                        labels[(z * side + y) * side + x] = UInt32(k + 1)
                    }
                }
            }
        }
        return try LabelImage(shape: [depth, side, side], labels: labels)
    }

    @Test("a stack is scribbled slice by slice: the budget counts 3D cells, strokes lie in the drawn slices")
    func volumesAreScribbledInSlices() throws {
        let stack = try Self.cylinders()
        let plane = 48 * 48
        let generator = ScribbleGenerator(budget: .count(2), seed: 7)
        let map = try generator.scribbles(for: stack)
        #expect(map.shape == [8, 48, 48])
        #expect(map == (try generator.scribbles(for: stack)))
        let foreground = map.values.indices.filter { map.values[$0] == 1 }
        #expect(Set(foreground.map { stack.labels[$0] }).count == 2)
        #expect(!foreground.contains { stack.labels[$0] == 0 })
        for i in map.values.indices where map.values[i] == ScribbleMap.background { #expect(stack.labels[i] == 0) }
        // Only the slices a box was drawn in carry strokes, and each of those carries foreground.
        let selections = generator.chooseCells(stack)
        let drawn = Set(selections.map(\.slice))
        let scribbledSlices = Set(map.values.indices.filter { map.values[$0] != 0 }.map { $0 / plane })
        #expect(scribbledSlices == drawn)
        #expect(drawn.isSubset(of: Set(1...6)))
        for z in drawn { #expect(foreground.contains { $0 / plane == z }) }
        // All four cells when the budget covers them.
        let all = try ScribbleGenerator(budget: .fraction(1), seed: 7).scribbles(for: stack)
        #expect(Set(all.values.indices.filter { all.values[$0] == 1 }.map { stack.labels[$0] }) == [1, 2, 3, 4])
    }
}
