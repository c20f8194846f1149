import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Settings
import Storage
import Testing

@testable import Server

/// Project isolation, generated from the OpenAPI document: every operation on a project's data is tried by a user
/// outside the project (404, word for word the answer for an id that does not exist), then by each role (403
/// exactly where the document's `x-cellscribe-action` says the role may not act, and never 403 or 404 where it may).
@Suite struct IsolationTests {
    /// One documented operation on a project's data.
    struct Operation: CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var operationID: String
        var action: ProjectAction

        var description: String { "\(method) \(path) (\(operationID))" }
        var isDestructive: Bool { method == .delete }
    }

    /// Alice's project with an image, a model, a finished job and a second member (carol, a viewer); bob and the
    /// administrator ada belong to no project yet. Tokens for bob and ada.
    struct World {
        var server: TestServer
        var services: ServerServices
        var project: ProjectRecord
        var image: ImageRecord
        var model: ModelRecord
        var job: JobRecord
        var bob: UserRecord
        var bobToken: String
        var adaToken: String

        /// `operation`'s path with the world's ids (`unknown`: ids that exist nowhere).
        func path(of operation: Operation, unknown: Bool = false) -> String {
            let ids = [
                "{project}": project.id, "{image}": image.id, "{job}": job.id, "{model}": model.id,
            ]
            var path = operation.path
            for (parameter, id) in ids {
                path = path.replacingOccurrences(of: parameter, with: unknown ? "0123456789abcdef" : id)
            }
            for (parameter, value) in [
                ("{name}", "carol"), ("{level}", "0"), ("{row}", "0"), ("{column}", "0"), ("{map}", "labels.png"),
            ] {
                path = path.replacingOccurrences(of: parameter, with: value)
            }
            return path
        }
    }

    /// Every operation of the document that carries `x-cellscribe-action`, after checking that each path naming a
    /// project, image, job or model carries one.
    static func operations() throws -> [Operation] {
        let data = try Data(contentsOf: OpenAPIDocumentTests.documentURL)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: [Operation] = []
        for (path, item) in paths {
            for (method, value) in item where ["get", "post", "put", "delete"].contains(method) {
                let operation = try #require(value as? [String: Any])
                let scoped = ["{project}", "{image}", "{job}", "{model}"].contains { path.contains($0) }
                guard let action = operation["x-cellscribe-action"] as? String else {
                    #expect(!scoped, "\(method) \(path) names a project's data but states no x-cellscribe-action")
                    continue
                }
                operations.append(
                    Operation(
                        method: HTTPRequest.Method(rawValue: method.uppercased())!, path: path,
                        operationID: try #require(operation["operationId"] as? String),
                        action: try #require(ProjectAction(rawValue: action))))
            }
        }
        // Destructive operations last, deleting the project very last.
        func rank(_ operation: Operation) -> Int {
            operation.operationID == "deleteProject" ? 2 : operation.isDestructive ? 1 : 0
        }
        return operations.sorted { lhs, rhs in
            rank(lhs) != rank(rhs) ? rank(lhs) < rank(rhs) : lhs.description < rhs.description
        }
    }

    static func world() async throws -> World {
        let server = try TestServer()
        let services = try ServerServices(
            configuration: server.configuration, store: server.store, logger: Logger(label: "test"))
        let alice = try await server.addUser("alice")
        let bob = try await server.addUser("bob")
        let carol = try await server.addUser("carol")
        let ada = try await server.addUser("ada", admin: true)
        let project = try await services.projects.create(
            name: "alice's", channels: ["nuclei"], classes: nil, settings: nil, owner: identity(alice))
        try await server.store.setRole(.viewer, of: carol.id, in: project.id)
        let fixture = ServiceFixture(services: services, folder: server.folder)
        let image = try await fixture.nucleiImage(in: project)
        let model = try await fixture.tinyModel(in: project)
        var job = JobRecord(projectID: project.id, settings: TrainingSettings(), parentModelID: nil)
        job.state = .stopped
        try await server.store.enqueue(job)
        return World(
            server: server, services: services, project: project, image: image, model: model, job: job, bob: bob,
            bobToken: try await services.accounts.createToken(for: identity(bob), name: "test", days: nil).token,
            adaToken: try await services.accounts.createToken(for: identity(ada), name: "test", days: nil).token)
    }

    static func identity(_ user: UserRecord) -> Identity {
        Identity(userID: user.id, name: user.name, isAdmin: user.isAdmin, credential: .token(id: "test"))
    }

    /// A body that passes the access check but changes nothing (or nothing that matters) when a role may act.
    static func body(for operation: Operation) -> String? {
        switch operation.operationID {
        case "startJob": #"{"epochs": 0}"#
        case "setMember": #"{"role": "viewer"}"#
        case "uploadImages", "uploadModel", "putScribbles": "not a file"
        default: operation.method == .get || operation.method == .delete ? nil : "{}"
        }
    }

    @Test func outsidersGetTheAnswerForAnIdThatDoesNotExist() async throws {
        let world = try await Self.world()
        defer { world.server.removeFiles() }
        let operations = try Self.operations()
        #expect(operations.count >= 25)
        try await world.server.run { client in
            for token in [world.bobToken, world.adaToken] {
                for operation in operations {
                    let response = try await client.json(
                        world.path(of: operation), operation.method, body: Self.body(for: operation),
                        headers: .bearer(token))
                    #expect(response.status == .notFound, "\(operation): \(response.status) \(response.text)")
                    let unknown = try await client.json(
                        world.path(of: operation, unknown: true), operation.method, body: Self.body(for: operation),
                        headers: .bearer(token))
                    #expect(unknown.status == .notFound)
                    // Word for word, once the id itself is set aside.
                    let ids = [world.project.id, world.image.id, world.job.id, world.model.id]
                    let message = ids.reduce(response.errorMessage) {
                        $0.replacingOccurrences(of: $1, with: "0123456789abcdef")
                    }
                    #expect(message == unknown.errorMessage, "\(operation)")
                }
                let projects = try await client.json("/api/projects", headers: .bearer(token))
                #expect(try projects.decoded([ProjectDTO].self).isEmpty)
            }
        }
    }

    @Test func eachRoleMayDoExactlyWhatTheDocumentSays() async throws {
        let world = try await Self.world()
        defer { world.server.removeFiles() }
        let operations = try Self.operations()
        try await world.server.run { client in
            for role in [ProjectRole.viewer, .reviewer, .annotator, .owner] {
                try await world.server.store.setRole(role, of: world.bob.id, in: world.project.id)
                let listed = try await client.json("/api/projects", headers: .bearer(world.bobToken))
                #expect(try listed.decoded([ProjectDTO].self).map(\.role) == [role])
                for operation in operations {
                    let allowed = role.allows(operation.action)
                    #expect(ProjectRole.allowing(operation.action).contains(role) == allowed)
                    // Destructive operations run only as the owner, the last role tried.
                    if allowed && operation.isDestructive && role != .owner { continue }
                    let response = try await client.json(
                        world.path(of: operation), operation.method, body: Self.body(for: operation),
                        headers: .bearer(world.bobToken))
                    if allowed {
                        #expect(
                            response.status != .forbidden && response.status != .notFound,
                            "\(role) \(operation): \(response.status) \(response.text)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(operation): \(response.status)")
                        #expect(response.errorMessage.contains("your role in this project (\(role.rawValue))"))
                    }
                }
            }
            // The owner's last operation deleted the project.
            #expect(try await world.server.store.projects().isEmpty)
        }
    }

    @Test func aModelOrPreviewImageFromAnotherProjectIsNoneOfThisOne() async throws {
        let world = try await Self.world()
        defer { world.server.removeFiles() }
        let bobs = try await world.services.projects.create(
            name: "bob's", channels: ["nuclei"], classes: nil, settings: nil, owner: Self.identity(world.bob))
        let fixture = ServiceFixture(services: world.services, folder: world.server.folder)
        let image = try await fixture.nucleiImage(in: bobs)
        var stopped = JobRecord(projectID: bobs.id, settings: TrainingSettings(), parentModelID: nil)
        stopped.state = .stopped
        try await world.server.store.enqueue(stopped)
        let job = stopped
        try await world.server.run { client in
            for (uri, id) in [
                ("/api/images/\(image.id)/prediction?model=\(world.model.id)", world.model.id),
                ("/api/images/\(image.id)/prediction/labels.png?model=\(world.model.id)", world.model.id),
                ("/api/images/\(image.id)/prediction?model=job:\(world.job.id)", world.job.id),
                ("/api/projects/\(bobs.id)/next-image?model=\(world.model.id)", world.model.id),
                ("/api/jobs/\(job.id)/events?image=\(world.image.id)", world.image.id),
            ] {
                let response = try await client.json(uri, headers: .bearer(world.bobToken))
                #expect(response.status == .notFound, "\(uri): \(response.status) \(response.text)")
                // Word for word the answer for an id that exists nowhere.
                let unknown = try await client.json(
                    uri.replacingOccurrences(of: id, with: "0123456789abcdef"), headers: .bearer(world.bobToken))
                #expect(
                    response.errorMessage.replacingOccurrences(of: id, with: "0123456789abcdef")
                        == unknown.errorMessage, "\(uri)")
            }
        }
    }

    @Test func membersAreManagedByOwnersAndAProjectKeepsOne() async throws {
        let world = try await Self.world()
        defer { world.server.removeFiles() }
        let members = "/api/projects/\(world.project.id)/members"
        let alice = try #require(try await world.server.store.user(named: "alice"))
        let aliceToken = try await world.services.accounts.createToken(
            for: Self.identity(alice), name: "test", days: nil
        ).token
        try await world.server.run { client in
            let add = try await client.json(
                "\(members)/bob", .put, body: #"{"role": "annotator"}"#, headers: .bearer(aliceToken))
            #expect(add.status == .ok)
            #expect(try add.decoded(MemberDTO.self).role == .annotator)
            let listed = try await client.json(members, headers: .bearer(world.bobToken))
            #expect(try listed.decoded([MemberDTO].self).map(\.name) == ["alice", "bob", "carol"])
            let badRole = try await client.json(
                "\(members)/bob", .put, body: #"{"role": "emperor"}"#, headers: .bearer(aliceToken))
            #expect(badRole.status == .unprocessableContent && badRole.errorField == "role")
            let nobody = try await client.json(
                "\(members)/zed", .put, body: #"{"role": "viewer"}"#, headers: .bearer(aliceToken))
            #expect(nobody.status == .notFound)
            // The last owner can neither step down nor leave; once bob owns it too, she can.
            let stepDown = try await client.json(
                "\(members)/alice", .put, body: #"{"role": "viewer"}"#, headers: .bearer(aliceToken))
            #expect(stepDown.status == .unprocessableContent, "\(stepDown.text)")
            #expect(
                try await client.json("\(members)/alice", .delete, headers: .bearer(aliceToken)).status
                    == .unprocessableContent)
            // Bob, an annotator, cannot remove carol but can leave himself; whether a name exists is not his to learn.
            #expect(
                try await client.json("\(members)/zed", .delete, headers: .bearer(world.bobToken)).status == .forbidden)
            #expect(
                try await client.json("\(members)/carol", .delete, headers: .bearer(world.bobToken)).status
                    == .forbidden)
            _ = try await client.json(
                "\(members)/bob", .put, body: #"{"role": "owner"}"#, headers: .bearer(aliceToken))
            #expect(
                try await client.json("\(members)/alice", .delete, headers: .bearer(aliceToken)).status == .noContent)
            let gone = try await client.json("/api/projects/\(world.project.id)", headers: .bearer(aliceToken))
            #expect(gone.status == .notFound)
            #expect(
                try await client.json("\(members)/bob", .delete, headers: .bearer(world.bobToken)).status
                    == .unprocessableContent)
        }
    }

    @Test func theFirstAdministratorTakesOverSingleUserProjects() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        let services = try ServerServices(
            configuration: server.configuration, store: server.store, logger: Logger(label: "test"))
        let made = try await services.projects.create(
            name: "before accounts", channels: ["nuclei"], classes: nil, settings: nil, owner: .localOwner)
        let bob = try await server.addUser("bob")
        #expect(try await server.store.projects(of: bob.id).isEmpty)
        let ada = try await server.addUser("ada", admin: true)
        #expect(try await server.store.projects(of: ada.id).map(\.project.id) == [made.id])
        #expect(try await server.store.members(of: made.id).map(\.membership.role) == [.owner])
        // Later administrators take nothing.
        _ = try await services.projects.create(
            name: "later", channels: ["nuclei"], classes: nil, settings: nil, owner: .localOwner)
        let eve = try await server.addUser("eve", admin: true)
        #expect(try await server.store.projects(of: eve.id).isEmpty)
    }
}
