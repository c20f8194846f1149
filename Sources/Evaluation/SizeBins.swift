/// Object size classes by area in pixels (2D) or voxels (3D), fixed edges rather than quantiles so that
/// numbers are comparable between datasets and methods.
///
/// With edges `[e1, e2, ..., en]` bin 0 holds areas `< e1`, bin i holds `e(i) ..< e(i+1)` and the last bin
/// holds areas `>= en`. The default edges `[100, 400, 1600]` are squares of 10, 20 and 40 pixels: small
/// debris and nuclei at low magnification, nuclei, cells, large cells.
public struct SizeBins: Sendable, Equatable {
    /// Strictly ascending positive edges.
    public let edges: [Int]

    /// The default edges: `<100`, `100-399`, `400-1599`, `>=1600`.
    public static let standard = SizeBins(validEdges: [100, 400, 1600])

    /// Bins from ascending edges. Throws `EvaluationError.invalidArgument` unless they are positive and
    /// strictly ascending (an empty list gives one bin holding every object).
    public init(edges: [Int]) throws {
        guard edges.allSatisfy({ $0 > 0 }), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw EvaluationError.invalidArgument(
                name: "size bin edges", value: "\(edges)",
                reason: "edges are areas in pixels, positive and strictly ascending")
        }
        self.edges = edges
    }

    private init(validEdges: [Int]) { edges = validEdges }

    /// Number of bins: one more than the edges.
    public var count: Int { edges.count + 1 }

    /// The bin of an object of `area` pixels.
    public func bin(ofArea area: Int) -> Int { edges.firstIndex { area < $0 } ?? edges.count }

    /// Smallest area in `bin` (0 for the first).
    public func lowerArea(ofBin bin: Int) -> Int { bin == 0 ? 0 : edges[bin - 1] }

    /// The first area past `bin`, or nil for the last (unbounded) bin.
    public func upperArea(ofBin bin: Int) -> Int? { bin < edges.count ? edges[bin] : nil }

    /// A label such as `<100`, `100-399` or `>=1600` (inclusive integer ranges).
    public func label(ofBin bin: Int) -> String {
        if edges.isEmpty { return "all" }
        if bin == 0 { return "<\(edges[0])" }
        guard let upper = upperArea(ofBin: bin) else { return ">=\(edges[edges.count - 1])" }
        return "\(lowerArea(ofBin: bin))-\(upper - 1)"
    }
}

/// Matching counts for the objects of one size bin at one IoU threshold.
///
/// What is counted: every true object whose area falls in the bin (`trueObjects`), split into those matched
/// to a prediction (`truePositives`, whatever the prediction's own area) and those left unmatched
/// (`falseNegatives`); and every unmatched prediction whose own area falls in the bin (`falsePositives`).
/// Recall is therefore exact per bin; precision and F1 mix the two assignments and read as "how clean are
/// predictions of this size".
public struct SizeBinCounts: Sendable, Equatable {
    /// Index into `SizeBins`.
    public var bin: Int
    /// True objects in the bin.
    public var trueObjects: Int
    /// True objects in the bin that were matched.
    public var truePositives: Int
    /// True objects in the bin left unmatched.
    public var falseNegatives: Int
    /// Unmatched predictions whose own area is in the bin.
    public var falsePositives: Int
    /// Sum of the IoUs of the bin's matched pairs.
    public var sumOfMatchedIoU: Double

    /// An empty bin.
    public init(bin: Int) {
        self.bin = bin
        (trueObjects, truePositives, falseNegatives, falsePositives, sumOfMatchedIoU) = (0, 0, 0, 0, 0)
    }

    /// TP / (TP + FN): the fraction of the bin's true objects found.
    public var recall: Double { MetricFormulas.recall(tp: truePositives, fn: falseNegatives) }
    /// TP / (TP + FP).
    public var precision: Double { MetricFormulas.precision(tp: truePositives, fp: falsePositives) }
    /// 2TP / (2TP + FP + FN).
    public var f1: Double { MetricFormulas.f1(tp: truePositives, fp: falsePositives, fn: falseNegatives) }
    /// Sum of matched IoUs / TP.
    public var meanMatchedIoU: Double {
        MetricFormulas.meanMatchedIoU(sumOfMatchedIoU: sumOfMatchedIoU, tp: truePositives)
    }

    /// Pooled counts of the same bin.
    public static func + (a: SizeBinCounts, b: SizeBinCounts) -> SizeBinCounts {
        precondition(a.bin == b.bin, "pooling size bins \(a.bin) and \(b.bin)")
        var sum = a
        sum.trueObjects += b.trueObjects
        sum.truePositives += b.truePositives
        sum.falseNegatives += b.falseNegatives
        sum.falsePositives += b.falsePositives
        sum.sumOfMatchedIoU += b.sumOfMatchedIoU
        return sum
    }
}

extension SizeBins {
    /// Per-bin counts of `matching` at `threshold` (see `SizeBinCounts` for what is counted).
    public func counts(of matching: InstanceMatching, threshold: Double) -> [SizeBinCounts] {
        var bins = (0..<count).map(SizeBinCounts.init(bin:))
        let matched = matching.matches(threshold: threshold)
        let iouOfTrue = Dictionary(uniqueKeysWithValues: matched.map { ($0.truth, $0.iou) })
        let matchedPredicted = Set(matched.map(\.predicted))
        // Sorted so that IoU sums add in the same order on every run.
        for (truth, area) in matching.overlaps.trueAreas.sorted(by: { $0.key < $1.key }) {
            let b = bin(ofArea: area)
            bins[b].trueObjects += 1
            if let iou = iouOfTrue[truth] {
                bins[b].truePositives += 1
                bins[b].sumOfMatchedIoU += iou
            } else {
                bins[b].falseNegatives += 1
            }
        }
        for (predicted, area) in matching.overlaps.predictedAreas where !matchedPredicted.contains(predicted) {
            bins[bin(ofArea: area)].falsePositives += 1
        }
        return bins
    }
}
