import Hummingbird

/// The browser client: the files of `Resources/Public` (HTML, CSS, JavaScript modules), served from memory at
/// `/` and their relative paths.
enum ClientRoutes {
    static func add(to router: Router<ServerRequestContext>) {
        for (path, data) in BundledResources.clientFiles {
            let response = BinaryBody.response(data, contentType: BundledResources.contentType(of: path))
            router.get(RouterPath(path)) { _, _ in response }
            if path == "/index.html" { router.get("/") { _, _ in response } }
        }
    }
}
