import Foundation
import Hummingbird

/// The browser client: the files of `Resources/Public` (HTML, CSS, JavaScript modules), read once at start-up
/// and served from memory at `/` and their relative paths.
enum ClientRoutes {
    static func add(to router: Router<BasicRequestContext>) {
        guard let root = Bundle.module.url(forResource: "Public", withExtension: nil, subdirectory: "Resources") else { return }
        for (path, data) in files(under: root) {
            let response = BinaryBody.response(data, contentType: contentType(of: path))
            router.get(RouterPath(path)) { _, _ in response }
            if path == "/index.html" { router.get("/") { _, _ in response } }
        }
    }

    /// Every file below `root`, by URL path ("/js/app.js").
    static func files(under root: URL) -> [(String, Data)] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
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
