import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@testable import Server

@Suite struct WorkspaceTests {
    @Test func aWorkspaceSavedInOneBrowserIsRestoredInAnother() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.addUser("alice")
        try await server.addUser("bob")
        try await server.run { client in
            let laptop = try await client.signIn("alice")
            #expect(try await client.json("/api/workspace", headers: laptop.headers).text == "{}")
            let project = try await client.json(
                "/api/projects", .post, body: #"{"name": "w", "channels": ["nuclei"]}"#, headers: laptop.unsafeHeaders
            ).decoded(ProjectDTO.self)
            let body = """
                {"projectID": "\(project.id)", "z": 3, "view": {"centerX": 120.5, "centerY": 80, "scale": 2.5},
                 "tool": "brush", "toolValue": 255, "brush": 7}
                """
            let saved = try await client.json("/api/workspace", .put, body: body, headers: laptop.unsafeHeaders)
            #expect(saved.status == .ok, "\(saved.text)")
            // Another browser: a second session of the same user.
            let desktop = try await client.signIn("alice")
            let restored = try await client.json("/api/workspace", headers: desktop.headers).decoded(Workspace.self)
            #expect(restored.projectID == project.id && restored.z == 3 && restored.brush == 7)
            #expect(restored.view == Workspace.View(centerX: 120.5, centerY: 80, scale: 2.5))
            #expect(restored.tool == "brush" && restored.toolValue == 255 && restored.updatedAt != nil)
            // Each user has their own.
            let bob = try await client.signIn("bob")
            #expect(try await client.json("/api/workspace", headers: bob.headers).text == "{}")
            // A project bob cannot see is left out of a workspace naming it.
            _ = try await client.json(
                "/api/workspace", .put, body: #"{"projectID": "\#(project.id)", "brush": 3}"#,
                headers: bob.unsafeHeaders)
            let bobs = try await client.json("/api/workspace", headers: bob.headers).decoded(Workspace.self)
            #expect(bobs.projectID == nil && bobs.brush == nil && bobs.updatedAt != nil)
        }
    }

    @Test func everyFieldIsChecked() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            for (body, field) in [
                (#"{"projectID": "../../etc"}"#, "projectID"), (#"{"imageID": "0123456789abcdef"}"#, "projectID"),
                (#"{"z": -1}"#, "z"), (#"{"view": {"centerX": 0, "centerY": 0, "scale": 0}}"#, "view.scale"),
                (#"{"view": {"centerX": 1e300, "centerY": 0, "scale": 1}}"#, "view.centerX"),
                (#"{"tool": "flamethrower"}"#, "tool"), (#"{"toolValue": 256}"#, "toolValue"),
                (#"{"brush": 0}"#, "brush"),
            ] {
                let response = try await client.json("/api/workspace", .put, body: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                #expect(response.errorField == field, "\(body)")
            }
            let huge = try await client.json(
                "/api/workspace", .put, body: #"{"tool": "\#(String(repeating: "x", count: 5_000))"}"#)
            #expect(huge.status == .contentTooLarge)
            // The single-user owner has a workspace too.
            let saved = try await client.json("/api/workspace", .put, body: #"{"tool": "pan"}"#)
            #expect(saved.status == .ok)
            #expect(try await client.json("/api/workspace").decoded(Workspace.self).tool == "pan")
        }
    }
}
