import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import TestSupport
import Testing

@testable import Server

@Suite struct AuditTests {
    @Test func theAuditLogSaysWhoChangedWhatNewestFirst() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.addUser("ada", admin: true)
        try await server.addUser("alice")
        try await server.addUser("bob")
        try await server.run { client in
            let alice = try await client.signIn("alice")
            let project = try await client.json(
                "/api/projects", .post, body: #"{"name": "audited", "channels": ["nuclei"]}"#,
                headers: alice.unsafeHeaders
            ).decoded(ProjectDTO.self)
            let uploaded = try await client.upload(
                [("nuclei.png", try Fixtures.data(Fixtures.nucleiImage))], to: project.id, headers: alice.unsafeHeaders)
            let image = try uploaded.decoded(UploadedImages.self).images[0]
            let added = try await client.json(
                "/api/projects/\(project.id)/members/bob", .put, body: #"{"role": "viewer"}"#,
                headers: alice.unsafeHeaders)
            #expect(added.status == .ok)
            let deleted = try await client.json("/api/images/\(image.id)", .delete, headers: alice.unsafeHeaders)
            #expect(deleted.status == .noContent)

            // Bob, a viewer, reads the project's log; refused changes are not in it.
            let bob = try await client.signIn("bob")
            let refused = try await client.json("/api/images/\(image.id)", .delete, headers: bob.unsafeHeaders)
            #expect(refused.status == .notFound)
            let log = try await client.json("/api/projects/\(project.id)/audit", headers: bob.headers)
            let entries = try log.decoded([AuditDTO].self)
            #expect(
                entries.map(\.action) == ["image.delete", "member.set", "image.upload", "project.create"],
                "\(log.text)")
            #expect(Set(entries.map(\.user)) == ["alice"])
            #expect(entries[0].objectID == image.id && entries[0].detail == "nuclei.png")
            #expect(entries[1].detail == "bob: viewer")
            // Paging.
            let page = try await client.json(
                "/api/projects/\(project.id)/audit?limit=2&before=\(entries[1].id)", headers: bob.headers)
            #expect(try page.decoded([AuditDTO].self).map(\.action) == ["image.upload", "project.create"])
            let badLimit = try await client.json("/api/projects/\(project.id)/audit?limit=0", headers: bob.headers)
            #expect(badLimit.status == .badRequest)

            // Account changes are for administrators.
            let ada = try await client.signIn("ada")
            _ = try await client.json(
                "/api/users", .post, body: #"{"name": "carol", "password": "\#(TestServer.password)"}"#,
                headers: ada.unsafeHeaders)
            _ = try await client.json("/api/users/carol/disable", .post, headers: ada.unsafeHeaders)
            let accounts = try await client.json("/api/audit", headers: ada.headers).decoded([AuditDTO].self)
            #expect(accounts.map(\.action) == ["user.disable", "user.create"])
            #expect(accounts.allSatisfy { $0.user == "ada" })
            #expect(try await client.json("/api/audit", headers: bob.headers).status == .forbidden)
            // The project's entries outlive it.
            #expect(
                try await client.json("/api/projects/\(project.id)", .delete, headers: alice.unsafeHeaders).status
                    == .noContent)
            let kept = try await server.store.auditEntries(projectID: project.id, before: nil, limit: 10)
            #expect(kept.count == 4)
            let deletion = try await client.json("/api/audit", headers: ada.headers).decoded([AuditDTO].self).first
            #expect(deletion?.action == "project.delete" && deletion?.user == "alice")
            #expect(deletion?.objectID == project.id && deletion?.detail == "audited")
        }
    }
}
