import Imaging
import Segmentation

/// Turns a network's probabilities into a label image, by task:
/// - instances: seeds are the connected regions where P(interior) > `seedThreshold` (at least `minimumSize`
///   pixels; split at distance peaks `seedSplitHeight` high when that is above 0); they grow by watershed on P(boundary) through the foreground, 1 − P(background) >
///   `foregroundThreshold`; foreground regions no seed reached become instances of their own
///   (`Instances.fromProbabilities`).
/// - binary: P(foreground) > `foregroundThreshold`, split where its distance transform has separate h-maxima
///   (h = `splitHeight` pixels) by watershed on the negated distance (`Instances.splittingMask`).
/// - edges: the regions where 1 − P(edge) > `seedThreshold` seed a watershed on P(edge) over the whole image;
///   neighbouring regions whose shared boundary has a mean P(edge) below `mergeThreshold` are merged (region
///   adjacency graph); the largest region touching the image border is taken as background.
/// - classes: the most probable class at each pixel (a class map, not instances).
/// - scribbles: 1 − P(background) > `foregroundThreshold`; touching cells split where the mask's distance
///   transform has separate h-maxima (h = `splitHeight`; 0 keeps ImPartial's plain connected components), then
///   labels grow by one pixel without merging (ImPartial's dilation).
/// Objects smaller than `minimumSize` are removed and labels renumbered 1...n.
public struct InstanceDecoder: Sendable {
    public var task: SegmentationTask
    public var options: InstanceOptions

    public init(task: SegmentationTask, options: InstanceOptions) {
        self.task = task
        self.options = options
    }

    /// - Parameters:
    ///   - probabilities: `(K, [Z,] Y, X)` row-major, as `TiledPredictor.probabilities` returns them.
    ///   - shape: the spatial shape `(Y, X)` or `(Z, Y, X)`.
    public func labels(from probabilities: [Float], shape: [Int]) throws -> LabelImage {
        let pixels = shape.reduce(1, *)
        func channel(_ k: Int) -> [Float] { Array(probabilities[(k * pixels)..<((k + 1) * pixels)]) }
        switch task {
        case .instances:
            let maps = try InstanceProbabilities(
                shape: shape, foreground: channel(0).map { 1 - $0 }, interior: channel(1), boundary: channel(2))
            let watershed = SeededWatershedOptions(
                interiorThreshold: options.seedThreshold, minimumSeedSize: options.minimumSize,
                foregroundThreshold: options.foregroundThreshold, minimumObjectSize: options.minimumSize,
                seedSplitHeight: options.seedSplitHeight)
            return try Instances.fromProbabilities(maps, options: watershed)
        case .binary:
            let mask = try LabelImage(
                shape: shape, labels: channel(0).map { $0 > options.foregroundThreshold ? 1 : 0 })
            let split = DistanceSplitOptions(h: options.splitHeight, minimumObjectSize: options.minimumSize)
            return try Instances.splittingMask(mask, options: split)
        case .edges:
            let edges = channel(0)
            let seeds = try Seeds.components(
                of: edges.map { 1 - $0 }, shape: shape, threshold: options.seedThreshold,
                minimumSize: options.minimumSize)
            let regions = try Watershed.flood(edges, seeds: seeds, mask: nil)
                .mergingWeakBoundaries(edgeProbability: edges, threshold: options.mergeThreshold)
            return try droppingBorderBackground(regions).removingSmallObjects(minimumSize: options.minimumSize)
        case .scribbles:
            let foreground = channel(0).map { 1 - $0 }
            guard options.splitHeight > 0 else {
                return try Instances.fromForegroundProbability(
                    foreground, shape: shape,
                    options: ThresholdInstanceOptions(
                        threshold: options.foregroundThreshold, minimumSize: options.minimumSize))
            }
            let mask = try LabelImage(shape: shape, labels: foreground.map { $0 > options.foregroundThreshold ? 1 : 0 })
            let split = DistanceSplitOptions(h: options.splitHeight, minimumObjectSize: options.minimumSize)
            return try Instances.splittingMask(mask, options: split).dilatingLabels(radius: 1)
        case .classes:
            let classes = probabilities.count / pixels
            var labels = [UInt32](repeating: 0, count: pixels)
            for pixel in 0..<pixels {
                var best = 0
                for k in 1..<classes where probabilities[k * pixels + pixel] > probabilities[best * pixels + pixel] {
                    best = k
                }
                labels[pixel] = UInt32(best)
            }
            return try LabelImage(shape: shape, labels: labels)
        }
    }

    /// Clears the largest region that touches the image border (the background of an edge map).
    private func droppingBorderBackground(_ labels: LabelImage) -> LabelImage {
        var areas: [UInt32: Int] = [:]
        for label in labels.labels where label != 0 { areas[label, default: 0] += 1 }
        var touching = Set<UInt32>()
        let (d, h, w) = (labels.depth, labels.height, labels.width)
        for z in 0..<d {
            for y in 0..<h {
                for x in 0..<w where z == 0 || z == d - 1 || y == 0 || y == h - 1 || x == 0 || x == w - 1 {
                    touching.insert(labels.labels[(z * h + y) * w + x])
                }
            }
        }
        touching.remove(0)
        guard let background = touching.max(by: { areas[$0, default: 0] < areas[$1, default: 0] }) else {
            return labels
        }
        var result = labels
        for index in result.labels.indices where result.labels[index] == background { result.labels[index] = 0 }
        return result
    }
}
