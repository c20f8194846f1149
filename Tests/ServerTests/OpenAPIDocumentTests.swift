import Foundation
import Hummingbird
import Logging
import Testing

@testable import Server

@Suite struct OpenAPIDocumentTests {
    /// The document lists exactly the routes the router serves, with the same methods.
    @Test func documentMatchesTheRouter() throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let services = try ServerServices(
            configuration: server.configuration, store: server.store, logger: Logger(label: "test"))
        // The API, not the browser client's files.
        let routes = Set(
            CellScribeServer.router(services: services).routes.map { "\($0.method.rawValue) \($0.path)" }
                .filter { $0.contains(" /api/") || $0.hasSuffix(" /metrics") || $0.hasSuffix(" /openapi.json") })
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.documentURL)) as? [String: Any]
        let paths = try #require(document?["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, item) in paths {
            for method in item.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(
            routes.subtracting(documented).isEmpty,
            "served but not documented: \(routes.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routes).isEmpty,
            "documented but not served: \(documented.subtracting(routes).sorted())")
    }

    @Test func theBrowserClientIsServed() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let page = try await client.json("/")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<script type=\"module\" src=\"/js/app.js\">"))
            let script = try await client.json("/js/app.js")
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
    }

    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Server/Resources/openapi.json")
}
