import Foundation

/// Paths of the committed test fixtures (`Tests/Fixtures`, see its PROVENANCE.md files).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }
}
