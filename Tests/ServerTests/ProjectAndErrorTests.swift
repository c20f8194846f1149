import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

@Suite struct ProjectAndErrorTests {
    @Test func projectsAreCreatedListedAndDeleted() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject(channels: ["membrane", "nuclei"])
            #expect(project.channels == ["membrane", "nuclei"] && project.classes == ["cell"])
            let listed = try await client.json("/api/projects").decoded([ProjectDTO].self)
            #expect(listed.map(\.id) == [project.id])
            #expect(try await client.json("/api/projects/\(project.id)", .delete).status == .noContent)
            #expect(try await client.json("/api/projects/\(project.id)").status == .notFound)
        }
    }

    @Test func badRequestsGetSpecificErrors() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let malformed = try await client.json("/api/projects", .post, body: "{\"name\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorMessage.contains("JSON"))
            let missing = try await client.json("/api/projects", .post, body: #"{"channels": ["a"]}"#)
            #expect(missing.status == .badRequest && missing.errorMessage.contains("'name' is missing"))
            let noChannels = try await client.json("/api/projects", .post, body: #"{"name": "x", "channels": []}"#)
            #expect(noChannels.status == .unprocessableContent && noChannels.errorMessage.contains("1 to 16 channels"))
            let badSettings = try await client.json(
                "/api/projects", .post, body: #"{"name": "x", "channels": ["a"], "settings": {"patchSize": 600}}"#)
            #expect(badSettings.status == .unprocessableContent && badSettings.errorMessage.contains("patchSize"))
            let unknown = try await client.json("/api/projects/0123456789abcdef")
            #expect(unknown.status == .notFound && unknown.errorMessage == "no project with id '0123456789abcdef'")
            #expect(try await client.json("/api/images/not-an-id").status == .notFound)
            let noRoute = try await client.json("/api/nothing")
            #expect(noRoute.status == .notFound && noRoute.errorMessage.contains("/api/nothing"))
            // The server still answers after all of that.
            #expect(try await client.json("/api/health").status == .ok)
        }
    }

    @Test func infoDescribesTheServer() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let info = try await client.json("/api/info").decoded(InfoRoutes.Info.self)
            #expect(
                info.name == "CellScribe" && info.computeLibrary.hasPrefix("oneDNN") && info.concurrentTrainings == 1)
            // The training panel takes limits and defaults from here, not from copies of its own.
            #expect(info.training.limits["batchSize"] == .init(minimum: 1, maximum: 64))
            #expect(info.training.defaults.timeBudgetSeconds == 60 && info.training.defaults.learningRate == 0.001)
            let project = try await client.createProject()
            _ = try await client.uploadNuclei(to: project.id)
            let metrics = try await client.json("/metrics")
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("cellscribe_uploaded_images_total 1"), "\(metrics.text.prefix(600))")
            let document = try await client.json("/openapi.json")
            let parsed = try JSONSerialization.jsonObject(with: document.data) as? [String: Any]
            #expect((parsed?["paths"] as? [String: Any])?["/api/projects/{project}/jobs"] != nil)
        }
    }
}
