import Foundation
import GRDB

/// A project: a set of images with the same channels, the classes to segment, and default training settings.
public struct ProjectRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "project"

    public var id: String
    public var name: String
    /// One name per image channel; uploaded images must have exactly this many channels.
    public var channelNames: [String]
    /// Foreground class names (scribble value k + 1 is `classNames[k]`; 255 is background).
    public var classNames: [String]
    /// What the project's models learn (today: "scribbles").
    public var task: String
    /// Default training settings, as the server's settings object (stored as JSON).
    public var settings: TrainingSettingsRecord
    public var createdAt: Date

    public init(
        id: String = StoreIDs.make(), name: String, channelNames: [String], classNames: [String], task: String = "scribbles",
        settings: TrainingSettingsRecord = TrainingSettingsRecord(), createdAt: Date = Date()
    ) {
        self.id = id
        self.name = name
        self.channelNames = channelNames
        self.classNames = classNames
        self.task = task
        self.settings = settings
        self.createdAt = createdAt
    }
}

/// Training settings of a project or a job. Every field is optional: a job's settings fill the project's gaps,
/// the project's fill the trainer's defaults.
public struct TrainingSettingsRecord: Codable, Sendable, Equatable {
    /// Wall-clock budget, seconds.
    public var timeBudgetSeconds: Double?
    public var epochs: Int?
    public var learningRate: Double?
    /// Square patch side, pixels.
    public var patchSize: Int?
    public var batchSize: Int?
    /// Start from the project's latest model (true) or from random weights (false).
    public var fineTune: Bool?
    /// Checkpoint-ensemble cycles (1: a single model).
    public var ensembleSize: Int?
    /// Send a fresh preview prediction every this many epochs (0: never).
    public var previewEvery: Int?
    public var seed: UInt64?

    public init(
        timeBudgetSeconds: Double? = nil, epochs: Int? = nil, learningRate: Double? = nil, patchSize: Int? = nil,
        batchSize: Int? = nil, fineTune: Bool? = nil, ensembleSize: Int? = nil, previewEvery: Int? = nil, seed: UInt64? = nil
    ) {
        self.timeBudgetSeconds = timeBudgetSeconds
        self.epochs = epochs
        self.learningRate = learningRate
        self.patchSize = patchSize
        self.batchSize = batchSize
        self.fineTune = fineTune
        self.ensembleSize = ensembleSize
        self.previewEvery = previewEvery
        self.seed = seed
    }

    /// These settings with the gaps filled from `defaults`.
    public func filled(from defaults: TrainingSettingsRecord) -> TrainingSettingsRecord {
        TrainingSettingsRecord(
            timeBudgetSeconds: timeBudgetSeconds ?? (epochs == nil ? defaults.timeBudgetSeconds : nil),
            epochs: epochs ?? (timeBudgetSeconds == nil ? defaults.epochs : nil),
            learningRate: learningRate ?? defaults.learningRate, patchSize: patchSize ?? defaults.patchSize,
            batchSize: batchSize ?? defaults.batchSize, fineTune: fineTune ?? defaults.fineTune,
            ensembleSize: ensembleSize ?? defaults.ensembleSize, previewEvery: previewEvery ?? defaults.previewEvery,
            seed: seed ?? defaults.seed)
    }
}

/// Identifiers: random, URL-safe, 16 lowercase hex digits.
public enum StoreIDs {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx", generator.next() as UInt64)
    }

    /// Whether `text` looks like an id (so a path segment can be rejected before it reaches a query or a file name).
    public static func isValid(_ text: String) -> Bool {
        text.count == 16 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
