import Foundation
import Hummingbird

/// `GET /api/health`, `GET /api/info`, `GET /metrics` (Prometheus, administrators only), `GET /openapi.json`.
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
        /// The training settings' ranges and defaults (`TrainingLimits`, `TrainingOptions`, `TrainingSettings`).
        var training = TrainingSettingsDescription.current
        /// What the server accepts and how much work it takes on at once.
        var limits: ServerLimits
    }

    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.get("/api/health") { _, _ in JSONBody.response(["status": "ok"]) }
        router.get("/api/info") { _, context in
            JSONBody.response(
                Info(
                    computeLibrary: ComputeFacts.library, computeThreads: ComputeFacts.threads,
                    projects: try await services.access.projects(for: context.requireIdentity()).count,
                    runningJobs: services.runner.runningCount,
                    concurrentTrainings: services.configuration.concurrentTrainings,
                    maxUploadBytes: services.configuration.maxUploadBytes, limits: services.configuration.limits))
        }
        // Counts of everyone's work: for administrators (in single-user mode, the local owner).
        router.get("/metrics") { _, context in
            _ = try context.requireAdmin()
            return services.configuration.metrics.response()
        }
        router.get("/openapi.json") { _, _ in
            guard let data = BundledResources.openAPIDocument else {
                throw ServerError(.internalServerError, "the OpenAPI document is missing from this installation")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
