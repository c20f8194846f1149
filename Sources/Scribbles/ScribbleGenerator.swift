import Basics
import Imaging
import Segmentation

/// How many cells a generated scribble set covers.
public enum ScribbleBudget: Sendable, Equatable {
    /// This fraction of the image's instances (rounded up: at least one when the fraction is positive).
    case fraction(Double)
    /// This many instances (all of them when there are fewer).
    case count(Int)

    /// The number of instances to scribble out of `total`.
    public func instances(of total: Int) -> Int {
        switch self {
        case .fraction(let fraction):
            fraction > 0 ? min(total, max(1, Int((fraction * Double(total)).rounded(.up)))) : 0
        case .count(let count): min(total, count)
        }
    }
}

/// Scribbles drawn from a ground-truth instance image, to benchmark learning from scribbles without a person
/// (the ImPartial protocol).
///
/// Sources: touching cells are first separated by eroding one pixel where they meet. Foreground strokes are
/// the skeleton of the cells plus a one-pixel ring `ringDepth` pixels inside each cell's outline; background
/// strokes are the skeleton of the `bandWidth`-pixel band around the cells (each stroke pixel belongs to its
/// nearest cell) plus the skeleton, thickened to 3 pixels, of the background beyond the band.
/// Selection: a random cell pixel is drawn, and every cell meeting the `boxSize` box around it is scribbled
/// (its foreground strokes and the band strokes it owns), together with the far-background strokes in the box,
/// until the budget is spent. The result depends only on the labels, the budget and `seed`.
/// Volumes are scribbled as a person does in a slice viewer: the box lies in the slice of the drawn voxel, and
/// the cells it chooses (counted as 3D instances against the budget) are scribbled in that slice only.
public struct ScribbleGenerator: Sendable {
    public var budget: ScribbleBudget
    public var seed: UInt64
    /// Side of the selection box, pixels.
    public var boxSize = 32
    /// Width of the background band around cells, pixels.
    public var bandWidth = 4
    /// Depth of the inner foreground ring below each cell's outline, pixels.
    public var ringDepth: Float = 3

    public init(budget: ScribbleBudget, seed: UInt64 = 43) {
        self.budget = budget
        self.seed = seed
    }

    /// Scribbles for a 2D or 3D instance image: 1 on the chosen cells' strokes, 255 on background strokes, 0
    /// elsewhere.
    ///
    /// - Throws: `ScribblesError.invalidBudget` for a budget out of range.
    public func scribbles(for labels: LabelImage) throws -> ScribbleMap {
        try validateBudget()
        let selections = chooseCells(labels)
        let plane = labels.height * labels.width
        var values = [UInt8](repeating: ScribbleMap.unlabelled, count: labels.labels.count)
        for z in Set(selections.map(\.slice)).sorted() {
            let onSlice = selections.filter { $0.slice == z }
            let slice =
                labels.isVolume
                ? try LabelImage(
                    shape: [labels.height, labels.width], labels: Array(labels.labels[(z * plane)..<((z + 1) * plane)]))
                : labels
            let strokes = try sliceStrokes(
                slice, cells: onSlice.reduce(into: Set<UInt32>()) { $0.formUnion($1.cells) }, boxes: onSlice.map(\.box))
            values.replaceSubrange((z * plane)..<((z + 1) * plane), with: strokes)
        }
        return try ScribbleMap(shape: labels.shape, values: values)
    }

    /// The strokes of one 2D image (or slice) for the chosen `cells`, with far background inside `boxes`.
    private func sliceStrokes(_ labels: LabelImage, cells chosen: Set<UInt32>, boxes: [Box]) throws -> [UInt8] {
        let (height, width) = (labels.height, labels.width)
        let cells = Self.separatingTouchingCells(labels)
        let cellMask = cells.labels.map { $0 != 0 }
        let foregroundStrokes = try Self.foregroundStrokes(cells, mask: cellMask, ringDepth: ringDepth)

        let anyCell = labels.labels.map { $0 != 0 }
        let distanceToCells = try DistanceTransform.euclidean(foreground: anyCell.map { !$0 }, shape: labels.shape)
        let band = distanceToCells.map { $0 > 0 && $0 <= Float(bandWidth) }
        let bandStrokes = Skeleton.thinned(band, height: height, width: width)
        let owners = try labels.dilatingLabels(radius: bandWidth).labels
        let far = distanceToCells.map { $0 > Float(bandWidth) }
        let farStrokes = Self.thickened(Skeleton.thinned(far, height: height, width: width), within: far, width: width)

        var values = [UInt8](repeating: ScribbleMap.unlabelled, count: labels.labels.count)
        for i in values.indices {
            if foregroundStrokes[i], chosen.contains(cells.labels[i]) {
                values[i] = 1
            } else if bandStrokes[i], chosen.contains(owners[i]) {
                values[i] = ScribbleMap.background
            } else if farStrokes[i], boxes.contains(where: { $0.contains(i, width: width) }) {
                values[i] = ScribbleMap.background
            }
        }
        return values
    }

    /// - Throws: `ScribblesError.invalidBudget` for a fraction outside [0, 1] or a negative count.
    public func validateBudget() throws {
        switch budget {
        case .fraction(let f) where !(f >= 0 && f <= 1):
            throw ScribblesError.invalidBudget(budget, allowed: "a fraction from 0 to 1")
        case .count(let n) where n < 0:
            throw ScribblesError.invalidBudget(budget, allowed: "zero cells or more")
        default: break
        }
    }

    /// A selection box, half-open pixel ranges within a slice.
    struct Box {
        var rows: Range<Int>
        var columns: Range<Int>
        func contains(_ i: Int, width: Int) -> Bool { rows.contains(i / width) && columns.contains(i % width) }
    }

    /// One draw that chose cells: its box, the slice it lies in (0 in 2D) and the cells it added.
    struct Selection {
        var box: Box
        var slice: Int
        var cells: Set<UInt32>
    }

    /// The draws that chose cells, until the budget of instances is reached.
    func chooseCells(_ labels: LabelImage) -> [Selection] {
        let cellPixels = labels.labels.indices.filter { labels.labels[$0] != 0 }
        let total = Set(cellPixels.map { labels.labels[$0] }).count
        let wanted = budget.instances(of: total)
        var generator = RandomGenerator(seed: seed)
        var chosen = Set<UInt32>()
        var selections: [Selection] = []
        let (height, width) = (labels.height, labels.width)
        let plane = height * width
        let half = boxSize / 2
        while chosen.count < wanted {
            let centre = cellPixels[Int(generator.next() % UInt64(cellPixels.count))]
            let (z, y, x) = (centre / plane, (centre % plane) / width, centre % width)
            let box = Box(
                rows: max(0, y - half)..<min(height, y - half + boxSize),
                columns: max(0, x - half)..<min(width, x - half + boxSize))
            var added = Set<UInt32>()
            for row in box.rows {
                for column in box.columns {
                    let label = labels.labels[z * plane + row * width + column]
                    guard label != 0, chosen.count < wanted, !chosen.contains(label) else { continue }
                    chosen.insert(label)
                    added.insert(label)
                }
            }
            if !added.isEmpty { selections.append(Selection(box: box, slice: z, cells: added)) }
        }
        return selections
    }

    /// Instances with every pixel that has a 4-neighbour of another instance cleared.
    static func separatingTouchingCells(_ labels: LabelImage) -> LabelImage {
        let (height, width) = (labels.height, labels.width)
        var out = labels
        for y in 0..<height {
            for x in 0..<width {
                let label = labels.labels[y * width + x]
                guard label != 0 else { continue }
                for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let (yy, xx) = (y + dy, x + dx)
                    guard yy >= 0, yy < height, xx >= 0, xx < width else { continue }
                    let other = labels.labels[yy * width + xx]
                    if other != 0, other != label { out.labels[y * width + x] = 0 }
                }
            }
        }
        return out
    }

    /// The cells' skeleton plus the ring `ringDepth` inside each outline; a cell too small for either keeps
    /// its deepest pixel, so every cell has a stroke.
    static func foregroundStrokes(_ cells: LabelImage, mask: [Bool], ringDepth: Float) throws -> [Bool] {
        let (height, width) = (cells.height, cells.width)
        var strokes = Skeleton.thinned(mask, height: height, width: width)
        let depth = try DistanceTransform.euclidean(foreground: mask, shape: cells.shape)
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                guard depth[i] > ringDepth else { continue }
                let outer = [(-1, 0), (1, 0), (0, -1), (0, 1)].contains { dy, dx in
                    let (yy, xx) = (y + dy, x + dx)
                    return yy >= 0 && yy < height && xx >= 0 && xx < width && depth[yy * width + xx] <= ringDepth
                }
                if outer { strokes[i] = true }
            }
        }
        var deepest: [UInt32: Int] = [:]
        var stroked = Set<UInt32>()
        for i in cells.labels.indices where cells.labels[i] != 0 {
            let label = cells.labels[i]
            if strokes[i] { stroked.insert(label) }
            if let best = deepest[label], depth[best] >= depth[i] { continue }
            deepest[label] = i
        }
        for (label, i) in deepest where !stroked.contains(label) { strokes[i] = true }
        return strokes
    }

    /// `strokes` grown by one pixel (3x3) without leaving `region`.
    static func thickened(_ strokes: [Bool], within region: [Bool], width: Int) -> [Bool] {
        let height = strokes.count / max(width, 1)
        var out = strokes
        for i in strokes.indices where strokes[i] {
            let (y, x) = (i / width, i % width)
            for yy in max(0, y - 1)...min(height - 1, y + 1) {
                for xx in max(0, x - 1)...min(width - 1, x + 1) where region[yy * width + xx] {
                    out[yy * width + xx] = true
                }
            }
        }
        return out
    }
}
