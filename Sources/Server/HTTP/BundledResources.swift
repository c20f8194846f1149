import Foundation

/// Files shipped inside the server: the browser client (`Resources/Public`) and the OpenAPI document, read once.
enum BundledResources {
    /// Every file of the browser client by URL path ("/js/app.js"), sorted.
    static let clientFiles: [(path: String, data: Data)] = {
        guard let root = Bundle.module.url(forResource: "Public", withExtension: nil, subdirectory: "Resources") else {
            return []
        }
        return files(under: root)
    }()

    /// The OpenAPI document, or nil when the installation lacks it.
    static let openAPIDocument: Data? = Bundle.module.url(
        forResource: "openapi", withExtension: "json", subdirectory: "Resources"
    ).flatMap { try? Data(contentsOf: $0) }

    /// Every file below `root`, by URL path.
    static func files(under root: URL) -> [(path: String, data: Data)] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [(String, Data)] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = try? Data(contentsOf: url)
            else { continue }
            files.append((String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count)), data))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static func contentType(of path: String) -> String {
        switch (path as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}
