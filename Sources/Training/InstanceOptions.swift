/// How probabilities become cell instances.
public struct InstanceOptions: Codable, Sendable, Equatable {
    /// Foreground where P(background) < 1 − `foregroundThreshold` (instances task) or P(foreground) >
    /// `foregroundThreshold` (binary task).
    public var foregroundThreshold: Float
    /// Seeds: connected regions where P(interior) > `seedThreshold` (instances task).
    public var seedThreshold: Float
    /// Objects (and seeds) smaller than this many pixels/voxels are removed.
    public var minimumSize: Int

    public init(foregroundThreshold: Float = 0.5, seedThreshold: Float = 0.5, minimumSize: Int = 10) {
        self.foregroundThreshold = foregroundThreshold
        self.seedThreshold = seedThreshold
        self.minimumSize = minimumSize
    }
}
