import Foundation

/// Paths of the committed test fixtures (`Tests/Fixtures`, see its PROVENANCE.md files).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// Every fixture file that holds image data (documentation and generator scripts excluded), sorted.
    static var allDataFiles: [URL] {
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
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
