import Foundation
import Hummingbird
import HummingbirdTesting
import ImageFormats
import TestSupport
import Testing

@testable import Server

@Suite struct ImageRouteTests {
    @Test func uploadsAreCheckedAndListed() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            let decoded = try ImageFormats.readImage(Fixtures.url(Fixtures.nucleiImage))
            #expect(
                image.shape.channels == 1 && image.shape.height == decoded.height && image.shape.width == decoded.width)
            #expect(image.status == "new" && image.scribbles.version == 0)
            // The raw-body form with ?name= works too.
            let raw = try await client.execute(
                uri: "/api/projects/\(project.id)/images?name=again.png", method: .post,
                body: ByteBuffer(bytes: try Fixtures.data(Fixtures.nucleiImage)))
            #expect(raw.status == .created)
            let listed = try await client.json("/api/projects/\(project.id)/images?sort=name").decoded([ImageDTO].self)
            #expect(listed.map(\.name) == ["again.png", "nuclei.png"])
            // The original comes back byte for byte.
            let file = try await client.json("/api/images/\(image.id)/file")
            #expect(file.data == (try Fixtures.data(Fixtures.nucleiImage)))
        }
    }

    @Test func badUploadsStoreNothing() async throws {
        let server = try TestServer(maxUploadBytes: 40_000)
        defer { server.removeFiles() }
        try await server.run { client in
            let twoChannels = try await client.createProject(channels: ["membrane", "nuclei"])
            let small = try Fixtures.data("tiff/float32_5x7.tif")
            let corrupt = try await client.upload([("broken.tif", Data("II*\0garbage".utf8))], to: twoChannels.id)
            #expect(corrupt.status == .unprocessableContent, "\(corrupt.text)")
            let tiny = try await client.upload([("tiny.tif", small)], to: twoChannels.id)
            #expect(tiny.status == .unprocessableContent)
            #expect(
                tiny.errorMessage.contains("channels") || tiny.errorMessage.contains("16x16"), "\(tiny.errorMessage)")
            let oversized = try await client.upload(
                [("big.png", try Fixtures.data(Fixtures.nucleiImage))], to: twoChannels.id)
            #expect(oversized.status == .contentTooLarge)
            let notMultipart = try await client.json("/api/projects/\(twoChannels.id)/images", .post, body: "x")
            #expect(notMultipart.status == .badRequest && notMultipart.errorMessage.contains("multipart"))
            #expect(try await client.json("/api/projects/\(twoChannels.id)/images").decoded([ImageDTO].self).isEmpty)
        }
    }

    @Test("uploads are spooled to files that are gone once answered, whatever the answer")
    func spooledUploadsLeaveNothingBehind() async throws {
        var server = try TestServer(maxUploadBytes: 200_000)
        defer { server.removeFiles() }
        server.configuration.limits.maxUploadFiles = 2
        let spool = server.folder.appendingPathComponent(UploadSpool.folder)
        let leftovers = { (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? [] }
        try await server.run { client in
            let project = try await client.createProject()
            let nuclei = try Fixtures.data(Fixtures.nucleiImage)
            let two = try await client.upload([("a.png", nuclei), ("b.png", nuclei)], to: project.id)
            #expect(two.status == .created)
            #expect(try two.decoded(UploadedImages.self).images.count == 2)
            let three = try await client.upload(
                [("a.png", nuclei), ("b.png", nuclei), ("c.png", nuclei)], to: project.id)
            #expect(three.status == .contentTooLarge && three.errorMessage.contains("at most 2 files"))
            let big = try await client.execute(
                uri: "/api/projects/\(project.id)/images?name=big.png", method: .post,
                body: ByteBuffer(bytes: Data(count: 300_000)))
            #expect(big.status == .contentTooLarge)
            let empty = try await client.execute(
                uri: "/api/projects/\(project.id)/images?name=empty.png", method: .post, body: ByteBuffer())
            #expect(empty.status == .badRequest && empty.errorMessage.contains("empty"))
            let cut = try await client.execute(
                uri: "/api/projects/\(project.id)/images", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=b"],
                body: ByteBuffer(
                    bytes: Data("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.png\"\r\n\r\nPNG".utf8)
                ))
            #expect(cut.status == .badRequest && cut.errorMessage.contains("closing boundary"))
            let images = try await client.json("/api/projects/\(project.id)/images").decoded([ImageDTO].self)
            #expect(images.count == 2)
        }
        #expect(leftovers().isEmpty, "\(leftovers())")
    }

    @Test func wrongChannelCountIsRefusedByName() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject(channels: ["membrane", "nuclei"])
            let response = try await client.upload(
                [("nuclei.png", try Fixtures.data(Fixtures.nucleiImage))], to: project.id)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorMessage == "image 'nuclei.png' has 1 channels; the project has 2 (membrane, nuclei)")
        }
    }

    @Test func previewsAndTilesAreSizedPNGs() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            let preview = try await client.json("/api/images/\(image.id)/preview?size=64")
            #expect(preview.status == .ok && preview.headers[.contentType] == "image/png")
            let previewImage = try ImageFormats.decode(preview.data, source: "preview").image()
            #expect(max(previewImage.height, previewImage.width) <= 64)
            let tile = try await client.json("/api/images/\(image.id)/tiles/0/0/0")
            let tileImage = try ImageFormats.decode(tile.data, source: "tile").image()
            #expect(tileImage.height == min(256, image.shape.height) && tileImage.width == min(256, image.shape.width))
            #expect(try await client.json("/api/images/\(image.id)/tiles/0/9/9").status == .notFound)
            #expect(
                try await client.json("/api/images/\(image.id)/tiles/0/0/0?channel=3").status == .unprocessableContent)
            #expect(try await client.json("/api/images/\(image.id)/preview?size=zero").status == .badRequest)
        }
    }

    /// The parts of `body` fed to a parser `chunkSize` bytes at a time: (name, filename, bytes) each.
    static func parts(of body: Data, boundary: String, chunkSize: Int) throws -> [(String, String?, Data)] {
        var parser = try MultipartParser(boundary: boundary)
        var parts: [(String, String?, Data)] = []
        var offset = 0
        while offset < body.count {
            let chunk = body[offset..<min(body.count, offset + chunkSize)]
            try parser.feed(chunk) { event in
                switch event {
                case .begin(let headers): parts.append((headers.name, headers.filename, Data()))
                case .bytes(let bytes): parts[parts.count - 1].2.append(contentsOf: bytes)
                case .end: break
                }
            }
            offset += chunkSize
        }
        try parser.finish()
        return parts
    }

    @Test func multipartBodiesAreParsedExactlyHoweverTheyArrive() throws {
        // Part bytes that look like a boundary's start (CRLF, "--b" without its CRLF) stay part bytes.
        let body = Data(
            "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tif\"\r\n\r\n\r\nA--bB\r\n-\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\nepilogue"
                .utf8)
        for chunkSize in [1, 2, 3, 5, 7, 64, body.count] {
            let parts = try Self.parts(of: body, boundary: "b", chunkSize: chunkSize)
            #expect(parts.count == 2, "chunks of \(chunkSize)")
            #expect(parts.first?.1 == "a.tif" && parts.first?.2 == Data("\r\nA--bB\r\n-\r\n".utf8))
            #expect(parts.last?.0 == "note" && parts.last?.1 == nil && parts.last?.2 == Data("hi".utf8))
        }
        let random = Data((0..<100_000).map { _ in UInt8.random(in: 0...255) })
        var binary = Data("--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"r.bin\"\r\n\r\n".utf8)
        binary += random + Data("\r\n--xyz--".utf8)
        #expect(try Self.parts(of: binary, boundary: "xyz", chunkSize: 4096).first?.2 == random)
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=\"xyz\"") == "xyz")
        #expect(MultipartParser.boundary(contentType: "application/json") == nil)
    }

    @Test func malformedMultipartBodiesAreRefusedNamingTheFault() throws {
        let cases: [(String, String)] = [
            ("--b\r\nno headers", "ends without its closing boundary"),
            ("no boundary at all", "does not contain its boundary"),
            ("--bXY", "not followed by a line break"),
            ("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "no Content-Disposition name"),
            ("--b\r\n" + String(repeating: "X-Long: y\r\n", count: 2000), "headers exceed"),
        ]
        for (body, message) in cases {
            #expect {
                _ = try Self.parts(of: Data(body.utf8), boundary: "b", chunkSize: 1000)
            } throws: { error in
                (error as? ServerError)?.message.contains(message) == true
            }
        }
        #expect(throws: ServerError.self) { try MultipartParser(boundary: String(repeating: "b", count: 71)) }
    }
}
