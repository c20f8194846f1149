import Foundation
import GRDB
import Settings

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
    public var settings: TrainingSettings
    public var createdAt: Date

    public init(
        id: String = StoreIDs.make(), name: String, channelNames: [String], classNames: [String],
        task: String = "scribbles",
        settings: TrainingSettings = TrainingSettings(), createdAt: Date = Date()
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
