import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import ImageFormats
import Imaging
import Logging
import Scribbles
import Storage
import TestSupport
import Testing

@testable import Server

extension Fixtures {
    /// A 1-channel DSB2018 fluorescence crop and its instance labels.
    static let nucleiImage = "dsb/train/images/c53326fe.png"
    static let nucleiLabels = "dsb/train/labels/c53326fe.tif"
}

/// A server over an in-memory database and a temporary data folder.
struct TestServer {
    let store: SQLiteStore
    let folder: URL
    var configuration: ServerConfiguration

    /// Where the application logs (tests that read the log set one).
    var logger = Logger(label: "cellscribe-test")

    init(maxUploadBytes: Int = 64 << 20, store: SQLiteStore? = nil, folder: URL? = nil) throws {
        self.store = try store ?? SQLiteStore()
        self.folder =
            folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-server-\(UUID().uuidString)")
        configuration = ServerConfiguration(dataFolder: self.folder)
        configuration.maxUploadBytes = maxUploadBytes
        configuration.uncertaintyPasses = 2
        configuration.access.accountPolicy.bcryptCost = 4
    }

    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try CellScribeServer.application(configuration: configuration, store: store, logger: logger)
        try await app.test(.router, test)
    }

    static let password = "correct horse battery"

    /// Creates an account in the store (which puts the server in accounts mode).
    @discardableResult
    func addUser(_ name: String, password: String = TestServer.password, admin: Bool = false) async throws -> UserRecord
    {
        try await AccountService(store: store, policy: configuration.access.accountPolicy)
            .addUser(name: name, password: password, isAdmin: admin)
    }

    func removeFiles() { try? FileManager.default.removeItem(at: folder) }
}

extension TestResponse {
    var data: Data { Data(body.readableBytesView) }
    var text: String { String(decoding: data, as: UTF8.self) }

    func decoded<T: Decodable>(_ type: T.Type) throws -> T { try JSONBody.decoder.decode(T.self, from: data) }

    /// The `error` message of a JSON error response.
    var errorMessage: String { (try? decoded(ErrorBody.self).error) ?? "<not an error body: \(text.prefix(200))>" }

    /// The `field` of a JSON error response.
    var errorField: String? { try? decoded(ErrorBody.self).field }
}

extension TestClientProtocol {
    /// A request whose body (if any) is sent as JSON, unless `headers` name another content type.
    func json(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil, headers: HTTPFields = [:])
        async throws -> TestResponse
    {
        var headers = headers
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func createProject(channels: [String] = ["nuclei"]) async throws -> ProjectDTO {
        let names = channels.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await json("/api/projects", .post, body: #"{"name": "test", "channels": [\#(names)]}"#)
        #expect(response.status == .created, "\(response.text)")
        return try response.decoded(ProjectDTO.self)
    }

    /// Uploads files as one multipart form.
    func upload(_ files: [(name: String, data: Data)], to projectID: String, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let boundary = "----cellscribe-test-boundary"
        var body = Data()
        for file in files {
            body += Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n".utf8)
            body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.data
            body += Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var headers = headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await execute(
            uri: "/api/projects/\(projectID)/images", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func uploadNuclei(to projectID: String) async throws -> ImageDTO {
        let response = try await upload([("nuclei.png", try Fixtures.data(Fixtures.nucleiImage))], to: projectID)
        #expect(response.status == .created, "\(response.text)")
        return try response.decoded(UploadedImages.self).images[0]
    }

    /// Saves scribbles generated from the fixture's labels (30% of the nuclei) as version 1.
    func scribbleNuclei(_ imageID: String) async throws {
        let labels = try ImageFormats.readLabels(Fixtures.url(Fixtures.nucleiLabels))
        let scribbles = try ScribbleGenerator(budget: .fraction(0.3), seed: 43).scribbles(for: labels)
        let body = try ImageFormats.encode(scribbles.labelImage, format: .png)
        let response = try await execute(
            uri: "/api/images/\(imageID)/scribbles", method: .put, headers: [.ifMatch: "\"0\""],
            body: ByteBuffer(bytes: body))
        #expect(response.status == .ok, "\(response.text)")
    }

    /// Polls the job until it is finished, failed or stopped.
    func waitForJob(_ jobID: String, timeoutSeconds: Double = 300) async throws -> JobDTO {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            let job = try await json("/api/jobs/\(jobID)").decoded(JobDTO.self)
            if ["finished", "failed", "stopped"].contains(job.state) || Date() > deadline { return job }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
