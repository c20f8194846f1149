import Foundation
import Hummingbird
import Settings
import Storage

/// Training jobs: start, list, status, stop, and live progress as Server-Sent Events.
enum JobRoutes {
    static func add(to router: Router<ServerRequestContext>, services: ServerServices) {
        router.post("/api/projects/{project}/jobs") { request, context in
            let project = try await context.project(to: .annotate, in: services)
            let requested = try await JSONBody.decode(TrainingSettings.self, from: request)
            let job = try await services.jobs.start(in: project.id, requested: requested)
            await context.audit(.jobStart, project: project.id, object: job.id, in: services)
            return JSONBody.response(JobDTO(job), status: .created)
        }
        router.get("/api/projects/{project}/jobs") { _, context in
            JSONBody.response(
                try await services.jobs.jobs(in: try await context.project(to: .view, in: services).id).map(JobDTO.init)
            )
        }
        router.get("/api/jobs/{job}") { _, context in
            JSONBody.response(JobDTO(try await context.job(to: .view, in: services)))
        }
        router.post("/api/jobs/{job}/stop") { _, context in
            let job = try await services.jobs.stop(try await context.job(to: .annotate, in: services).id)
            await context.audit(.jobStop, project: job.projectID, object: job.id, in: services)
            return JSONBody.response(JobDTO(job))
        }
        router.get("/api/jobs/{job}/events") { request, context in
            let job = try await context.job(to: .view, in: services)
            // The preview image goes through the same access check as any image, and must be one of the job's
            // project's (any other is, to this job, no image).
            var previewImageID: String?
            if let id = request.query("image") {
                guard StoreIDs.isValid(id) else { throw StorageError.notFound(kind: "image", id: id) }
                let preview = try await services.access.image(id, for: context.requireIdentity(), to: .view)
                guard preview.projectID == job.projectID else { throw StorageError.notFound(kind: "image", id: id) }
                previewImageID = preview.id
            }
            let subscription = try await services.jobs.subscribe(to: job.id, previewImageID: previewImageID)
            let first = ServerSentEvents.message(event: "state", data: try JSONBody.line(JobDTO(subscription.current)))
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: first))
                if let events = subscription.events {
                    for await event in events {
                        guard let message = ServerSentEvents.message(for: event) else { continue }
                        try await writer.write(ByteBuffer(string: message))
                    }
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
    }
}

/// Job events as Server-Sent Events messages: `event:` kind, `data:` one JSON line.
enum ServerSentEvents {
    /// The message for `event` (nil when it cannot be encoded, which drops only that event).
    static func message(for event: JobStreamEvent) -> String? {
        switch event {
        case .training(let training):
            return JobEvents.encode(training).map { message(event: $0.kind, data: $0.line) }
        case .preview(let preview):
            return (try? JSONBody.line(preview)).map { message(event: "preview", data: $0) }
        case .ended(let job):
            return message(event: "finished", data: (try? JSONBody.line(JobDTO(job))) ?? "{}")
        }
    }

    /// One SSE message; `data` must be a single line (JSON without newlines).
    static func message(event: String, data: String) -> String {
        "event: \(event)\ndata: \(data.replacingOccurrences(of: "\n", with: " "))\n\n"
    }
}
