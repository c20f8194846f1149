import Foundation
import Hummingbird
import Storage

/// Training jobs: start, list, status, stop, and live progress as Server-Sent Events.
enum JobRoutes {
    static func add(to router: Router<BasicRequestContext>, context server: ServerContext) {
        router.post("/api/projects/{project}/jobs") { request, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            let project = try await server.store.project(projectID)
            let requested = try await JSONBody.decode(TrainingSettingsRecord.self, from: request)
            try JobSettings.validate(requested)
            let settings = requested.filled(from: project.settings)
            guard try await server.store.images(in: projectID).contains(where: \.isScribbled) else {
                throw ServerError.unprocessable("no image of the project has scribbles yet: scribble some cells and background first")
            }
            let parent = settings.fineTune ?? true ? try await server.store.models(in: projectID).first : nil
            let job = JobRecord(projectID: projectID, settings: settings, parentModelID: parent?.id)
            try await server.store.enqueue(job)
            server.jobs.wake()
            return JSONBody.response(JobDTO(job), status: .created)
        }
        router.get("/api/projects/{project}/jobs") { _, context in
            let projectID = try ServerContext.id(context.parameters.get("project"), kind: "project")
            return JSONBody.response(try await server.store.jobs(in: projectID).map(JobDTO.init))
        }
        router.get("/api/jobs/{job}") { _, context in
            JSONBody.response(JobDTO(try await job(context, server)))
        }
        router.post("/api/jobs/{job}/stop") { _, context in
            let record = try await job(context, server)
            return JSONBody.response(JobDTO(try await server.jobs.stop(record.id)))
        }
        router.get("/api/jobs/{job}/events") { request, context in
            let record = try await job(context, server)
            var previewImageID: String?
            if let image = request.uri.queryParameters.get("image") {
                previewImageID = try ServerContext.id(image, kind: "image")
            }
            // Subscribe before reading the state again, so no event falls between the two.
            let stream = server.events.subscribe(jobID: record.id, previewImageID: previewImageID)
            let current = try await server.store.job(record.id)
            let first = EventHub.message(event: "state", data: try JobEvents.json(JobDTO(current)))
            let finished = current.state.isFinal
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: first))
                if !finished {
                    for await message in stream { try await writer.write(ByteBuffer(string: message)) }
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: body)
        }
    }

    static func job(_ context: BasicRequestContext, _ server: ServerContext) async throws -> JobRecord {
        try await server.store.job(try ServerContext.id(context.parameters.get("job"), kind: "job"))
    }
}
