import Foundation
import Hummingbird
import Tensors

/// `GET /api/health`, `GET /api/info`, `GET /metrics` (Prometheus), `GET /openapi.json`.
enum InfoRoutes {
    struct Info: Codable, Sendable {
        var name = "CellScribe"
        var apiVersion = "1"
        var computeLibrary: String
        var computeThreads: Int
        var projects: Int
        var runningJobs: Int
        var concurrentTrainings: Int
        var maxUploadBytes: Int
    }

    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.get("/api/health") { _, _ in JSONBody.response(["status": "ok"]) }
        router.get("/api/info") { _, _ in
            JSONBody.response(Info(
                computeLibrary: "oneDNN \(Engine.libraryVersion)", computeThreads: Engine.cpu.threadCount,
                projects: try await server.store.projects().count, runningJobs: server.jobs.runningCount,
                concurrentTrainings: server.configuration.concurrentTrainings,
                maxUploadBytes: server.configuration.maxUploadBytes))
        }
        router.get("/metrics") { _, _ in server.configuration.metrics.response() }
        router.get("/openapi.json") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
                let data = try? Data(contentsOf: url)
            else { throw ServerError(.internalServerError, "the OpenAPI document is missing from this installation") }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
