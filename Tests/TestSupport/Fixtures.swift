import Foundation

/// Paths of the committed test fixtures (`Tests/Fixtures`, see its PROVENANCE.md files).
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// The bytes of a fixture file.
    public static func data(_ relativePath: String) throws -> Data { try Data(contentsOf: url(relativePath)) }

    /// Every fixture file that holds image data (documentation and generator scripts excluded), sorted.
    public static var allDataFiles: [URL] {
        let skip: Set<String> = ["md", "py", "txt", "json", "csv"]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                !skip.contains(url.pathExtension.lowercased())
            else { continue }
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// A small deterministic generator (SplitMix64) so mutation tests are repeatable.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
