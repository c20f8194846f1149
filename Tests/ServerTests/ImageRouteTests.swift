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

    @Test func multipartBodiesAreParsedExactly() throws {
        let body = Data(
            "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tif\"\r\n\r\n\r\nAB\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\n"
                .utf8)
        let form = try MultipartForm(body: body, boundary: "b")
        #expect(form.parts.count == 2)
        #expect(form.parts[0].filename == "a.tif" && form.parts[0].data == Data("\r\nAB\r\n".utf8))
        #expect(form.parts[1].name == "note" && form.parts[1].filename == nil && form.parts[1].data == Data("hi".utf8))
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"xyz\"") == "xyz")
        #expect(throws: ServerError.self) { try MultipartForm(body: Data("--b\r\nno headers".utf8), boundary: "b") }
    }
}
