/// How probabilities become cell instances.
public struct InstanceOptions: Codable, Sendable, Equatable {
    /// Foreground where P(background) < 1 − `foregroundThreshold` (instances task) or P(foreground) >
    /// `foregroundThreshold` (binary task).
    public var foregroundThreshold: Float
    /// Seeds: connected regions where P(interior) > `seedThreshold` (instances task).
    public var seedThreshold: Float
    /// Objects (and seeds) smaller than this many pixels/voxels are removed.
    public var minimumSize: Int
    /// Binary task: distance-transform peaks must rise this many pixels above the saddle between them to
    /// split a mask region into two cells.
    public var splitHeight: Float
    /// Edges task: neighbouring watershed regions whose shared boundary has a mean edge probability below this
    /// are one cell.
    public var mergeThreshold: Float
    /// Instances task: seeds whose own distance transform has separate peaks this many pixels high are split
    /// (nuclei whose interiors touch through a neck); 0 = off.
    public var seedSplitHeight: Float

    public init(
        foregroundThreshold: Float = 0.5, seedThreshold: Float = 0.5, minimumSize: Int = 10, splitHeight: Float = 2,
        mergeThreshold: Float = 0.5, seedSplitHeight: Float = 0
    ) {
        self.foregroundThreshold = foregroundThreshold
        self.seedThreshold = seedThreshold
        self.minimumSize = minimumSize
        self.splitHeight = splitHeight
        self.mergeThreshold = mergeThreshold
        self.seedSplitHeight = seedSplitHeight
    }

    private enum CodingKeys: String, CodingKey {
        case foregroundThreshold, seedThreshold, minimumSize, splitHeight, mergeThreshold, seedSplitHeight
    }

    /// Decodes stored options; fields added later take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            foregroundThreshold: try container.decode(Float.self, forKey: .foregroundThreshold),
            seedThreshold: try container.decode(Float.self, forKey: .seedThreshold),
            minimumSize: try container.decode(Int.self, forKey: .minimumSize),
            splitHeight: try container.decodeIfPresent(Float.self, forKey: .splitHeight) ?? 2,
            mergeThreshold: try container.decodeIfPresent(Float.self, forKey: .mergeThreshold) ?? 0.5,
            seedSplitHeight: try container.decodeIfPresent(Float.self, forKey: .seedSplitHeight) ?? 0)
    }
}
